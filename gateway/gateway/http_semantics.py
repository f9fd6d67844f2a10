"""HTTP as integrators expect it, for every answer of the gateway (its own routes, the proxied services, the SPA):
versioned paths, HEAD, 406, ETags with 304, default Cache-Control, and problems that name the public path.

`/api/v1/…` is the documented path; the unversioned `/api/…` answers the same as an alias and says so with
`Deprecation` and `Link: rel="successor-version"` (RFC 9745, RFC 5829). The rest of the gateway routes by the
unversioned path, so the version is stripped here, once."""

import hashlib
import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.problems import PROBLEM_MEDIA_TYPE, problem_for_status, send_problem, wants_english

API_PREFIX = "/api/"
VERSION_PREFIX = "/api/v1"
# When the unversioned paths became an alias (RFC 9745 wants the date as a structured-field date).
DEPRECATED_SINCE = b"@1796083200"  # 2026-12-01T00:00:00Z
# The documents describe the versions rather than belong to one: no deprecation on their own paths.
UNVERSIONED_DOCUMENTS = {"/api/docs", "/api/openapi.json"}
JSON = "application/json"


def _q_of(accept: str, media_type: str) -> float:
    """The quality the Accept header gives `media_type`: its most specific matching range wins."""
    kind = media_type.partition("/")[0] + "/*"
    best: tuple[int, float] = (0, 0.0)
    for part in accept.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        name = name.lower()
        specificity = {media_type: 3, kind: 2, "*/*": 1}.get(name, 0)
        if specificity <= best[0]:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        best = (specificity, q)
    return best[1]


def accepts(accept: str, media_type: str) -> bool:
    return not accept.strip() or _q_of(accept, media_type.lower()) > 0


def weak_etag(body: bytes) -> bytes:
    return b'W/"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): the opaque tags equal, whether either is weak or not."""
    tag = etag.removeprefix("W/")
    return any(candidate.strip() == "*" or candidate.strip().removeprefix("W/") == tag
               for candidate in if_none_match.split(","))


class HeadAsGet:
    """HEAD on every GET route: the request goes on as a GET and its body is dropped, headers kept (so the
    Content-Length and Content-Encoding are those a GET would get)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body"):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class HttpSemantics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        public_path: str = scope["path"]
        api = public_path.startswith(API_PREFIX) or public_path == "/api"
        deprecated = False
        if public_path == VERSION_PREFIX or public_path.startswith(VERSION_PREFIX + "/"):
            raw = scope.get("raw_path") or public_path.encode()
            scope = {**scope, "path": "/api" + public_path[len(VERSION_PREFIX):],
                     "raw_path": b"/api" + raw[len(VERSION_PREFIX):]}
        elif api and public_path not in UNVERSIONED_DOCUMENTS:
            deprecated = True
        headers = {name: value.decode("latin-1") for name, value in scope["headers"]
                   if name in (b"accept", b"if-none-match", b"authorization", b"x-api-key", b"accept-language")}
        accept = headers.get(b"accept", "")
        method = scope["method"]
        english = wants_english(headers.get(b"accept-language"))

        if api and method in ("POST", "PUT", "PATCH") and not accepts(accept, JSON):
            # Every changing route answers JSON: refuse before acting, not after.
            await send_problem(send, problem_for_status(406, english=english, instance=public_path))
            return

        anonymous = b"authorization" not in headers and b"x-api-key" not in headers
        extra: list[tuple[bytes, bytes]] = []
        if deprecated:
            successor = (VERSION_PREFIX + public_path[4:]).encode()
            extra = [(b"deprecation", DEPRECATED_SINCE), (b"link", b"<" + successor + b'>; rel="successor-version"')]
        start: Message | None = None
        swallow = False

        async def send_start(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        async def respond(message: Message) -> None:
            nonlocal start, swallow
            if swallow:
                return
            if message["type"] == "http.response.start":
                start = message
                response_headers = MutableHeaders(raw=list(message.get("headers", [])))
                start["headers"] = response_headers.raw
                status = message["status"]
                content_type = response_headers.get("content-type", "")
                if (api and method == "GET" and 200 <= status < 300 and content_type
                        and not accepts(accept, content_type.partition(";")[0].strip())):
                    swallow, start = True, None
                    await send_problem(send, problem_for_status(406, english=english, instance=public_path), extra)
                    return
                if api and method == "GET" and status == 200 and "cache-control" not in response_headers:
                    response_headers["Cache-Control"] = "public, no-cache" if anonymous else "private, no-cache"
                etag = response_headers.get("etag")
                if method == "GET" and status == 200 and etag and b"if-none-match" in headers:
                    if etag_matches(headers[b"if-none-match"], etag):
                        swallow, start = True, None
                        await self._not_modified(message, send_start)
                return
            if message["type"] != "http.response.body" or start is None:
                if start is not None:
                    await send_start(start)
                    start = None
                await send(message)
                return
            first, start = start, None
            body = message.get("body", b"")
            if message.get("more_body"):
                await send_start(first)
                await send(message)
                return
            response_headers = MutableHeaders(raw=first["headers"])
            if method == "GET" and first["status"] == 200 and "etag" not in response_headers:
                etag = weak_etag(body).decode()
                response_headers["ETag"] = etag
                if b"if-none-match" in headers and etag_matches(headers[b"if-none-match"], etag):
                    await self._not_modified(first, send_start)
                    return
            if response_headers.get("content-type", "").startswith(PROBLEM_MEDIA_TYPE):
                body = self._with_public_instance(body, public_path)
                response_headers["Content-Length"] = str(len(body))
            await send_start(first)
            await send({**message, "body": body})

        await self.app(scope, receive, respond)
        if start is not None:  # a response without a body message: pass its start on
            await send_start(start)

    @staticmethod
    async def _not_modified(start: Message, send_start: Send) -> None:
        headers = MutableHeaders(raw=list(start["headers"]))
        for name in ("content-length", "content-type", "content-encoding"):
            del headers[name]
        await send_start({"type": "http.response.start", "status": 304, "headers": headers.raw})
        await send_start({"type": "http.response.body", "body": b""})

    @staticmethod
    def _with_public_instance(body: bytes, public_path: str) -> bytes:
        """A service names its own path; the client asked for the gateway's, so the problem says that one."""
        try:
            problem = json.loads(body)
        except ValueError:
            return body
        if not isinstance(problem, dict) or problem.get("instance") in (None, public_path):
            return body
        problem["instance"] = public_path
        return json.dumps(problem, ensure_ascii=False).encode()
