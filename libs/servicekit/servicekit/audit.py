"""Append-only audit log: who changed what, when, with the state before and after."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import JSON, BigInteger, Integer, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from servicekit.database import UTCDateTime
from servicekit.pagination import Page, PageParams
from servicekit.repository import RepositoryBase, where_given
from servicekit.request_context import current_request_id


class AuditLogMixin:
    """Each service declares `class AuditLog(AuditLogMixin, Base): __tablename__ = "audit_log"`."""

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, server_default=func.now(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(128))

    @declared_attr
    def before(cls) -> Mapped[dict[str, Any] | None]:  # noqa: N805
        return mapped_column(JSON)

    @declared_attr
    def after(cls) -> Mapped[dict[str, Any] | None]:  # noqa: N805
        return mapped_column(JSON)


async def record_change(
    session: AsyncSession,
    model: type[AuditLogMixin],
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    flush: bool = True,
) -> None:
    """Add one audit row in the caller's transaction: the change and its record commit or vanish together.
    `flush=False` leaves it to the caller's next flush (many rows written in one go)."""
    session.add(
        model(  # type: ignore[call-arg]
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=before,
            after=after,
            request_id=current_request_id(),
        )
    )
    if flush:
        await session.flush()


# --- reading it (administrators): every service's GET /audit ---------------------------------------------

AuditText = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]


class AuditFilters(BaseModel):
    model_config = ConfigDict(frozen=True)

    entity_type: AuditText | None = Field(default=None, description="Only entries about this kind of record, "
                                                                     "e.g. call_quota, progress_report.")
    entity_id: AuditText | None = Field(default=None, description="Only entries about this record (id or code).")
    action: AuditText | None = Field(default=None, description="Only this action, e.g. report.submit.")


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: str
    request_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


async def read_audit_log(session: AsyncSession, model: type[AuditLogMixin], params: PageParams,
                         filters: AuditFilters) -> Page[AuditEntryRead]:
    """A page of `model`'s entries, newest first, narrowed by the filters given."""
    statement = where_given(select(model), [
        (filters.entity_type, lambda entity_type: model.entity_type == entity_type),
        (filters.entity_id, lambda entity_id: model.entity_id == entity_id),
        (filters.action, lambda action: model.action == action),
    ]).order_by(model.id.desc())
    rows, total = await RepositoryBase(session).page(statement, params)
    return Page(items=[AuditEntryRead.model_validate(row) for row in rows], total=total, page=params.page,
                size=params.size)
