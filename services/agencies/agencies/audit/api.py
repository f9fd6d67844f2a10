"""The audit log: every change, who made it, when, before and after (administrators only)."""

from typing import Annotated

from fastapi import APIRouter, Query

from agencies.audit.repository import AuditRepository
from agencies.audit.schemas import AuditEntryRead
from agencies.deps import AdminCaller, ReadSession
from servicekit.pagination import Page, PageParamsDep

router = APIRouter(tags=["audit"])

TEXT = r"^[^\x00]+$"


@router.get("/audit", response_model=Page[AuditEntryRead], summary="List audit entries")
async def list_audit_entries(
    caller: AdminCaller,
    session: ReadSession,
    params: PageParamsDep,
    entity_type: Annotated[str | None, Query(max_length=100, pattern=TEXT, description=(
        "e.g. progress_report, escalation, derived_approval, plan"))] = None,
    entity_id: Annotated[str | None, Query(max_length=200, pattern=TEXT)] = None,
    action: Annotated[str | None, Query(max_length=100, pattern=TEXT, description=(
        "e.g. report.submit, report.accept, escalation.create"))] = None,
) -> Page[AuditEntryRead]:
    """Audit entries, newest first, filtered by entity and action."""
    repo = AuditRepository(session)
    rows, total = await repo.page(repo.entries_statement(entity_type=entity_type, entity_id=entity_id, action=action),
                                  params)
    return Page(items=[AuditEntryRead.model_validate(r) for r in rows], total=total, page=params.page,
                size=params.size)
