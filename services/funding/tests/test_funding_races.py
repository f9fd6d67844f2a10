"""Races with exact counts (LEDGER.md f5.4), with real commits on concurrent connections: whatever the
interleaving, exactly one request wins and every other one gets a clear, stored answer."""

import asyncio
from collections import Counter

import pytest

from funding_factories import (
    create_account,
    create_budget,
    create_committed_award,
    create_program_budget,
    create_rules,
    create_treasury,
)
from funding_testkit import admin, fault_app, fresh_database, post_transfer, read_balance, unique, verify_ledger
from servicekit.testing import committing_app

CONCURRENCY = 12


@pytest.fixture(scope="module")
def database_url():
    with fresh_database("funding_races") as url:
        yield url


@pytest.fixture
async def api(database_url):
    async with committing_app(fault_app(database_url)) as client:
        yield client


@pytest.fixture
async def programs(api):
    await create_rules(api)
    year = 2020
    for program, amount in (("t01-young-top", 50_000_000 * 30), ("t04-national-project-matching", 10_000_000)):
        await create_program_budget(api, program, year, amount)
    return year


def _codes(responses) -> Counter:  # noqa: ANN001
    """(status, the problem's code, or "replay" for an answer flagged Idempotent-Replay) → how many."""
    return Counter((r.status_code, r.json()["code"] if r.status_code >= 400 else
                    "replay" if r.headers.get("idempotent-replay") == "true" else None) for r in responses)


async def test_double_reverse_has_one_winner(api):
    budget = await create_budget(api, await create_treasury(api), 1000)
    sink = await create_account(api)
    key = unique("rev")
    assert (await post_transfer(api, key, budget, sink, 400)).status_code == 201
    distinct = await asyncio.gather(*(api.post(f"/transfers/{key}/reverse", json={"id": f"{key}-r{i}"},
                                               headers=admin()) for i in range(CONCURRENCY)))
    assert _codes(distinct) == {(201, None): 1, (409, "already_reversed"): CONCURRENCY - 1}
    assert (await read_balance(api, budget))["posted"] == 1000
    same = await asyncio.gather(*(api.post(f"/transfers/{key}/reverse", json={"id": f"{key}-r0"}, headers=admin())
                                  for _ in range(CONCURRENCY)))
    winner = next(r for r in distinct if r.status_code == 201).json()["id"]
    # r0 won (its posting is replayed) or lost (its stored rejection is).
    assert {(r.status_code, r.headers.get("idempotent-replay")) for r in same} == (
        {(201, "true")} if winner == f"{key}-r0" else {(409, "true")})


