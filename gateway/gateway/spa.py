"""Serves the built SPA: real files as they are, every other path as index.html (client-side routes)."""

from pathlib import Path

from starlette.responses import FileResponse, HTMLResponse, Response

NO_BUILD_PAGE = """<!doctype html><meta charset="utf-8"><title>人才计划平台</title>
<p>前端尚未构建：请运行 <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>。</p>
<p>The SPA is not built yet: run <code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>.</p>"""


def spa_response(spa_dir: Path, path: str) -> Response:
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
    return FileResponse(index, headers={"Cache-Control": "no-cache"})
