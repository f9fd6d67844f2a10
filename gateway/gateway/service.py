"""Accounts, sessions and API keys: the rules, without HTTP."""

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway import repository
from gateway.errors import (
    AgencyRequired,
    ApiKeyAlreadyRevoked,
    ApiKeyNotFound,
    InvalidApiKey,
    InvalidCredentials,
    InvalidRefreshToken,
    NotYourAgency,
    RefreshTokenReused,
    UsernameTaken,
    UserNotFound,
)
from gateway.models import ApiKey, AuditLog, RefreshToken, User
from gateway.security import (
    AccessTokens,
    generate_password,
    hash_password,
    new_api_key,
    new_refresh_token,
    secret_matches,
    sha256_hex,
    split_api_key,
    verify_password,
)
from servicekit.audit import record_change
from servicekit.identity import Principal, RoleNotAllowed


def now() -> datetime:
    return datetime.now(UTC)


def user_principal(user: User) -> Principal:
    return Principal(subject=f"user:{user.id}", role=user.role, agency=user.agency_code, name=user.display_name)


def user_snapshot(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "agency_code": user.agency_code,
            "is_agency_admin": user.is_agency_admin, "is_active": user.is_active}


def key_snapshot(key: ApiKey) -> dict[str, Any]:
    return {"agency_code": key.agency_code, "name": key.name, "prefix": key.prefix, "scopes": key.scopes,
            "revoked": key.revoked_at is not None}


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
                password_hash=hash_password(password or generated))
    try:
        async with session.begin_nested():
            session.add(user)
            await session.flush()
    except IntegrityError as exc:
        raise UsernameTaken() from exc
    await record_change(session, AuditLog, actor=actor, action="user.create", entity_type="user",
                        entity_id=user.id, after=user_snapshot(user))
    return user, generated


async def update_user(session: AsyncSession, actor: str, user_id: int, changes: dict[str, Any]) -> User:
    user = await repository.get_user(session, user_id)
    if user is None:
        raise UserNotFound()
    before = user_snapshot(user)
    for field, value in changes.items():
        setattr(user, field, value)
    if user.role != "reviewer":
        user.is_agency_admin = False
    if changes.get("is_active") is False:
        await repository.revoke_user_refresh_tokens(session, user.id, now())
    await session.flush()
    await record_change(session, AuditLog, actor=actor, action="user.update", entity_type="user",
                        entity_id=user.id, before=before, after=user_snapshot(user))
    return user


async def _issue_pair(session: AsyncSession, tokens: AccessTokens, refresh_ttl: timedelta, user: User,
                      family: str) -> dict[str, Any]:
    refresh = new_refresh_token()
    session.add(RefreshToken(user_id=user.id, token_hash=sha256_hex(refresh), family=family,
                             expires_at=now() + refresh_ttl))
    await session.flush()
    return {"access_token": tokens.issue(user_principal(user)), "expires_in": int(tokens.ttl.total_seconds()),
            "refresh_token": refresh}


async def login(session: AsyncSession, tokens: AccessTokens, refresh_ttl: timedelta, username: str,
                password: str) -> dict[str, Any]:
    user = await repository.get_user_by_username(session, username)
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        raise InvalidCredentials()
    return await _issue_pair(session, tokens, refresh_ttl, user, family=secrets.token_hex(16))


async def refresh(session: AsyncSession, tokens: AccessTokens, refresh_ttl: timedelta, token: str) -> dict[str, Any]:
    """Rotate: the old refresh token is spent. Presenting a spent one again means it was stolen (or the
    client is confused): the whole family is revoked and both parties must sign in again."""
    stored = await repository.get_refresh_token(session, sha256_hex(token))
    if stored is None:
        raise InvalidRefreshToken()
    if stored.revoked_at is not None:
        await repository.revoke_refresh_family(session, stored.family, now())
        raise RefreshTokenReused()
    user = await repository.get_user(session, stored.user_id)
    if stored.expires_at <= now() or user is None or not user.is_active:
        raise InvalidRefreshToken()
    stored.revoked_at = now()
    return await _issue_pair(session, tokens, refresh_ttl, user, family=stored.family)


async def logout(session: AsyncSession, token: str) -> None:
    stored = await repository.get_refresh_token(session, sha256_hex(token))
    if stored is not None:
        await repository.revoke_refresh_family(session, stored.family, now())


def check_key_manager(principal: Principal, agency_code: str, manager: User | None) -> None:
    """Admins manage every agency's keys; an agency's own admin (a reviewer flagged so) only its own."""
    if principal.role == "admin":
        return
    if principal.role == "reviewer" and manager is not None and manager.is_agency_admin:
        if manager.agency_code != agency_code:
            raise NotYourAgency()
        return
    raise RoleNotAllowed()


async def create_api_key(session: AsyncSession, actor: str, agency_code: str, name: str,
                         scopes: list[str]) -> tuple[ApiKey, str]:
    full, prefix, secret_hash = new_api_key()
    key = ApiKey(agency_code=agency_code, name=name, prefix=prefix, secret_hash=secret_hash,
                 scopes=sorted(set(scopes)), created_by=actor)
    session.add(key)
    await session.flush()
    await record_change(session, AuditLog, actor=actor, action="api_key.create", entity_type="api_key",
                        entity_id=key.id, after=key_snapshot(key))
    return key, full


async def get_api_key(session: AsyncSession, key_id: int) -> ApiKey:
    key = await repository.get_api_key(session, key_id)
    if key is None:
        raise ApiKeyNotFound()
    return key


async def revoke_api_key(session: AsyncSession, actor: str, key: ApiKey) -> ApiKey:
    if key.revoked_at is not None:
        raise ApiKeyAlreadyRevoked()
    before = key_snapshot(key)
    key.revoked_at = now()
    await session.flush()
    await record_change(session, AuditLog, actor=actor, action="api_key.revoke", entity_type="api_key",
                        entity_id=key.id, before=before, after=key_snapshot(key))
    return key


async def rotate_api_key(session: AsyncSession, actor: str, key: ApiKey) -> tuple[ApiKey, str]:
    """A new key with the same agency, name and scopes; the old one stops working at once."""
    if key.revoked_at is not None:
        raise ApiKeyAlreadyRevoked()
    new_key, secret = await create_api_key(session, actor, key.agency_code, key.name, key.scopes)
    await revoke_api_key(session, actor, key)
    key.replaced_by_id = new_key.id
    await session.flush()
    return new_key, secret


async def authenticate_api_key(session: AsyncSession, presented: str) -> Principal:
    parts = split_api_key(presented)
    if parts is None:
        raise InvalidApiKey()
    prefix, secret = parts
    key = await repository.get_api_key_by_prefix(session, prefix)
    if key is None or key.revoked_at is not None or not secret_matches(secret, key.secret_hash):
        raise InvalidApiKey()
    return Principal(subject=f"key:{key.id}", role="agency", agency=key.agency_code, scopes=frozenset(key.scopes),
                     name=key.name)
