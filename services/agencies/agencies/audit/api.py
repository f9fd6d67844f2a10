"""The audit log: every change, who made it, when, before and after (administrators only)."""

from typing import Annotated

from fastapi import APIRouter, Query

from agencies.deps import AdminCaller, ReadSession
from agencies.models import AuditLog
from servicekit.audit import AuditEntryRead, AuditFilters, read_audit_log
from servicekit.pagination import Page, PageParamsDep

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=Page[AuditEntryRead], summary="List audit entries")
async def list_audit_entries(caller: AdminCaller, session: ReadSession, params: PageParamsDep,
                             filters: Annotated[AuditFilters, Query()]) -> Page[AuditEntryRead]:
    """Audit entries, newest first, filtered by entity and action."""
    return await read_audit_log(session, AuditLog, params, filters)
