"""Named queries on the gateway's tables; never commits."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import ApiKey, RefreshToken, User
from servicekit.pagination import PageParams, fetch_page


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_username(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username))


async def any_admin_exists(session: AsyncSession) -> bool:
    return await session.scalar(select(User.id).where(User.role == "admin").limit(1)) is not None


async def list_users(session: AsyncSession, params: PageParams, role: str | None) -> tuple[list[User], int]:
    statement = select(User).order_by(User.id)
    if role:
        statement = statement.where(User.role == role)
    return await fetch_page(session, statement, params)


async def get_refresh_token(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    return await session.scalar(select(RefreshToken).where(RefreshToken.token_hash == token_hash))


async def revoke_refresh_family(session: AsyncSession, family: str, when: datetime) -> None:
    await session.execute(
        update(RefreshToken).where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=when)
    )


async def revoke_user_refresh_tokens(session: AsyncSession, user_id: int, when: datetime) -> None:
    await session.execute(
        update(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=when)
    )


async def get_api_key(session: AsyncSession, key_id: int) -> ApiKey | None:
    return await session.get(ApiKey, key_id)


async def get_api_key_by_prefix(session: AsyncSession, prefix: str) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))


async def list_api_keys(session: AsyncSession, params: PageParams, agency_code: str | None,
                        include_revoked: bool) -> tuple[list[ApiKey], int]:
    statement = select(ApiKey).order_by(ApiKey.id)
    if agency_code:
        statement = statement.where(ApiKey.agency_code == agency_code)
    if not include_revoked:
        statement = statement.where(ApiKey.revoked_at.is_(None))
    return await fetch_page(session, statement, params)
