"""Append-only audit log: who changed what, when, with the state before and after."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from servicekit.database import UTCDateTime
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
) -> None:
    """Add one audit row in the caller's transaction: the change and its record commit or vanish together."""
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
    await session.flush()