async def test_post_against_void_of_one_pending_has_one_winner(api):
    budget = await create_budget(api, await create_treasury(api), 1000)
    sink = await create_account(api)
    key = unique("pend")
    assert (await post_transfer(api, key, budget, sink, 300, pending=True)).status_code == 201
    requests = [api.post(f"/transfers/{key}/{verb}", json={"id": f"{key}-{verb}-{i}"}, headers=admin())
                for i in range(CONCURRENCY // 2) for verb in ("post", "void")]
    responses = await asyncio.gather(*requests)
    assert _codes(responses) == {(201, None): 1, (409, "pending_already_resolved"): CONCURRENCY - 1}
    winner = next(r for r in responses if r.status_code == 201).json()
    expected = 700 if winner["kind"] == "post" else 1000
    assert (await read_balance(api, budget)) | {"as_of": None} == {
        "debits_posted": 1000 - expected, "credits_posted": 1000, "debits_pending": 0, "credits_pending": 0,
        "posted": expected, "pending_in": 0, "pending_out": 0, "available": expected, "as_of": None}


async def test_concurrent_duplicates_of_one_id_post_once(api):
    budget = await create_budget(api, await create_treasury(api), 1000)
    sink = await create_account(api)
    key = unique("dup")
    responses = await asyncio.gather(*(post_transfer(api, key, budget, sink, 100) for _ in range(CONCURRENCY)))
    assert Counter((r.status_code, r.headers.get("idempotent-replay")) for r in responses) == {
        (201, None): 1, (201, "true"): CONCURRENCY - 1}
    assert len({r.json()["journal_seq"] for r in responses}) == 1
    assert (await read_balance(api, budget))["posted"] == 900


async def test_racing_to_an_empty_budget_admits_exactly_what_fits(api):
    budget = await create_budget(api, await create_treasury(api), 1000)
    sink = await create_account(api)
    responses = await asyncio.gather(*(post_transfer(api, unique("fit"), budget, sink, 100, pending=i % 2 == 0)
                                       for i in range(CONCURRENCY + 8)))
    assert _codes(responses) == {(201, None): 10, (409, "budget_insufficient"): CONCURRENCY - 2}
    assert (await read_balance(api, budget))["available"] == 0


async def test_the_same_installment_is_paid_once(api, programs):
    award = unique("ap")
    await create_committed_award(api, award, "t01-young-top", programs, installments=[50, 30, 20])
    distinct = await asyncio.gather(*(api.post(f"/awards/{award}/disbursements", json={"installment": 1},
                                               headers={**admin(), "Idempotency-Key": f"pay-{award}-{i}"})
                                      for i in range(CONCURRENCY)))
    assert _codes(distinct) == {(201, None): 1, (409, "installment_already_paid"): CONCURRENCY - 1}
    same = await asyncio.gather(*(api.post(f"/awards/{award}/disbursements", json={"installment": 2},
                                           headers=admin()) for _ in range(CONCURRENCY)))
    assert _codes(same) == {(201, None): 1, (201, "replay"): CONCURRENCY - 1}
    read = (await api.get(f"/awards/{award}", headers=admin())).json()
    assert read["paid_fen"] == 50_000_000 * 80 // 100
    assert [i["paid"] for i in read["installments"]] == [True, True, False]


async def _committed_matching_award(api, programs, prefix: str) -> str:  # noqa: ANN001
    """A committed matching award with a cap of 1 000 000 fen; its approval id."""
    approval = unique(prefix)
    await create_committed_award(api, approval, "t04-national-project-matching", programs, amount_fen=1_000_000)
    return approval


async def test_matching_requests_racing_to_the_cap(api, programs):
    approval = await _committed_matching_award(api, programs, "match")
    first = await api.post(f"/awards/{approval}/matches", json={"event_id": "e0", "base_amount_fen": 600_000},
                           headers=admin())
    assert first.json()["matched_fen"] == 600_000
    # 400 000 fen of cap left; every racer asks for more than that: exactly one gets it.
    responses = await asyncio.gather(*(api.post(f"/awards/{approval}/matches",
                                                json={"event_id": f"e{i + 1}", "base_amount_fen": 500_000},
                                                headers=admin()) for i in range(CONCURRENCY)))
    assert _codes(responses) == {(201, None): 1, (409, "match_cap_reached"): CONCURRENCY - 1}
    assert next(r for r in responses if r.status_code == 201).json()["matched_fen"] == 400_000
    award = (await api.get(f"/awards/{approval}", headers=admin())).json()
    assert (award["paid_fen"], award["remaining_fen"]) == (1_000_000, 0)


async def test_matches_and_releases_racing_on_one_award(api, programs):
    approval = await _committed_matching_award(api, programs, "release")
    assert (await api.post(f"/awards/{approval}/matches", json={"event_id": "e0", "base_amount_fen": 200_000},
                           headers=admin())).status_code == 201
    budget_path = f"/budgets/t04-national-project-matching/{programs}"
    before = (await api.get(budget_path, headers=admin())).json()["figures"]

    async def worker(i: int) -> tuple[list, object]:
        """A match, a release (half of them under the default id, half under ids of their own), a match: the
        workers' requests interleave, so matches land before, against and after the winning release. All the
        matches together stay under the cap, so there is always something left to release."""
        def match(n: int):  # noqa: ANN202
            return api.post(f"/awards/{approval}/matches", json={"event_id": f"e{i}-{n}", "base_amount_fen": 30_000},
                            headers=admin())
        first = await match(1)
        release = await api.post(f"/awards/{approval}/release", json={"reason": "国家资助结束"},
                                 headers={**admin(), **({"Idempotency-Key": f"rel-{approval}-{i}"} if i % 2 else {})})
        return [first, await match(2)], release

    results = await asyncio.gather(*(worker(i) for i in range(CONCURRENCY)))
    match_responses = [r for matches, _ in results for r in matches]
    release_responses = [release for _, release in results]

    release_codes = _codes(release_responses)
    assert release_codes[(201, None)] == 1, release_codes
    assert set(release_codes) <= {(201, None), (201, "replay"), (409, "award_not_committed")}, release_codes
    winner = next(r for r in release_responses if r.status_code == 201 and "idempotent-replay" not in r.headers).json()
    assert {r.json()["transfer"]["id"] for r in release_responses if r.status_code < 300} == {winner["transfer"]["id"]}
    assert set(_codes(match_responses)) <= {(201, None), (409, "award_not_committed"),
                                            (409, "commitment_insufficient")}, _codes(match_responses)
    matched = 200_000 + sum(r.json()["matched_fen"] for r in match_responses if r.status_code == 201)

    award = (await api.get(f"/awards/{approval}", headers=admin())).json()
    assert (award["status"], award["remaining_fen"], award["release_id"]) == ("released", 0, winner["transfer"]["id"])
    assert (award["paid_fen"], award["released_fen"]) == (matched, winner["released_fen"])
    assert award["paid_fen"] + award["released_fen"] == 1_000_000
    after = (await api.get(budget_path, headers=admin())).json()["figures"]
    assert after["committed"] == before["committed"] - winner["released_fen"]
    assert after["available"] == before["available"] + winner["released_fen"]
    assert after["disbursed"] == before["disbursed"] + matched - 200_000
    trial = (await api.get("/ledger/trial-balance", headers=admin())).json()
    assert (trial["balanced"], trial["net"]) == (True, 0)
    report = await verify_ledger(api)
    assert report["ok"], report["problems"]


async def test_the_verifier_finds_nothing_wrong_while_postings_commit(api):
    """The verifier reads counters and entries while transfers commit: what it compares is one snapshot, so a
    posting that lands between two of its reads is never reported as a broken counter."""
    budget = await create_budget(api, await create_treasury(api), 1_000_000)
    sinks = [await create_account(api) for _ in range(4)]
    posting = True

    async def post(worker: int) -> None:
        for i in range(30):
            response = await post_transfer(api, unique("verified"), budget, sinks[(worker + i) % 4], 1 + i)
            assert response.status_code == 201, response.text

    async def verify_meanwhile() -> list[dict]:
        reports = []
        while posting or not reports:
            reports.append(await verify_ledger(api))
        return reports

    verifier = asyncio.create_task(verify_meanwhile())
    await asyncio.gather(*(post(worker) for worker in range(6)))
    posting = False
    reports = await verifier
    assert [report["problems"] for report in reports if not report["ok"]] == []
    assert len(reports) >= 2


async def test_the_ledger_verifies_after_the_races(api):
    report = await verify_ledger(api)
    assert report["ok"], report["problems"]
