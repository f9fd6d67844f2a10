"""Accounts and sign-ins: the rules, without HTTP."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.errors import (
    AgencyRequired,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    UsernameTaken,
    UserNotFound,
)
from gateway.identity.credentials import (
    generate_password,
    hash_password,
    new_refresh_token,
    new_session_family,
    sha256_hex,
    verify_password,
)
from gateway.identity.repository import RefreshTokenRepository, UserRepository
from gateway.identity.tokens import AccessTokens
from gateway.models import AuditLog, RefreshToken, User
from servicekit.audit import record_change
from servicekit.identity import Principal
from servicekit.pagination import PageParams

# A change to any of these makes what earlier access tokens say about the user untrue.
TOKEN_FIELDS = ("role", "agency_code", "is_agency_admin", "is_active")


def now() -> datetime:
    return datetime.now(UTC)


# What an agency's key admin may do in the services beside managing keys (here): its agency's webhooks.
AGENCY_ADMIN_SCOPES = frozenset({"webhooks:manage"})


def user_principal(user: User) -> Principal:
    scopes = AGENCY_ADMIN_SCOPES if user.role == "reviewer" and user.is_agency_admin else frozenset()
    return Principal(subject=f"user:{user.id}", role=user.role, agency=user.agency_code, name=user.display_name,
                     scopes=scopes)


def user_id_of(principal: Principal) -> int:
    return int(principal.subject.split(":", 1)[1])


def user_snapshot(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "agency_code": user.agency_code,
            "is_agency_admin": user.is_agency_admin, "is_active": user.is_active}


@dataclass
class UserChange:
    user: User
    # Sign-ins whose remembered state must be forgotten once the change is committed.
    sign_ins: list[str]


async def create_user(session: AsyncSession, *, actor: str, username: str, display_name: str, role: str,
                      password: str | None, email: str | None = None, agency_code: str | None = None,
                      is_agency_admin: bool = False, is_demo: bool = False) -> tuple[User, str | None]:
    """Returns the user and, when none was given, the generated password (to show once)."""
    if role == "reviewer" and not agency_code:
        raise AgencyRequired()
    generated = None if password else generate_password()
    user = User(username=username, display_name=display_name, email=email, role=role,
                agency_code=agency_code if role == "reviewer" else None,
                is_agency_admin=is_agency_admin and role == "reviewer", is_active=True, is_demo=is_demo,
                password_hash=hash_password(password or generated), token_version=0)
    try:
        async with session.begin_nested():
            await UserRepository(session).add(user)
    except IntegrityError as exc:
        if await UserRepository(session).by_username(username) is not None:
            raise UsernameTaken() from exc
        raise
    await record_change(session, AuditLog, actor=actor, action="user.create", entity_type="user",
                        entity_id=user.id, after=user_snapshot(user))
    return user, generated


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await UserRepository(session).get(user_id)
    if user is None:
        raise UserNotFound()
    return user


async def list_users(session: AsyncSession, params: PageParams, role: str | None) -> tuple[list[User], int]:
    return await UserRepository(session).page_of_users(params, role)


async def any_admin_exists(session: AsyncSession) -> bool:
    return await UserRepository(session).any_admin_exists()


async def find_user(session: AsyncSession, username: str) -> User | None:
    return await UserRepository(session).by_username(username)


async def update_user(session: AsyncSession, actor: str, user_id: int, changes: dict[str, Any]) -> UserChange:
    """Deactivating a user also revokes their refresh tokens; a change to what access tokens say about the
    user (role, agency, activity) retires every access token issued before it."""
    user = await get_user(session, user_id)
    before = user_snapshot(user)
    for field, value in changes.items():
        setattr(user, field, value)
    if user.role != "reviewer":
        user.is_agency_admin = False
    after = user_snapshot(user)
    sign_ins: list[str] = []
    if any(before[f] != after[f] for f in TOKEN_FIELDS):
        user.token_version += 1
        sign_ins = await RefreshTokenRepository(session).families_of_user(user.id, now() - timedelta(days=1))
    if changes.get("is_active") is False:
        await RefreshTokenRepository(session).revoke_all_of_user(user.id, now())
    await session.flush()
    await record_change(session, AuditLog, actor=actor, action="user.update", entity_type="user",
                        entity_id=user.id, before=before, after=after)
    return UserChange(user, sign_ins)


async def _issue_pair(session: AsyncSession, tokens: AccessTokens, refresh_ttl: timedelta, user: User,
                      family: str) -> dict[str, Any]:
    refresh = new_refresh_token()
    await RefreshTokenRepository(session).add(
        RefreshToken(user_id=user.id, token_hash=sha256_hex(refresh), family=family, expires_at=now() + refresh_ttl))
    access = tokens.issue(user_principal(user), session=family, version=user.token_version)
    return {"access_token": access, "expires_in": int(tokens.ttl.total_seconds()), "refresh_token": refresh}


async def login(session: AsyncSession, tokens: AccessTokens, refresh_ttl: timedelta, username: str,
                password: str) -> dict[str, Any]:
    user = await UserRepository(session).by_username(username)
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        raise InvalidCredentials()
    return await _issue_pair(session, tokens, refresh_ttl, user, family=new_session_family())


async def refresh(session: AsyncSession, tokens: AccessTokens, refresh_ttl: timedelta, token: str) -> dict[str, Any]:
    """Rotate: the old refresh token is spent. Presenting a spent one again means it was stolen (or the
    client is confused): the whole family is revoked and both parties must sign in again."""
    refresh_tokens = RefreshTokenRepository(session)
    stored = await refresh_tokens.by_hash(sha256_hex(token))
    if stored is None:
        raise InvalidRefreshToken()
    if stored.revoked_at is not None:
        await refresh_tokens.revoke_family(stored.family, now())
        raise RefreshTokenReused(user_id=stored.user_id, family=stored.family)
    user = await UserRepository(session).get(stored.user_id)
    if stored.expires_at <= now() or user is None or not user.is_active:
        raise InvalidRefreshToken()
    stored.revoked_at = now()
    return await _issue_pair(session, tokens, refresh_ttl, user, family=stored.family)


async def logout(session: AsyncSession, token: str) -> tuple[int, str] | None:
    """Revokes the sign-in the refresh token belongs to; returns (user id, that sign-in) when there was one."""
    refresh_tokens = RefreshTokenRepository(session)
    stored = await refresh_tokens.by_hash(sha256_hex(token))
    if stored is None:
        return None
    await refresh_tokens.revoke_family(stored.family, now())
    return stored.user_id, stored.family
