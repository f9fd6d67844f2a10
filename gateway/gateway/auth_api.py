"""/api/auth (sign-up, sign-in, tokens) and /api/admin (users, agency API keys)."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from gateway import repository, service
from gateway.agency_directory import check_agency_exists
from gateway.authentication import GatewayPrincipal
from gateway.errors import RefreshTokenReused, UserNotFound
from gateway.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPage,
    ApiKeyRead,
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    TokenPair,
    UserCreate,
    UserCreated,
    UserPage,
    UserRead,
    UserUpdate,
)
from servicekit.unit_of_work import ReadSession, WriteSession
from servicekit.identity import LoginRequired, Principal, RoleNotAllowed
from servicekit.pagination import PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES, render_domain_error

auth_router = APIRouter(prefix="/api/auth", tags=["auth"], responses=PROBLEM_RESPONSES)
admin_router = APIRouter(prefix="/api/admin", tags=["admin"], responses=PROBLEM_RESPONSES)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def signed_in(principal: GatewayPrincipal) -> Principal:
    if principal.role == "public" or not principal.subject.startswith("user:"):
        raise LoginRequired()
    return principal


async def admin_only(principal: GatewayPrincipal) -> Principal:
    if principal.role == "public":
        raise LoginRequired()
    if principal.role != "admin":
        raise RoleNotAllowed()
    return principal


SignedIn = Annotated[Principal, Depends(signed_in)]
Admin = Annotated[Principal, Depends(admin_only)]


def refresh_ttl(request: Request) -> timedelta:
    return timedelta(days=request.app.state.settings.refresh_token_ttl_days)


@auth_router.post("/register", response_model=UserRead, status_code=201, summary="Register as an applicant")
async def register_applicant(body: RegisterRequest, request: Request, session: WriteSession) -> UserRead:
    """Self-registration creates an applicant account (申报人)."""
    await request.app.state.limiter.hit(request.app.state.settings.login_rate_limit, "register", client_ip(request))
    user, _ = await service.create_user(session, actor="public:self-registration", username=body.username,
                                        display_name=body.display_name, email=body.email, role="applicant",
                                        password=body.password)
    return UserRead.model_validate(user)


@auth_router.post("/login", response_model=TokenPair, summary="Sign in")
async def login(body: LoginRequest, request: Request, session: WriteSession) -> TokenPair:
    """Username and password for a short-lived access token and a refresh token. Limited per IP address."""
    await request.app.state.limiter.hit(request.app.state.settings.login_rate_limit, "login", client_ip(request))
    pair = await service.login(session, request.app.state.access_tokens, refresh_ttl(request), body.username,
                               body.password)
    return TokenPair(**pair)


@auth_router.post("/refresh", response_model=TokenPair, summary="Refresh the access token")
async def refresh_tokens(body: RefreshRequest, request: Request, session: WriteSession) -> TokenPair | Response:
    """Spends the refresh token and returns a new pair; a spent token used again revokes its whole family."""
    await request.app.state.limiter.hit(request.app.state.settings.login_rate_limit, "refresh", client_ip(request))
    try:
        pair = await service.refresh(session, request.app.state.access_tokens, refresh_ttl(request),
                                     body.refresh_token)
    except RefreshTokenReused as reused:
        return render_domain_error(request, reused)  # returned, not raised: the revocation commits
    return TokenPair(**pair)


@auth_router.post("/logout", status_code=204, summary="Sign out")
async def logout(body: RefreshRequest, session: WriteSession) -> Response:
    """Revokes the refresh token (and every token refreshed from the same sign-in)."""
    await service.logout(session, body.refresh_token)
    return Response(status_code=204)


@auth_router.get("/me", response_model=UserRead, summary="The signed-in user")
async def read_current_user(principal: SignedIn, session: ReadSession) -> UserRead:
    """Who the access token belongs to: role, agency, flags."""
    user = await repository.get_user(session, int(principal.subject.split(":", 1)[1]))
    if user is None:
        raise UserNotFound()
    return UserRead.model_validate(user)


@admin_router.get("/users", response_model=UserPage, summary="List users")
async def list_users(admin: Admin, session: ReadSession, params: PageParamsDep,
                     role: Annotated[str | None, Query(pattern="^(applicant|reviewer|admin)$")] = None) -> UserPage:
    """Every account, oldest first, optionally of one role."""
    users, total = await repository.list_users(session, params, role)
    return UserPage(items=[UserRead.model_validate(u) for u in users], total=total, page=params.page, size=params.size)


@admin_router.post("/users", response_model=UserCreated, status_code=201, summary="Create a user")
async def create_user(body: UserCreate, admin: Admin, request: Request, session: WriteSession) -> UserCreated:
    """Creates an applicant, a reviewer bound to an agency, or an admin; a generated password is shown once."""
    if body.role == "reviewer" and body.agency_code:
        await check_agency_exists(request.app.state, body.agency_code)
    user, generated = await service.create_user(
        session, actor=admin.actor, username=body.username, display_name=body.display_name, email=body.email,
        role=body.role, password=body.password, agency_code=body.agency_code, is_agency_admin=body.is_agency_admin,
    )
    return UserCreated(**UserRead.model_validate(user).model_dump(), initial_password=generated)


@admin_router.patch("/users/{user_id}", response_model=UserRead, summary="Update a user")
async def update_user(user_id: int, body: UserUpdate, admin: Admin, session: WriteSession) -> UserRead:
    """Deactivating a user also revokes their refresh tokens."""
    user = await service.update_user(session, admin.actor, user_id, body.model_dump(exclude_unset=True))
    return UserRead.model_validate(user)


async def key_manager(principal: GatewayPrincipal, session: ReadSession):
    """An admin, or a reviewer who is their agency's admin; returns (principal, that reviewer's user)."""
    if principal.role == "public":
        raise LoginRequired()
    manager = None
    if principal.role == "reviewer":
        manager = await repository.get_user(session, int(principal.subject.split(":", 1)[1]))
        if manager is None or not manager.is_agency_admin:
            raise RoleNotAllowed()
    elif principal.role != "admin":
        raise RoleNotAllowed()
    return principal, manager


KeyManager = Annotated[tuple, Depends(key_manager)]


@admin_router.get("/api-keys", response_model=ApiKeyPage, summary="List agency API keys")
async def list_api_keys(manager: KeyManager, session: ReadSession, params: PageParamsDep,
                        agency_code: Annotated[str | None, Query(max_length=64)] = None,
                        include_revoked: bool = False) -> ApiKeyPage:
    """Keys without their secrets; an agency's own admin sees only that agency's keys."""
    principal, user = manager
    if user is not None:
        agency_code = user.agency_code
    keys, total = await repository.list_api_keys(session, params, agency_code, include_revoked)
    return ApiKeyPage(items=[ApiKeyRead.model_validate(k) for k in keys], total=total, page=params.page,
                      size=params.size)


@admin_router.post("/api-keys", response_model=ApiKeyCreated, status_code=201, summary="Create an agency API key")
async def create_api_key(body: ApiKeyCreate, manager: KeyManager, request: Request,
                         session: WriteSession) -> ApiKeyCreated:
    """The secret is in this response only; it is stored hashed."""
    principal, user = manager
    service.check_key_manager(principal, body.agency_code, user)
    await check_agency_exists(request.app.state, body.agency_code)
    key, secret = await service.create_api_key(session, principal.actor, body.agency_code, body.name, body.scopes)
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), secret=secret)


@admin_router.post("/api-keys/{key_id}/rotate", response_model=ApiKeyCreated, status_code=201,
                   summary="Rotate an agency API key")
async def rotate_api_key(key_id: int, manager: KeyManager, session: WriteSession) -> ApiKeyCreated:
    """A new key with the same agency and scopes; the old key stops working at once."""
    principal, user = manager
    key = await service.get_api_key(session, key_id)
    service.check_key_manager(principal, key.agency_code, user)
    new_key, secret = await service.rotate_api_key(session, principal.actor, key)
    return ApiKeyCreated(**ApiKeyRead.model_validate(new_key).model_dump(), secret=secret)


@admin_router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyRead, summary="Revoke an agency API key")
async def revoke_api_key(key_id: int, manager: KeyManager, session: WriteSession) -> ApiKeyRead:
    """The key stops working with the next request."""
    principal, user = manager
    key = await service.get_api_key(session, key_id)
    service.check_key_manager(principal, key.agency_code, user)
    return ApiKeyRead.model_validate(await service.revoke_api_key(session, principal.actor, key))
