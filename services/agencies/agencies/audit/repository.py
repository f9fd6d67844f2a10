"""Queries of the audit log."""

from sqlalchemy import Select, select

from agencies.models import AuditLog
from agencies.types import AuditFilters
from servicekit.repository import RepositoryBase, where_given


class AuditRepository(RepositoryBase[AuditLog]):
    def entries_statement(self, filters: AuditFilters) -> Select:
        statement = where_given(select(AuditLog), [
            (filters.entity_type, lambda entity_type: AuditLog.entity_type == entity_type),
            (filters.entity_id, lambda entity_id: AuditLog.entity_id == entity_id),
            (filters.action, lambda action: AuditLog.action == action),
        ])
        return statement.order_by(AuditLog.id.desc())
