"""Quotas under concurrency, on PostgreSQL (where requests really run at once; SQLite has one writer): however
nominations and quota changes interleave, an allocation never holds more nominations than its size, and
allocations never add up above the call's total. Requests commit (committing_client), on calls of their own."""

import asyncio
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from applications.models import QuotaAllocation
from applications_testkit import act, admin, applicant, reviewer
from servicekit.testing import backend_under_test

pytestmark = pytest.mark.skipif(backend_under_test() != "postgresql", reason="concurrency is PostgreSQL's")
PROGRAM = "t05-postdoc-workstation"  # institutions: no age limit, no one-a-year rule, no plan quota
CITIES = ["city-shenyang", "city-dalian", "city-anshan", "city-fushun", "city-benxi", "city-dandong",
          "city-jinzhou", "city-yingkou"]
_years = itertools.count(2040)


def institution(n: int) -> dict:
    return {"applicant_name": f"示例单位{n}", "unit": "沈阳市", "credit_code": "91210100MA0000000X",
            "contact_name": "联系人", "sector": "装备制造", "achievements": "已建成省级研发平台并承担国家和省重点研发项目多项，具备招收培养博士后的条件。",
            "plan": "三年内招收博士后研究人员十名以上，开展关键技术攻关。", "declaration": True}


async def open_race_call(client, frozen_clock, total: int, allocations: dict[str, int]) -> tuple[dict, int]:
    year = next(_years)
    frozen_clock.move_to(datetime(year, 3, 10, 2, 0, tzinfo=UTC))
    response = await client.post("/calls", headers=admin(), json={
        "program_code": PROGRAM, "year": year, "opens_at": f"{year}-03-01T09:00:00",
        "closes_at": f"{year}-04-30T17:00:00", "quota_total": total,
        "allocations": [{"agency_code": a, "size": s} for a, s in allocations.items()]})
    assert response.status_code == 201, response.text
    return response.json(), year


async def submitted(client, call_id: int, count: int, agency: str, first_user: int) -> list[int]:
    ids = []
    for n in range(first_user, first_user + count):
        response = await client.post("/applications", headers=applicant(n), json={
            "call_id": call_id, "nominating_agency": agency, "form_data": institution(n),
            "personal": {"phone": "024-12345678", "email": f"unit{n}@example.com"}})
        assert response.status_code == 201, response.text
        assert (await act(client, response.json()["id"], "submit", applicant(n))).status_code == 200
        ids.append(response.json()["id"])
    return ids


async def allocations_of(client, call_id: int) -> list[QuotaAllocation]:
    database = client._transport.app.state.database
    async with database.sessionmaker() as session:
        return list(await session.scalars(select(QuotaAllocation).where(QuotaAllocation.call_id == call_id)))


async def test_concurrent_nominations_never_exceed_an_allocation(committing_client, frozen_clock):
    client = committing_client
    call, year = await open_race_call(client, frozen_clock, total=10, allocations={"city-shenyang": 3})
    ids = await submitted(client, call["id"], 12, "city-shenyang", year * 100)
    answers = await asyncio.gather(*(act(client, i, "nominate", reviewer("city-shenyang")) for i in ids))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 3 + [409] * 9
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"allocation_full"}
    quota = (await client.get(f"/calls/{call['id']}/quota")).json()
    assert (quota["nominated"], quota["allocations"][0]["nominated"]) == (3, 3)


async def test_concurrent_allocation_changes_never_add_up_above_the_total(committing_client, frozen_clock):
    client = committing_client
    call, _ = await open_race_call(client, frozen_clock, total=10, allocations={})
    answers = await asyncio.gather(*(
        client.put(f"/calls/{call['id']}/allocations/{city}", headers=admin(), json={"size": 3, "reason": "并发分配"})
        for city in CITIES))
    assert sorted(a.status_code for a in answers) == [200] * 3 + [409] * 5
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"allocations_exceed_total"}
    assert sum(a.size for a in await allocations_of(client, call["id"])) == 9


