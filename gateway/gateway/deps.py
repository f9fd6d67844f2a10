"""Annotated dependency aliases: sessions, the caller (signed in, admin, key manager), and the app's
long-lived helpers (tokens, sign-in checks, the rate limiter)."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gateway.config import GatewaySettings
from gateway.identity import service as identity
from gateway.identity.authentication import Authenticator
from gateway.identity.sessions import SignInChecks
from gateway.identity.tokens import AccessTokens
from gateway.models import IdempotencyRecord, User
from gateway.proxy.upstreams import Upstream
from gateway.rate_limit import RateLimiter
from gateway.sealed_answers import AnswerSealer
from servicekit.idempotency import IdempotentPost, idempotent_post
from servicekit.identity import LoginRequired, Principal, RoleNotAllowed, documents_access
from servicekit.openapi import documents_rate_limit
from servicekit.unit_of_work import ReadSession, WriteSession

__all__ = ["Admin", "CallerAddress", "GatewayPrincipal", "Idempotent", "KeyManager", "KnownCaller", "ReadSession", "State",
           "WriteSession"]


@dataclass
class GatewayState:
    settings: GatewaySettings
    access_tokens: AccessTokens
    sign_ins: SignInChecks
    limiter: RateLimiter
    authenticator: Authenticator
    upstreams: dict[str, Upstream]
    sealer: AnswerSealer


def _state(request: Request) -> GatewayState:
    return request.app.state.gateway


State = Annotated[GatewayState, Depends(_state)]


@documents_rate_limit
def _caller_address(request: Request) -> str:
    # The peer, or the client a trusted proxy named (ProxyHeaders in main.py); never an untrusted header.
    return request.client.host if request.client else "unknown"


CallerAddress = Annotated[str, Depends(_caller_address)]


@documents_access("public", "applicant", "reviewer", "agency", "admin", "expert")
async def _request_principal(request: Request, state: State) -> Principal:
    return await state.authenticator.identify(request.headers.get("authorization"), request.headers.get("x-api-key"))


GatewayPrincipal = Annotated[Principal, Depends(_request_principal)]


@documents_access("admin")
async def _admin_only(principal: GatewayPrincipal) -> Principal:
    if principal.role == "public":
        raise LoginRequired()
    if principal.role != "admin":
        raise RoleNotAllowed()
    return principal


@documents_access("applicant", "reviewer", "admin", "expert", "agency")
async def _known_caller(principal: GatewayPrincipal) -> Principal:
    if principal.role == "public":
        raise LoginRequired()
    return principal


KnownCaller = Annotated[Principal, Depends(_known_caller)]
Admin = Annotated[Principal, Depends(_admin_only)]


@dataclass
class KeyManagerCaller:
    principal: Principal
    # The reviewer who manages their own agency's keys; None for an admin.
    agency_admin: User | None


@documents_access("admin", "reviewer")
async def _key_manager(principal: GatewayPrincipal, session: ReadSession) -> KeyManagerCaller:
    """An admin, or a reviewer who is their agency's admin."""
    if principal.role == "public":
        raise LoginRequired()
    if principal.role == "admin":
        return KeyManagerCaller(principal, None)
    if principal.role == "reviewer":
        manager = await identity.get_user(session, identity.user_id_of(principal))
        if manager.is_agency_admin and manager.is_active:
            return KeyManagerCaller(principal, manager)
    raise RoleNotAllowed()


KeyManager = Annotated[KeyManagerCaller, Depends(_key_manager)]
Idempotent = Annotated[IdempotentPost, Depends(idempotent_post(IdempotencyRecord))]
