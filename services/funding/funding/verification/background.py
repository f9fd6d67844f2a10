"""What runs beside the requests: the sealer (every worker tries; the unique predecessor of a checkpoint lets
one win), and the full re-verifications started over HTTP or from the command line, with their progress."""

import asyncio
import contextlib
import logging
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from funding.config import FundingSettings
from funding.ledger.schemas import VerificationProblem
from funding.models import LedgerCheckpoint, LedgerVerificationRun
from funding.verification.repository import VerificationRepository
from funding.verification.schemas import VerificationRunRead
from funding.verification.service import (
    CheckpointKey,
    Problems,
    draft_checkpoint,
    store_checkpoint,
    unsealed,
    verify_everything,
)
from servicekit import clock
from servicekit.database import Database, is_sqlite
from servicekit.unit_of_work import transaction

logger = logging.getLogger(__name__)

# A run whose worker has not reported progress for this long has stopped with its process.
ABANDONED_AFTER = timedelta(seconds=60)
PROGRESS_EVERY_SECONDS = 1.0
SEALER_LOCK_KEY = 0x5345414C  # "SEAL": one sealer at a time across the service's processes


def load_checkpoint_key(path: Path) -> CheckpointKey | None:
    if not path.is_file():
        return None
    return CheckpointKey(serialization.load_pem_private_key(path.read_bytes(), password=None))  # type: ignore[arg-type]


def app_checkpoint_key(app: FastAPI) -> CheckpointKey | None:
    signer = getattr(app.state, "service_signer", None)
    return CheckpointKey(signer.key) if signer is not None else None


# --- sealing -------------------------------------------------------------------------------------------------------


async def seal_when_due(database: Database, key: CheckpointKey, settings: FundingSettings) -> list[LedgerCheckpoint]:
    """Seal what is due, each checkpoint drafted in a read transaction and stored in a short write one. On
    PostgreSQL one worker of all the service's processes seals at a time (the others skip their turn)."""
    async with _sealer_turn(database) as ours:
        return await _seal_due(database, key, settings) if ours else []


@contextlib.asynccontextmanager
async def _sealer_turn(database: Database):  # noqa: ANN202 - an async context manager of a bool
    if is_sqlite(database.url):
        yield True
        return
    async with database.engine.connect() as connection:
        ours = await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": SEALER_LOCK_KEY})
        try:
            yield bool(ours)
        finally:
            if ours:
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SEALER_LOCK_KEY})
            await connection.commit()


async def _seal_due(database: Database, key: CheckpointKey, settings: FundingSettings) -> list[LedgerCheckpoint]:
    sealed: list[LedgerCheckpoint] = []
    while True:
        async with transaction(database, write=False) as session:
            count, first_at = await unsealed(session)
            waited = (clock.now() - first_at).total_seconds() if first_at else 0.0
            if not (count >= settings.checkpoint_min_rows or (count and waited >= settings.checkpoint_max_age_seconds)):
                return sealed
            problem = Problems()
            draft = await draft_checkpoint(session, settings.checkpoint_max_rows, problem)
        if draft is None:
            if problem:
                logger.error("ledger not sealed: the rows after the newest checkpoint do not verify: %s",
                             "; ".join(p.message for p in problem.items[:5]))
            return sealed
        try:
            async with transaction(database, write=True) as session:
                sealed.append(await store_checkpoint(session, draft, key))
        except IntegrityError:
            return sealed  # another worker sealed after the same checkpoint first


async def _sealer(app: FastAPI, key: CheckpointKey, settings: FundingSettings) -> None:
    while True:
        await asyncio.sleep(settings.checkpoint_interval_seconds)
        try:
            await seal_when_due(app.state.database, key, settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("sealing the ledger failed; trying again at the next interval")


async def start_background(app: FastAPI) -> None:
    settings: FundingSettings = app.state.settings
    app.state.verification_tasks = set()
    key = app_checkpoint_key(app)
    app.state.sealer = None
    if settings.checkpoint_interval_seconds > 0 and key is not None:
        app.state.sealer = asyncio.create_task(_sealer(app, key, settings))


async def stop_background(app: FastAPI) -> None:
    tasks = [*app.state.verification_tasks, *([app.state.sealer] if app.state.sealer else [])]
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


# --- full re-verification runs -------------------------------------------------------------------------------------


def run_status(run: LedgerVerificationRun) -> str:
    if run.status == "running" and clock.now() - run.updated_at > ABANDONED_AFTER:
        return "abandoned"
    return run.status


async def begin_run(database: Database, actor: str, *, join_running: bool = True
                    ) -> tuple[LedgerVerificationRun, bool]:
    """The run to watch: the one still running (when `join_running`), else a new one (True when new)."""
    async with transaction(database, write=True) as session:
        repo = VerificationRepository(session)
        latest = await repo.latest_run()
        if join_running and latest is not None and run_status(latest) == "running":
            return latest, False
        head_seq, _, _ = await repo.head()
        now = clock.now()
        run = LedgerVerificationRun(requested_by=actor, status="running", started_at=now, updated_at=now,
                                    journal_length=head_seq, checked=0)
        await repo.add(run)
        return run, True


async def _update_run(database: Database, run_id: int, **values: Any) -> None:
    async with transaction(database, write=True) as session:
        run = await VerificationRepository(session).run(run_id)
        for name, value in values.items():
            setattr(run, name, value)
        run.updated_at = clock.now()


async def carry_out_run(database: Database, key: CheckpointKey | None, run_id: int) -> LedgerVerificationRun:
    """Verify everything, writing progress about once a second, and keep the result."""
    last_write = time.monotonic()

    async def progress(checked: int) -> None:
        nonlocal last_write
        if time.monotonic() - last_write >= PROGRESS_EVERY_SECONDS:
            last_write = time.monotonic()
            await _update_run(database, run_id, checked=checked)

    try:
        async with transaction(database, write=False) as session:
            full = await verify_everything(session, key, progress)
        report = full.report.model_dump(mode="json") | {"checkpoints_checked": full.checkpoints_checked}
        await _update_run(database, run_id, status="passed" if full.report.ok else "failed",
                          checked=full.report.rows_rehashed, finished_at=clock.now(), report=report)
    except Exception as exc:
        logger.exception("full verification %s failed to run", run_id)
        await _update_run(database, run_id, status="error", finished_at=clock.now(),
                          report={"error": f"{type(exc).__name__}: {exc}"})
    async with transaction(database, write=False) as session:
        return await VerificationRepository(session).run(run_id)


def start_run_task(app: FastAPI, run_id: int) -> None:
    task = asyncio.create_task(carry_out_run(app.state.database, app_checkpoint_key(app), run_id))
    app.state.verification_tasks.add(task)
    task.add_done_callback(app.state.verification_tasks.discard)


def run_read(run: LedgerVerificationRun) -> VerificationRunRead:
    report = run.report or {}
    problems = [VerificationProblem(**p) for p in report.get("problems", [])]
    if "error" in report:
        problems.append(VerificationProblem(check="run", message=report["error"]))
    return VerificationRunRead(id=run.id, status=run_status(run), requested_by=run.requested_by,
                               started_at=run.started_at, updated_at=run.updated_at, finished_at=run.finished_at,
                               journal_length=run.journal_length, checked=run.checked, problems=problems,
                               checkpoints_checked=report.get("checkpoints_checked"),
                               head_hash=report.get("head_hash"))
