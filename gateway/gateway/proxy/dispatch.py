"""The gateway's front door: paths checked, body size checked, then a service's route goes straight to the
proxy (after the caller is identified) and everything else to the gateway's own FastAPI app. A proxied
request never pays for FastAPI's router."""

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from gateway.errors import AmbiguousPath
from gateway.proxy.forward import ServiceProxy, send_domain_error
from gateway.proxy.paths import is_unambiguous, route
from servicekit.identity import INTERNAL_TOKEN_HEADER
from servicekit.problems import DomainError, problem_for_status, send_problem, wants_english

INTERNAL_TOKEN = INTERNAL_TOKEN_HEADER.lower().encode()
READ_HEADERS = (b"authorization", b"x-api-key", b"content-length", b"accept-language")


class GatewayApp:
    def __init__(self, api: FastAPI, proxy: ServiceProxy, max_body_bytes: int) -> None:
        self.api = api
        self.proxy = proxy
        self.services = set(proxy.upstreams)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.api(scope, receive, send)
            return
        headers = {k: v for k, v in scope["headers"] if k in READ_HEADERS}
        english = wants_english(headers.get(b"accept-language", b"").decode("latin-1"))
        if not is_unambiguous(scope):
            await send_domain_error(send, AmbiguousPath(), english=english, instance=None)
            return
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body_bytes:
            await send_problem(send, problem_for_status(413, english=english, instance=scope["path"]))
            return
        target = route(scope["path"], self.services)
        if target is None:
            await self.api(scope, receive, send)
            return
        try:
            # A header sent empty is still sent: beside another credential it is a second one.
            principal = await self.api.state.gateway.authenticator.identify(
                headers[b"authorization"].decode("latin-1") if b"authorization" in headers else None,
                headers[b"x-api-key"].decode("latin-1") if b"x-api-key" in headers else None,
            )
        except DomainError as error:
            await send_domain_error(send, error, english=english, instance=scope["path"])
            return
        identity = ([] if principal.role == "public"
                    else [(INTERNAL_TOKEN, self.api.state.internal_signer.sign(principal).encode())])
        await self.proxy.forward(scope, receive, send, *target, extra_headers=identity)
