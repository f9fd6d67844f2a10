"""Named queries on agency API keys; never commits."""

from sqlalchemy import select

from gateway.models import ApiKey
from servicekit.pagination import PageParams
from servicekit.repository import RepositoryBase, where_given


class ApiKeyRepository(RepositoryBase[ApiKey]):
    async def get(self, key_id: int) -> ApiKey | None:
        return await self.session.get(ApiKey, key_id)

    async def by_prefix(self, prefix: str) -> ApiKey | None:
        return await self.one_or_none(select(ApiKey).where(ApiKey.prefix == prefix))

    async def page_of_keys(self, params: PageParams, agency_code: str | None,
                           include_revoked: bool) -> tuple[list[ApiKey], int]:
        statement = where_given(select(ApiKey).order_by(ApiKey.id), [
            (agency_code, lambda code: ApiKey.agency_code == code),
            (None if include_revoked else True, lambda _: ApiKey.revoked_at.is_(None)),
        ])
        return await self.page(statement, params)
