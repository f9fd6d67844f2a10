"""The rendered-page cache of the public task list and task detail (catalog/pages.py): a kept page is the page
built afresh, a write in this process shows at once, a write in another worker shows within the cache's time,
and a page being built while a write lands is not kept."""

import asyncio
import json
import time
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import BaseModel

from agencies.catalog.pages import RenderedPages
from agencies.config import AgenciesSettings
from agencies.main import create_app
from agencies_factories import PLAN, agency_key, create_report

POSTDOCS = "t05-doctors-postdocs"
TASK = f"/tasks/{PLAN}/5"
KEEP_SECONDS = 5.0  # long enough for a second worker to start and answer on a busy machine (1.5 s was not)


@pytest.fixture
def pages(app, frozen_clock) -> RenderedPages:
    frozen_clock.move_to(datetime(2020, 12, 1, 4, tzinfo=UTC))
    kept = app.state.rendered_pages
    kept.ttl_seconds = KEEP_SECONDS
    return kept


def reports_in(task: dict) -> int:
    return sum(d["reports"]["total"] for d in task["deliverables"])


async def test_a_kept_page_is_the_page_built_afresh(client, pages):
    for path in (TASK, f"/tasks?plan={PLAN}&q=博士后", f"/tasks?plan={PLAN}&page=2&size=5"):
        pages.ttl_seconds = 0
        fresh = await client.get(path)
        pages.ttl_seconds = KEEP_SECONDS
        built, kept = await client.get(path), await client.get(path)
        assert fresh.status_code == built.status_code == kept.status_code == 200
        assert fresh.content == built.content == kept.content
        assert kept.headers["content-type"] == "application/json"


async def test_each_filter_and_page_is_kept_apart(client, pages):
    everything = (await client.get(f"/tasks?plan={PLAN}")).json()
    postdocs = (await client.get(f"/tasks?plan={PLAN}&q=博士后")).json()
    second = (await client.get(f"/tasks?plan={PLAN}&page=2&size=5")).json()
    assert everything["total"] == 26 and 0 < postdocs["total"] < 26
    assert [t["number"] for t in second["items"]] == [6, 7, 8, 9, 10]


async def test_errors_answer_as_without_the_cache(client, pages):
    for _ in range(2):
        missing = await client.get(f"/tasks/{PLAN}/99")
        assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")
        assert (await client.get(f"/tasks?plan={PLAN}&role=lead")).json()["code"] == "role_filter_needs_agency"


async def test_a_write_in_this_process_shows_at_once(client, pages):
    before = (await client.get(TASK)).json()
    response = await create_report(client, POSTDOCS, agency_key("prov-hrss-dept"), "2019-Q2", 120, "人")
    assert response.status_code == 201
    after = (await client.get(TASK)).json()
    assert reports_in(after) == reports_in(before) + 1


async def test_a_write_in_another_worker_shows_within_the_keeping_time(client, app, pages):
    """Two workers of the service on one database: worker B takes the report, worker A keeps its page for at
    most KEEP_SECONDS."""
    # A keeps the page it builds now for KEEP_SECONDS from the moment it built it: not before `asked`, not
    # after `answered`.
    asked = time.monotonic()
    before = reports_in((await client.get(TASK)).json())
    answered = time.monotonic()
    worker_b = create_app(AgenciesSettings(database_url="sqlite+aiosqlite://", catalog_page_seconds=KEEP_SECONDS))
    async with worker_b.router.lifespan_context(worker_b):
        own_database, worker_b.state.database = worker_b.state.database, app.state.database  # A's test connection
        try:
            transport = httpx.ASGITransport(app=worker_b)
            async with httpx.AsyncClient(transport=transport, base_url="http://worker-b") as client_b:
                response = await create_report(client_b, POSTDOCS, agency_key("prov-hrss-dept"), "2019-Q2", 120, "人")
                assert response.status_code == 201, response.text
        finally:
            worker_b.state.database = own_database
    if time.monotonic() - asked < KEEP_SECONDS - 1:  # a machine slower than that cannot see the page kept
        assert reports_in((await client.get(TASK)).json()) == before  # A still resends its page
    await asyncio.sleep(max(0.0, answered + KEEP_SECONDS + 0.05 - time.monotonic()))
    assert reports_in((await client.get(TASK)).json()) == before + 1


class Page(BaseModel):
    value: int


async def test_a_page_built_while_a_write_lands_is_not_kept():
    pages = RenderedPages(ttl_seconds=60)
    state = {"value": 1}
    reading = asyncio.Event()
    go_on = asyncio.Event()

    async def slow_render() -> Page:
        seen = state["value"]  # read before the write
        reading.set()
        await go_on.wait()
        return Page(value=seen)

    async def render() -> Page:
        return Page(value=state["value"])

    slow = asyncio.create_task(pages.respond("k", slow_render))
    await reading.wait()
    state["value"] = 2
    pages.forget_all()  # the write is answered
    # Must not join the render that began before the write (which would wait here for ever).
    after_write = await asyncio.wait_for(pages.respond("k", render), timeout=2)
    go_on.set()
    assert json.loads((await slow).body) == {"value": 1}
    assert json.loads(after_write.body) == {"value": 2}
    assert json.loads((await pages.respond("k", render)).body) == {"value": 2}


class CountedRender:
    """A render that takes a moment and counts its calls; `outcome(calls)` is its page, or raises."""

    def __init__(self, outcome) -> None:  # noqa: ANN001 - outcome(calls) -> Page
        self.outcome = outcome
        self.calls = 0

    async def __call__(self) -> Page:
        self.calls += 1
        await asyncio.sleep(0.01)
        return self.outcome(self.calls)


def gone(calls: int) -> Page:
    raise LookupError("gone")


async def test_concurrent_misses_share_one_render():
    pages = RenderedPages(ttl_seconds=60)
    render = CountedRender(lambda calls: Page(value=calls))
    bodies = await asyncio.gather(*(pages.respond("k", render) for _ in range(20)))
    assert render.calls == 1
    assert {b.body for b in bodies} == {b'{"value":1}'}


async def test_a_failed_render_reaches_every_caller_and_is_not_kept():
    pages = RenderedPages(ttl_seconds=60)
    failing = CountedRender(gone)
    results = await asyncio.gather(*(pages.respond("k", failing) for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, LookupError) for r in results)
    assert failing.calls == 3  # the first render, then each waiter's own
    assert json.loads((await pages.respond("k", lambda: _page(7))).body) == {"value": 7}


async def _page(value: int) -> Page:
    return Page(value=value)
