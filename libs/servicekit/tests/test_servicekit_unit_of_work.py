"""The unit of work every service shares: commit on return, roll back on error, commit-then-answer errors,
whole-request retries after retryable database failures, RunFirst steps, and bodies counted as they stream."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from servicekit.database import Database
from servicekit.problems import Conflict, install_problem_handlers
from servicekit.unit_of_work import ReadSession, RetryTransactions, RunFirst, WriteSession, transaction_attempt


class KeptRefusal(Conflict):
    code = "kept_refusal"
    commit_before_answer = True


class PlainRefusal(Conflict):
    code = "plain_refusal"


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'uow.sqlite3'}")
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT NOT NULL)"))
    app = FastAPI()
    app.state.database = database
    install_problem_handlers(app)
    flaky = {"left": 0}

    async def before_commit(session, request: Request) -> None:  # noqa: ANN001 - the request's session
        """Fails the first attempt of a request that asks for it, as a fault injector would."""
        if request.headers.get("x-fail-first-commit") and transaction_attempt(request) == 1:
            raise OperationalError("COMMIT", {}, Exception("database is locked"))

    app.state.before_commit = before_commit

    @app.post("/notes")
    async def add_note(body: dict, request: Request, session: WriteSession) -> dict:
        await session.execute(text("INSERT INTO notes VALUES (:body)"), {"body": body["text"]})
        if body.get("refuse") == "kept":
            raise KeptRefusal(extra={"attempt": transaction_attempt(request)})
        if body.get("refuse") == "plain":
            raise PlainRefusal()
        if flaky["left"] > 0:
            flaky["left"] -= 1
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return {"attempt": transaction_attempt(request)}

    @app.post("/notes/after-a-first-step")
    async def add_after_step(session: WriteSession) -> dict:
        count = await session.scalar(text("SELECT count(*) FROM notes WHERE body = 'step'"))
        if count == 0:
            async def step(first) -> None:  # noqa: ANN001 - a session of its own
                await first.execute(text("INSERT INTO notes VALUES ('step')"))

            raise RunFirst(step)
        await session.execute(text("INSERT INTO notes VALUES ('after')"))
        return {"steps": count}

    @app.post("/flaky/{times}")
    async def set_flaky(times: int) -> dict:
        flaky["left"] = times
        return {}

    @app.get("/notes")
    async def list_notes(session: ReadSession) -> list[str]:
        return list((await session.scalars(text("SELECT body FROM notes ORDER BY rowid"))).all())

    app.add_middleware(RetryTransactions, max_attempts=3, max_body_bytes=1000)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                                 base_url="http://test") as test_client:
        yield test_client
    await database.dispose()


async def test_a_returned_handler_commits_and_a_raising_one_leaves_nothing(client: httpx.AsyncClient) -> None:
    assert (await client.post("/notes", json={"text": "kept"})).status_code == 200
    refused = await client.post("/notes", json={"text": "gone", "refuse": "plain"})
    assert (refused.status_code, refused.json()["code"]) == (409, "plain_refusal")
    assert (await client.get("/notes")).json() == ["kept"]


async def test_a_commit_before_answer_error_keeps_its_change(client: httpx.AsyncClient) -> None:
    refused = await client.post("/notes", json={"text": "stays", "refuse": "kept"})
    assert (refused.status_code, refused.json()["code"]) == (409, "kept_refusal")
    assert (await client.get("/notes")).json() == ["stays"]


async def test_the_before_commit_hook_runs_before_every_commit_even_one_before_an_answer(
        client: httpx.AsyncClient) -> None:
    fail_first = {"X-Fail-First-Commit": "1"}
    assert (await client.post("/notes", json={"text": "kept"}, headers=fail_first)).json() == {"attempt": 2}
    refused = await client.post("/notes", json={"text": "stays", "refuse": "kept"}, headers=fail_first)
    assert (refused.status_code, refused.json()["code"], refused.json()["attempt"]) == (409, "kept_refusal", 2)
    assert (await client.get("/notes")).json() == ["kept", "stays"]


async def test_a_retryable_failure_runs_the_request_again_with_no_trace(client: httpx.AsyncClient) -> None:
    await client.post("/flaky/2")
    answer = await client.post("/notes", json={"text": "once"})
    assert (answer.status_code, answer.json()) == (200, {"attempt": 3})
    assert (await client.get("/notes")).json() == ["once"]


async def test_retries_that_run_out_answer_503_and_write_nothing(client: httpx.AsyncClient) -> None:
    await client.post("/flaky/3")
    answer = await client.post("/notes", json={"text": "never"})
    assert (answer.status_code, answer.json()["code"], answer.headers["retry-after"]) == (503, "service_busy", "1")
    assert (await client.get("/notes")).json() == []


async def test_run_first_commits_its_step_then_runs_the_request_again(client: httpx.AsyncClient) -> None:
    answer = await client.post("/notes/after-a-first-step")
    assert (answer.status_code, answer.json()) == (200, {"steps": 1})
    assert (await client.get("/notes")).json() == ["step", "after"]


async def test_a_chunked_body_is_counted_as_it_streams(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b'{"text": "' + b"x" * 100 + b'"}'

    answer = await client.post("/notes", content=chunks(), headers={"content-type": "application/json"})
    assert (answer.status_code, answer.json()["code"]) == (413, "payload_too_large")
    assert (await client.get("/notes")).json() == []


def test_extension_members_never_shadow_the_standard_ones() -> None:
    body = Conflict(extra={"status": "released", "award": "a1"}).to_problem(english=False, instance="/awards/a1")
    assert (body["status"], body["status_value"], body["award"], body["instance"]) == (409, "released", "a1",
                                                                                       "/awards/a1")
