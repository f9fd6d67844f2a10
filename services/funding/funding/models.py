from sqlalchemy.orm import DeclarativeBase

from servicekit.audit import AuditLogMixin
from servicekit.database import new_metadata
from servicekit.idempotency import IdempotencyRecordMixin


class Base(DeclarativeBase):
    metadata = new_metadata()


class AuditLog(AuditLogMixin, Base):
    __tablename__ = "audit_log"


class IdempotencyRecord(IdempotencyRecordMixin, Base):
    pass
