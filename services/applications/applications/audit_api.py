"""The audit log, for administrators: every change with who, when, before and after."""

from typing import Annotated

from fastapi import APIRouter, Query

from applications.deps import AdminCaller, ReadSession
from applications.models import AuditLog
from servicekit.audit import AuditEntryRead, AuditFilters, read_audit_log
from servicekit.pagination import Page, PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("/audit", response_model=Page[AuditEntryRead], summary="Read the audit log")
async def read_audit_entries(caller: AdminCaller, session: ReadSession, params: PageParamsDep,
                             filters: Annotated[AuditFilters, Query()]) -> Page[AuditEntryRead]:
    """Newest first (administrators), filtered by entity and action."""
    return await read_audit_log(session, AuditLog, params, filters)
