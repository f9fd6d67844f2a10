"""Test support shared by every service: a real database built by the migrations (SQLite file or a fresh
PostgreSQL database), and an app whose requests run inside one outer transaction rolled back per test."""

import asyncio
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi import FastAPI
from sqlalchemy import MetaData, inspect
from sqlalchemy.engine import Inspector, make_url
from sqlalchemy.ext.asyncio import async_sessionmaker

from servicekit.database import Database
from servicekit.migrations import upgrade

DEFAULT_PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def backend_under_test() -> str:
    """`sqlite` (default) or `postgresql`, chosen by TPP_TEST_BACKEND for the whole run."""
    return os.environ.get("TPP_TEST_BACKEND", "sqlite")


def pg_admin_url() -> str:
    return os.environ.get("TPP_TEST_PG_URL", DEFAULT_PG_ADMIN_URL)


async def _pg_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(pg_admin_url())
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _run(coroutine_factory) -> object:  # noqa: ANN001
    """Run a coroutine to completion from sync code, even when an event loop is already running here
    (an async test that makes a scratch database): then it runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine_factory())
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_factory())).result()


def postgres_available() -> bool:
    async def probe() -> bool:
        try:
            await asyncio.wait_for(_pg_admin("SELECT 1"), 3)
            return True
        except Exception:  # noqa: BLE001 - any failure means "not available"
            return False

    return asyncio.run(probe())


async def inspected(url: str, look: Callable[[Inspector], object]) -> object:
    """What `look` reads off the database's schema through SQLAlchemy's inspector (its tables, columns …)."""
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return await connection.run_sync(lambda c: look(inspect(c)))
    finally:
        await database.dispose()


async def differences_from_migrations(service_dir: Path, metadata: MetaData, label: str) -> list:
    """What Alembic's autogenerate finds between the models (`metadata`) and a scratch database the service's
    migrations built: empty when the models say exactly what the migrations build."""
    with scratch_database(label) as url:
        upgrade(service_dir, url)
        return await inspected(url, lambda i: compare_metadata(
            MigrationContext.configure(i.bind, opts={"compare_type": True}), metadata))


@contextmanager
def scratch_database(label: str) -> Iterator[str]:
    """An empty database for one test run, dropped afterwards. Yields its async SQLAlchemy URL."""
    if backend_under_test() == "postgresql":
        name = f"tpp_test_{label}_{uuid.uuid4().hex[:8]}"
        _run(lambda: _pg_admin(f'CREATE DATABASE "{name}"'))
        # A commit need not wait for its WAL to reach the disk: the tests crash our services, never the server,
        # and the waits added up over the PostgreSQL pass's many thousand commits.
        _run(lambda: _pg_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        try:
            url = make_url(pg_admin_url()).set(drivername="postgresql+asyncpg", database=name)
            yield url.render_as_string(hide_password=False)
        finally:
            _run(lambda: _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        with tempfile.TemporaryDirectory(prefix=f"tpp-{label}-") as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / f'{label}.sqlite3'}"


@contextmanager
def migrated_database(service_dir: Path, label: str) -> Iterator[str]:
    with scratch_database(label) as url:
        upgrade(service_dir, url)
        yield url


# The settings that start a background loop in a service process (each is off when false or 0).
NO_BACKGROUND_WORKERS = {"webhook_worker": False, "saga_worker": False, "event_relay": False,
                         "checkpoint_interval_seconds": 0}


def background_workers_on(settings: object) -> list[str]:
    return [name for name in NO_BACKGROUND_WORKERS if getattr(settings, name, 0)]


def no_background_workers(settings_class: type) -> dict[str, object]:
    """The NO_BACKGROUND_WORKERS settings that `settings_class` has."""
    return {k: v for k, v in NO_BACKGROUND_WORKERS.items() if k in settings_class.model_fields}


@asynccontextmanager
async def rolled_back_app(app: FastAPI, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan, then point its sessions at one connection whose outer transaction is rolled
    back at the end: every commit inside the test only releases a SAVEPOINT."""
    running = background_workers_on(getattr(app.state, "settings", None))
    if running:  # they would use the test's one connection at the same time as requests do (asyncpg refuses)
        raise AssertionError(f"rolled_back_app needs an app without background workers; on: {', '.join(running)} "
                             f"(build its settings with **NO_BACKGROUND_WORKERS)")
    async with app.router.lifespan_context(app):
        real: Database = app.state.database
        test_database = Database(database_url)
        async with test_database.engine.connect() as connection:
            transaction = await connection.begin()
            test_database.sessionmaker = test_database.write_sessionmaker = async_sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
            app.state.database = test_database
            try:
                transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
                async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                    yield client
            finally:
                app.state.database = real
                await transaction.rollback()
        await test_database.dispose()


@asynccontextmanager
async def committing_app(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The app as it runs for real (every commit is a commit), for tests about commits and concurrency."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def prepare_identity_keys(folder: Path, services: tuple[str, ...] = ("agencies", "applications", "funding")) -> None:
    """A gateway key pair and one per service in `folder`, as `manage.py start` makes under var/keys."""
    from servicekit.identity import ensure_key_pair

    ensure_key_pair(folder / "gateway.pem")
    for name in services:
        ensure_key_pair(folder / f"service-{name}.pem")


def identity_headers(role: str, subject: str = "tester", agency: str | None = None,
                     scopes: tuple[str, ...] = ()) -> dict[str, str]:
    """Headers as the gateway would send them for such a caller (signed with the test keys in TPP_KEYS_DIR)."""
    from servicekit.identity import INTERNAL_TOKEN_HEADER, Principal, TokenSigner
    from servicekit.settings import keys_dir

    principal = Principal(subject=subject, role=role, agency=agency, scopes=frozenset(scopes))
    if role == "service":
        signer = TokenSigner((keys_dir() / f"service-{subject}.pem").read_bytes(), key_id=f"service:{subject}")
    else:
        signer = TokenSigner((keys_dir() / "gateway.pem").read_bytes())
    return {INTERNAL_TOKEN_HEADER: signer.sign(principal)}


@asynccontextmanager
async def asgi_lifespan(app) -> AsyncIterator[None]:  # noqa: ANN001 - any ASGI app
    """Drive the ASGI lifespan protocol of `app` (startup on enter, shutdown on exit), however it is wrapped."""
    messages: asyncio.Queue = asyncio.Queue()
    replies: asyncio.Queue = asyncio.Queue()
    await messages.put({"type": "lifespan.startup"})
    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}},
                                   messages.get, replies.put))
    reply = await replies.get()
    if reply["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"startup failed: {reply.get('message')}")
    try:
        yield
    finally:
        await messages.put({"type": "lifespan.shutdown"})
        await replies.get()
        await task
