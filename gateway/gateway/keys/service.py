"""Agency API keys: the rules, without HTTP."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.errors import ApiKeyAlreadyRevoked, ApiKeyNotFound, InvalidApiKey, NotYourAgency
from gateway.keys.repository import ApiKeyRepository
from gateway.keys.schemas import ApiKeyIdentity
from gateway.keys.secrets import new_api_key, secret_matches, split_api_key
from gateway.models import ApiKey, AuditLog, User
from servicekit.audit import record_change
from servicekit.identity import Principal, RoleNotAllowed
from servicekit.pagination import PageParams


def key_snapshot(key: ApiKey) -> dict[str, Any]:
    return {"agency_code": key.agency_code, "name": key.name, "prefix": key.prefix, "scopes": key.scopes,
            "revoked": key.revoked_at is not None}


def check_key_manager(principal: Principal, agency_code: str, manager: User | None) -> None:
    """Admins manage every agency's keys; an agency's own admin (a reviewer flagged so) only its own."""
    if principal.role == "admin":
        return
    if principal.role == "reviewer" and manager is not None and manager.is_agency_admin and manager.is_active:
        if manager.agency_code != agency_code:
            raise NotYourAgency()
        return
    raise RoleNotAllowed()


async def list_api_keys(session: AsyncSession, params: PageParams, agency_code: str | None,
                        include_revoked: bool) -> tuple[list[ApiKey], int]:
    return await ApiKeyRepository(session).page_of_keys(params, agency_code, include_revoked)


async def create_api_key(session: AsyncSession, actor: str, agency_code: str, name: str,
                         scopes: list[str]) -> tuple[ApiKey, str]:
    full, prefix, secret_hash = new_api_key()
    key = await ApiKeyRepository(session).add(ApiKey(agency_code=agency_code, name=name, prefix=prefix,
                                                     secret_hash=secret_hash, scopes=sorted(set(scopes)),
                                                     created_by=actor))
    await record_change(session, AuditLog, actor=actor, action="api_key.create", entity_type="api_key",
                        entity_id=key.id, after=key_snapshot(key))
    return key, full


async def get_api_key(session: AsyncSession, key_id: int) -> ApiKey:
    key = await ApiKeyRepository(session).get(key_id)
    if key is None:
        raise ApiKeyNotFound()
    return key


async def revoke_api_key(session: AsyncSession, actor: str, key: ApiKey) -> ApiKey:
    if key.revoked_at is not None:
        raise ApiKeyAlreadyRevoked()
    before = key_snapshot(key)
    key.revoked_at = datetime.now(UTC)
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
    key = await ApiKeyRepository(session).by_prefix(prefix)
    if key is None or key.revoked_at is not None or not secret_matches(secret, key.secret_hash):
        raise InvalidApiKey()
    return Principal(subject=f"key:{key.id}", role="agency", agency=key.agency_code, scopes=frozenset(key.scopes),
                     name=key.name)


async def describe_api_key(session: AsyncSession, principal: Principal) -> ApiKeyIdentity:
    key = await get_api_key(session, int(principal.subject.split(":", 1)[1]))
    return ApiKeyIdentity(key_id=key.id, name=key.name, prefix=key.prefix, agency_code=key.agency_code,
                          scopes=key.scopes, created_at=key.created_at)
