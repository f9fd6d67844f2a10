"""415 for a request body of a media type its route does not take (text/plain to a JSON route), as
problem+json, before the route runs: FastAPI would read such a body as bytes and answer a confusing 422."""

import re
from collections.abc import Callable

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute, compile_path
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
    """Reads what each route's body may be from the app's routes themselves (once, at the first request with a
    body): the media type FastAPI documents for it (JSON, or a form's). Building the OpenAPI document for this
    instead cost every new app instance a quarter of a second at its first POST."""

    def __init__(self, app: ASGIApp, routes: Callable[[], list[BaseRoute]]) -> None:
        self.app = app
        self.routes = routes
        self.bodies: list[tuple[re.Pattern, frozenset[str], str]] | None = None

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
            # Through included routers as FastAPI itself walks them (with their prefixes).
            self.bodies = [(compile_path(route.path)[0], frozenset(route.methods or ()),
                            route.body_field.field_info.media_type)
                           for route in iter_route_contexts(self.routes())
                           if isinstance(route.original_route, APIRoute) and route.body_field is not None]
        for pattern, methods, media_type in self.bodies:
            if scope["method"] in methods and pattern.match(scope["path"]):
                return [media_type]
        return []
