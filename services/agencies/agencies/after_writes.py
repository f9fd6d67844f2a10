"""What a process does once it has answered a request that may have written (its transaction is committed by
then): forget the rendered pages, and wake the webhook worker so new events go out at once."""

from collections.abc import Callable, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class AfterWrites:
    """ASGI middleware: after any request but GET/HEAD/OPTIONS has been answered, run each hook."""

    def __init__(self, app: ASGIApp, hooks: Sequence[Callable[[], None]]) -> None:
        self.app = app
        self.hooks = hooks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            for hook in self.hooks:
                hook()
