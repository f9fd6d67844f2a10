"""415 for a request body of a media type its route does not take (text/plain to a JSON route), as
problem+json, before the route runs: FastAPI would read such a body as bytes and answer a confusing 422."""

import re
from collections.abc import Callable
from typing import Any

from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

from servicekit.problems import problem_for_status, send_problem, wants_english

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def takes(route_media_type: str, content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    if route_media_type == "application/json":
        return media_type == "application/json" or (media_type.startswith("application/")
                                                    and media_type.endswith("+json"))
    if route_media_type == "application/x-www-form-urlencoded":
        return media_type in FORMS
    return media_type == route_media_type


class RequireBodyMediaType:
    """Reads what each operation's body may be from the app's own OpenAPI document (built once, at the first
    request with a body), so it knows every documented route however the routers were included."""

    def __init__(self, app: ASGIApp, openapi: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self.openapi = openapi
        self.bodies: list[tuple[re.Pattern, str, list[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = dict(scope["headers"])
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            expected = self._body_media_types(scope) if content_type else []
            if expected and not any(takes(media_type, content_type) for media_type in expected):
                english = wants_english(headers.get(b"accept-language", b"").decode("latin-1"))
                names = ", ".join(expected)
                body = problem_for_status(
                    415, english=english, instance=scope["path"],
                    detail_zh=f"不支持的内容类型 {content_type[:100]}：此接口接受 {names}。",
                    detail_en=f"Unsupported media type {content_type[:100]}: this route takes {names}.")
                await send_problem(send, body, [(b"accept-post", names.encode())])
                return
        await self.app(scope, receive, send)

    def _body_media_types(self, scope: Scope) -> list[str]:
        if self.bodies is None:
            self.bodies = [(compile_path(path)[0], method.upper(), list(operation["requestBody"]["content"]))
                           for path, item in self.openapi().get("paths", {}).items()
                           for method, operation in item.items()
                           if isinstance(operation, dict) and "requestBody" in operation]
        for pattern, method, media_types in self.bodies:
            if method == scope["method"] and pattern.match(scope["path"]):
                return media_types
        return []
