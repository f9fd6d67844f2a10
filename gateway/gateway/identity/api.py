"""/api/auth (sign-up, sign-in, tokens) and /api/admin/users."""

from datetime import timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from gateway.deps import Admin, CallerAddress, Idempotent, KnownCaller, ReadSession, State
from gateway.errors import InvalidCredentials, RefreshTokenReused
from gateway.identity import service
from gateway.identity.schemas import (
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
from gateway.keys import service as keys
from gateway.keys.agency_directory import check_agency_exists
from gateway.keys.schemas import ApiKeyIdentity
from gateway.types import RoleFilter, UserId
from servicekit.pagination import PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES
from servicekit.unit_of_work import WriteSession, write_transaction

auth_router = APIRouter(prefix="/api/auth", tags=["auth"], responses=PROBLEM_RESPONSES)
users_router = APIRouter(prefix="/api/admin", tags=["admin"], responses=PROBLEM_RESPONSES)


def _refresh_ttl(state: State) -> timedelta:
    return timedelta(days=state.settings.refresh_token_ttl_days)


@auth_router.post("/register", response_model=UserRead, status_code=201, summary="Register as an applicant")
async def register_applicant(body: RegisterRequest, state: State, address: CallerAddress, session: WriteSession,
                             idempotent: Idempotent) -> UserRead | JSONResponse:
    """Self-registration creates an applicant account (申报人)."""
    await state.limiter.hit(state.settings.login_rate_limit, "register", address)

    async def register() -> UserRead:
        user, _ = await service.create_user(session, actor="public:self-registration", username=body.username,
                                            display_name=body.display_name, email=body.email, role="applicant",
                                            password=body.password)
        return UserRead.model_validate(user)

    # Anonymous callers' keys are kept apart by their address.
    return await idempotent.run(f"register:{address}", state.sealer.blinded(body.model_dump(mode="json"), "password"),
                                register, status_code=201)


@auth_router.post("/login", response_model=TokenPair, summary="Sign in")
async def login(body: LoginRequest, state: State, address: CallerAddress, session: WriteSession) -> TokenPair:
    """Username and password for a short-lived access token and a refresh token. Limited per address, and
    per account after repeated failures (from whatever address)."""
    settings = state.settings
    await state.limiter.hit(settings.login_rate_limit, "login", address)
    await state.limiter.check(settings.login_failure_limit, "login-failures", body.username)
    try:
        pair = await service.login(session, state.access_tokens, _refresh_ttl(state), body.username, body.password)
    except InvalidCredentials:
        await state.limiter.count(settings.login_failure_limit, "login-failures", body.username)
        raise
    return TokenPair(**pair)


@auth_router.post("/refresh", response_model=TokenPair, summary="Refresh the access token")
async def refresh_tokens(body: RefreshRequest, request: Request, state: State, address: CallerAddress) -> TokenPair:
    """Spends the refresh token and returns a new pair; a spent token used again revokes its whole family."""
    await state.limiter.hit(state.settings.login_rate_limit, "refresh", address)
    try:
        async with write_transaction(request) as session:
            pair = await service.refresh(session, state.access_tokens, _refresh_ttl(state), body.refresh_token)
    except RefreshTokenReused as reused:  # committed: the family stays revoked
        await state.sign_ins.forget(reused.user_id, [reused.family])
        raise
    return TokenPair(**pair)


@auth_router.post("/logout", status_code=204, summary="Sign out")
async def logout(body: RefreshRequest, request: Request, state: State) -> Response:
    """Revokes the refresh token and every token refreshed from the same sign-in; access tokens of that
    sign-in stop working with their next request."""
    async with write_transaction(request) as session:
        signed_out = await service.logout(session, body.refresh_token)
    if signed_out is not None:
        await state.sign_ins.forget(signed_out[0], [signed_out[1]])
    return Response(status_code=204)


@auth_router.get("/me", response_model=UserRead | ApiKeyIdentity, summary="The signed-in user or API key")
async def read_current_user(principal: KnownCaller, session: ReadSession) -> UserRead | ApiKeyIdentity:
    """Who the credentials belong to: a user (role, agency, flags) or an API key (agency, scopes, expiry)."""
    if principal.role == "agency":
        return await keys.describe_api_key(session, principal)
    return UserRead.model_validate(await service.get_user(session, service.user_id_of(principal)))


@users_router.get("/users", response_model=UserPage, summary="List users")
async def list_users(admin: Admin, session: ReadSession, params: PageParamsDep, role: RoleFilter = None) -> UserPage:
    """Every account, oldest first, optionally of one role."""
    users, total = await service.list_users(session, params, role)
    return UserPage(items=[UserRead.model_validate(u) for u in users], total=total, page=params.page, size=params.size)


@users_router.post("/users", response_model=UserCreated, status_code=201, summary="Create a user")
async def create_user(body: UserCreate, admin: Admin, state: State, session: WriteSession,
                      idempotent: Idempotent) -> UserCreated | JSONResponse:
    """Creates an applicant, a reviewer bound to an agency, an expert (评审专家) or an admin; a generated
    password is shown once (and, for a replay, kept sealed)."""
    async def create() -> UserCreated:
        if body.role == "reviewer" and body.agency_code:
            await check_agency_exists(state.upstreams, body.agency_code)
        user, generated = await service.create_user(
            session, actor=admin.actor, username=body.username, display_name=body.display_name, email=body.email,
            role=body.role, password=body.password, agency_code=body.agency_code,
            is_agency_admin=body.is_agency_admin,
        )
        return UserCreated(**UserRead.model_validate(user).model_dump(), initial_password=generated)

    return await idempotent.run(admin.actor, state.sealer.blinded(body.model_dump(mode="json"), "password"), create,
                                status_code=201, stored_as=state.sealer.sealing("initial_password"),
                                replayed_as=state.sealer.opening("initial_password"))


@users_router.patch("/users/{user_id}", response_model=UserRead, summary="Update a user")
async def update_user(user_id: UserId, body: UserUpdate, admin: Admin, request: Request, state: State) -> UserRead:
    """Deactivating a user revokes their sign-ins; a change of role, agency or activity takes effect with
    the user's next request."""
    async with write_transaction(request) as session:
        change = await service.update_user(session, admin.actor, user_id, body.model_dump(exclude_unset=True))
    await state.sign_ins.forget(change.user.id, change.sign_ins)
    return UserRead.model_validate(change.user)
