"""Serialising writers that check a rule spanning several rows (a plan's quota over several calls, one
application per applicant a year): on PostgreSQL a transaction-scoped advisory lock on a name; SQLite has one
writer at a time already."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def lock_name(session: AsyncSession, name: str) -> None:
    """Hold a lock on `name` until this transaction ends (PostgreSQL); nothing to do on SQLite."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
