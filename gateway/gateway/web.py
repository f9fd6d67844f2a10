"""What the browser sees besides the API: the built SPA, and the headers every response carries."""

from pathlib import Path, PurePosixPath

from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.problems import NotFound

NO_BUILD_PAGE = """<!doctype html><meta charset="utf-8"><title>人才计划平台</title>
<p>前端尚未构建：请运行 <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>。</p>
<p>The SPA is not built yet: run <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>.</p>"""


class NoSuchFile(NotFound):
    code = "file_not_found"
    message_zh = "没有这个文件。"
    message_en = "No such file."


def spa_response(spa_dir: Path, path: str) -> Response:
    """Real files as they are; a missing file (an asset, or any name with an extension) is a 404; every other
    path is a client-side route and gets index.html."""
    root = spa_dir.resolve()
    index = root / "index.html"
    if not index.is_file():
        return HTMLResponse(NO_BUILD_PAGE, status_code=503)
    candidate = (root / path.lstrip("/")).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        # Vite puts a content hash in every asset's name, so assets can be cached for good.
        immutable = candidate.parent.name == "assets"
        headers = {"Cache-Control": "public, max-age=31536000, immutable" if immutable else "no-cache"}
        return FileResponse(candidate, headers=headers)
    relative = PurePosixPath(path.lstrip("/"))
    if relative.parts[:1] == ("assets",) or relative.suffix:
        raise NoSuchFile()
    return FileResponse(index, headers={"Cache-Control": "no-cache"})


APP_CSP = (b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
           b"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
# Swagger UI (served from the SPA's build) starts from an inline script.
DOCS_CSP = (b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            b"script-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
DOCS_PATHS = {"/api/docs", "/api/v1/docs"}


class SecurityHeaders:
    """Headers every response carries: the SPA and API never render inside another site's frame, and over
    TLS browsers are told to keep to HTTPS (HSTS, unless `hsts_max_age` is 0)."""

    def __init__(self, app: ASGIApp, *, hsts_max_age: int = 0) -> None:
        self.app = app
        self.hsts = f"max-age={hsts_max_age}; includeSubDomains".encode() if hsts_max_age > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in DOCS_PATHS
        tls = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    (b"content-security-policy", DOCS_CSP if docs else APP_CSP),
                ]
                if tls and self.hsts:
                    headers.append((b"strict-transport-security", self.hsts))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
