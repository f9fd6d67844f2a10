"""The audit log, for administrators: every change with who, when, before and after."""

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from applications.deps import AdminCaller, ReadSession
from applications.models import AuditLog
from servicekit.pagination import Page, PageParamsDep, fetch_page
from servicekit.problems import PROBLEM_RESPONSES
from servicekit.validation import text_query

router = APIRouter(tags=["audit"], responses=PROBLEM_RESPONSES)


class AuditEntry(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    request_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@router.get("/audit", response_model=Page[AuditEntry], summary="Read the audit log")
async def read_audit_log(caller: AdminCaller, session: ReadSession, params: PageParamsDep,
                         entity_type: text_query("Only entries about this kind of record, e.g. call_quota.") = None,
                         entity_id: text_query("Only entries about this record.") = None) -> Page[AuditEntry]:
    """Newest first (administrators)."""
    statement = select(AuditLog).order_by(AuditLog.id.desc())
    if entity_type:
        statement = statement.where(AuditLog.entity_type == entity_type)
    if entity_id:
        statement = statement.where(AuditLog.entity_id == entity_id)
    rows, total = await fetch_page(session, statement, params)
    return Page(items=[AuditEntry.model_validate(r, from_attributes=True) for r in rows], total=total,
                page=params.page, size=params.size)
