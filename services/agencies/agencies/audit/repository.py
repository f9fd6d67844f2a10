from sqlalchemy import Select, select

from agencies.models import AuditLog
from agencies.repository import RepositoryBase


class AuditRepository(RepositoryBase):
    def entries_statement(self, *, entity_type: str | None, entity_id: str | None, action: str | None) -> Select:
        statement = select(AuditLog)
        if entity_type is not None:
            statement = statement.where(AuditLog.entity_type == entity_type)
        if entity_id is not None:
            statement = statement.where(AuditLog.entity_id == entity_id)
        if action is not None:
            statement = statement.where(AuditLog.action == action)
        return statement.order_by(AuditLog.id.desc())
