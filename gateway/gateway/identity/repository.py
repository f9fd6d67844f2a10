"""Named queries on users and refresh tokens; never commits."""

from datetime import datetime

from sqlalchemy import and_, exists, select, update

from gateway.models import RefreshToken, User
from servicekit.pagination import PageParams
from servicekit.repository import RepositoryBase, where_given


class UserRepository(RepositoryBase[User]):
    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def by_username(self, username: str) -> User | None:
        return await self.one_or_none(select(User).where(User.username == username))

    async def any_admin_exists(self) -> bool:
        return await self.one_or_none(select(User.id).where(User.role == "admin")) is not None

    async def page_of_users(self, params: PageParams, role: str | None) -> tuple[list[User], int]:
        statement = where_given(select(User).order_by(User.id), [(role, lambda r: User.role == r)])
        return await self.page(statement, params)

    async def session_state(self, user_id: int, family: str) -> tuple[int, bool, bool] | None:
        """(the user's token version, whether the user is active, whether the sign-in `family` still has a
        refresh token that is not revoked), or None when there is no such user."""
        live = exists().where(and_(RefreshToken.family == family, RefreshToken.user_id == user_id,
                                   RefreshToken.revoked_at.is_(None)))
        row = (await self.session.execute(
            select(User.token_version, User.is_active, live).where(User.id == user_id))).first()
        return None if row is None else (row[0], row[1], row[2])


class RefreshTokenRepository(RepositoryBase[RefreshToken]):
    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        return await self.one_or_none(select(RefreshToken).where(RefreshToken.token_hash == token_hash))

    async def revoke_family(self, family: str, when: datetime) -> None:
        await self.session.execute(
            update(RefreshToken).where(RefreshToken.family == family, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=when)
        )

    async def revoke_all_of_user(self, user_id: int, when: datetime) -> None:
        await self.session.execute(
            update(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=when)
        )

    async def families_of_user(self, user_id: int, since: datetime) -> list[str]:
        """The sign-ins of a user whose refresh tokens may still be unexpired."""
        return await self.all(select(RefreshToken.family).where(
            RefreshToken.user_id == user_id, RefreshToken.expires_at > since).distinct())