async def test_shrinking_an_allocation_while_it_nominates_keeps_nominations_within_it(committing_client,
                                                                                      frozen_clock):
    client = committing_client
    for _ in range(3):
        call, year = await open_race_call(client, frozen_clock, total=10, allocations={"city-dalian": 6})
        ids = await submitted(client, call["id"], 6, "city-dalian", year * 100)
        shrink = client.put(f"/calls/{call['id']}/allocations/city-dalian", headers=admin(),
                            json={"size": 2, "reason": "压缩名额"})
        answers = await asyncio.gather(shrink, *(act(client, i, "nominate", reviewer("city-dalian")) for i in ids))
        [allocation] = await allocations_of(client, call["id"])
        nominated = sum(1 for a in answers[1:] if a.status_code == 200)
        assert allocation.nominated == nominated <= allocation.size
        assert allocation.size == (2 if answers[0].status_code == 200 else 6)
        if answers[0].status_code != 200:
            assert answers[0].json()["code"] == "quota_below_committed"


async def test_lowering_the_total_while_allocating_never_breaks_the_sum(committing_client, frozen_clock):
    client = committing_client
    for _ in range(3):
        call, _ = await open_race_call(client, frozen_clock, total=10, allocations={"city-shenyang": 4})
        lower = client.put(f"/calls/{call['id']}/quota", headers=admin(), json={"total": 6, "reason": "压缩"})
        grow = client.put(f"/calls/{call['id']}/allocations/city-dalian", headers=admin(),
                          json={"size": 5, "reason": "增加"})
        answers = await asyncio.gather(lower, grow)
        assert sorted(a.status_code for a in answers) == [200, 409]
        quota = (await client.get(f"/calls/{call['id']}/quota")).json()
        assert quota["allocated"] <= quota["total"]
        database = client._transport.app.state.database
        async with database.sessionmaker() as session:
            total = await session.scalar(select(func.sum(QuotaAllocation.size))
                                         .where(QuotaAllocation.call_id == call["id"]))
        assert total == quota["allocated"]


def test_two_processes_nominating_at_once_never_exceed_an_allocation(database_url):
    """The same race across processes: two uvicorn workers on one PostgreSQL database, as replicas run."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from applications_testkit import PLANS
    from devtools.processes import ROOT, free_port

    port = free_port()
    env = {**os.environ, "APPLICATIONS_DATABASE_URL": database_url, "APPLICATIONS_PLANS_DIR": str(PLANS)}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "applications.main:app", "--port", str(port),
                               "--workers", "2", "--no-access-log"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)

        async def race() -> tuple[list[int], dict]:
            async with httpx.AsyncClient(base_url=base, timeout=30) as client:
                today = datetime.now(UTC)
                response = await client.post("/calls", headers=admin(), json={
                    "program_code": "t05-postdoc-innovation-base", "year": today.year,
                    "opens_at": (today.replace(microsecond=0) - timedelta(days=1)).isoformat(),
                    "closes_at": (today.replace(microsecond=0) + timedelta(days=1)).isoformat(),
                    "quota_total": 10, "allocations": [{"agency_code": "city-panjin", "size": 4}]})
                assert response.status_code == 201, response.text
                call = response.json()
                ids = await submitted(client, call["id"], 16, "city-panjin", 900_000)
                answers = await asyncio.gather(*(act(client, i, "nominate", reviewer("city-panjin")) for i in ids))
                quota = (await client.get(f"/calls/{call['id']}/quota")).json()
                return sorted(a.status_code for a in answers), quota

        statuses, quota = asyncio.run(race())
        assert statuses == [200] * 4 + [409] * 12
        assert (quota["nominated"], quota["allocations"][0]["nominated"]) == (4, 4)
    finally:
        server.terminate()
        server.wait(10)
