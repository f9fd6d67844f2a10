"""The audit log: every change, who made it, when, before and after (administrators only)."""

from typing import Annotated

from fastapi import APIRouter, Query

from agencies.audit import service
from agencies.audit.schemas import AuditEntryRead
from agencies.deps import AdminCaller, ReadSession
from agencies.types import AuditFilters
from servicekit.pagination import Page, PageParamsDep

router = APIRouter(tags=["audit"])

@router.get("/audit", response_model=Page[AuditEntryRead], summary="List audit entries")
async def list_audit_entries(caller: AdminCaller, session: ReadSession, params: PageParamsDep,
                             filters: Annotated[AuditFilters, Query()]) -> Page[AuditEntryRead]:
    """Audit entries, newest first, filtered by entity and action."""
    return await service.list_audit_entries(session, params, filters)
