"""Reading the audit log."""

from sqlalchemy.ext.asyncio import AsyncSession

from agencies.audit.repository import AuditRepository
from agencies.audit.schemas import AuditEntryRead
from agencies.types import AuditFilters
from servicekit.pagination import Page, PageParams


async def list_audit_entries(session: AsyncSession, params: PageParams,
                             filters: AuditFilters) -> Page[AuditEntryRead]:
    repo = AuditRepository(session)
    rows, total = await repo.page(repo.entries_statement(filters), params)
    return Page(items=[AuditEntryRead.model_validate(r) for r in rows], total=total, page=params.page,
                size=params.size)
