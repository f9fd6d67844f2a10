"""Engine and sessions: one async engine per service, one session (one transaction) per request."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# Stable constraint names, so Alembic autogenerate and downgrades name the same things on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WRITE_INTENT = "tpp_write_intent"


class UTCDateTime(TypeDecorator):
    """A timezone-aware timestamp on every database. SQLite keeps no zone and hands back naive values;
    everything we store is UTC, so say so on the way out (and refuse naive values on the way in)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware (UTC) datetime")
        return value.astimezone(UTC) if value is not None and dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # noqa: ANN001
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine_for(url: str, *, pool_size: int = 10) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_async_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=False)


def _configure_sqlite(engine: AsyncEngine) -> None:
    """SQLite has one writer: take the write lock at BEGIN for writing transactions (BEGIN IMMEDIATE),
    so a read-then-write never fails half-way with "database is locked"; WAL lets readers go on."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # pysqlite's own transaction handling would defer BEGIN and break SAVEPOINTs; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        mode = "IMMEDIATE" if connection.get_execution_options().get(WRITE_INTENT) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """Owns the engine and the session factories (reading, and writing: on SQLite a writing transaction
    begins with BEGIN IMMEDIATE); tests swap both for ones bound to a rolled-back connection
    (see servicekit.testing)."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.engine = create_engine_for(url, pool_size=pool_size)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessionmaker = async_sessionmaker(self.engine.execution_options(**{WRITE_INTENT: True}),
                                                     expire_on_commit=False)

    async def dispose(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def standalone_session(database_url: str, *, write: bool) -> AsyncIterator[AsyncSession]:
    """One transaction for a command-line tool (plan loaders, bootstrap, verifier): an engine of one connection
    of its own, disposed when the transaction is over."""
    from servicekit.unit_of_work import transaction

    database = Database(database_url, pool_size=1)
    try:
        async with transaction(database, write=write) as session:
            yield session
    finally:
        await database.dispose()
