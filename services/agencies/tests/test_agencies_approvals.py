"""Derived deliverables: approvals from the applications service, counted once per approval id."""

from datetime import UTC, datetime

import pytest

from agencies_factories import PLAN, admin, agency_key, applications_service, approval_body, create_approval, create_report
from servicekit.testing import identity_headers

WORKSTATIONS = "t11-academician-workstations"  # 新建院士工作站 100 家, derived from t11-academician-workstation
PROGRAM = "t11-academician-workstation"


@pytest.fixture(autouse=True)
def mid_2020(frozen_clock):
    """While the plan runs, its progress is judged today: approvals count as they are recorded."""
    frozen_clock.move_to(datetime(2020, 6, 1, 4, tzinfo=UTC))


def approval(approval_id: str, program: str = PROGRAM, **fields) -> dict:
    return approval_body(approval_id, program, **fields)


async def test_an_approval_counts_towards_its_deliverable(client):
    response = await create_approval(client, approval("apv-1"))
    assert response.status_code == 201
    body = response.json()
    assert (body["approval_id"], body["program_code"], body["city"], body["revoked_at"]) == (
        "apv-1", PROGRAM, "city-dalian", None)
    assert body["deliverables"] == [{"deliverable_code": WORKSTATIONS, "value": 1.0}]
    deliverable = (await client.get(f"/deliverables/{WORKSTATIONS}")).json()
    progress = deliverable["progress"]
    assert (progress["source"], progress["value"], progress["percent"]) == ("derived", 1.0, 1.0)
    assert [(s["agency"]["code"], s["value"]) for s in deliverable["by_agency"]] == [("city-dalian", 1.0)]


async def test_the_same_approval_id_counts_once(client):
    first = await create_approval(client, approval("apv-1"))
    again = await create_approval(client, approval("apv-1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert (await client.get(f"/deliverables/{WORKSTATIONS}")).json()["progress"]["value"] == 1.0


async def test_a_batch_counts_each_approval_once_with_its_own_outcome(client):
    await create_approval(client, approval("apv-1"))
    batch = [approval("apv-1"), approval("apv-2", application="app-2"), approval("apv-1", application="app-9"),
             approval("apv-3", application="app-3", city="no-such-city"), approval("apv-2", application="app-2")]
    response = await client.post("/internal/approvals/batch", headers=applications_service(),
                                 json={"approvals": batch})
    assert response.status_code == 200, response.text
    assert [(i["approval_id"], i["status"], (i["problem"] or {}).get("code")) for i in response.json()["items"]] == [
        ("apv-1", 200, None), ("apv-2", 201, None), ("apv-1", 409, "approval_id_reused"),
        ("apv-3", 422, "unknown_city"), ("apv-2", 200, None)]
    assert (await client.get(f"/deliverables/{WORKSTATIONS}")).json()["progress"]["value"] == 2.0
    anonymous = await client.post("/internal/approvals/batch", json={"approvals": batch})
    assert anonymous.status_code == 401


async def test_a_batch_of_new_approvals_is_counted_together_with_the_counts_after_it(client):
    batch = [approval("apv-1"), approval("apv-2", application="app-2", city="city-shenyang"),
             approval("apv-3", application="app-3", city=None), approval("apv-4", program="t03-team",
                                                                           application="app-4")]
    response = await client.post("/internal/approvals/batch", headers=applications_service(),
                                 json={"approvals": batch})
    items = response.json()["items"]
    assert [(i["approval_id"], i["status"], i["approval"]["city"]) for i in items] == [
        ("apv-1", 201, "city-dalian"), ("apv-2", 201, "city-shenyang"), ("apv-3", 201, None), ("apv-4", 201, "city-dalian")]
    assert [i["approval"]["deliverables"] for i in items[:3]] == [[{"deliverable_code": WORKSTATIONS,
                                                                    "value": 3.0}]] * 3
    deliverable = (await client.get(f"/deliverables/{WORKSTATIONS}")).json()
    assert [(s["agency"]["code"] if s["agency"] else None, s["value"]) for s in deliverable["by_agency"]] == [
        ("city-dalian", 1.0), ("city-shenyang", 1.0), (None, 1.0)]
    entries = (await client.get("/audit?entity_type=derived_approval", headers=admin())).json()["items"]
    assert sorted(e["entity_id"] for e in entries if e["action"] == "approval.record") == [
        "apv-1", "apv-2", "apv-3", "apv-4"]
    again = await client.post("/internal/approvals/batch", headers=applications_service(),
                              json={"approvals": batch})
    assert [i["status"] for i in again.json()["items"]] == [200] * 4


async def test_the_same_approval_id_with_other_content_is_409(client):
    await create_approval(client, approval("apv-1"))
    for other in (approval("apv-1", application="app-2"), approval("apv-1", city=None),
                  approval("apv-1", program="t03-team")):
        response = await create_approval(client, other)
        assert (response.status_code, response.json()["code"]) == (409, "approval_id_reused")


async def test_value_and_percent_count_every_approval(client):
    for n, city in enumerate(["city-dalian", "city-dalian", "city-shenyang", None], start=1):
        response = await create_approval(client, approval(f"apv-{n}", application=f"app-{n}", city=city))
        assert response.status_code == 201
    await create_approval(client, approval("apv-other", program="t03-team"))
    deliverable = (await client.get(f"/deliverables/{WORKSTATIONS}")).json()
    assert (deliverable["progress"]["value"], deliverable["progress"]["percent"]) == (4.0, 4.0)
    assert [(s["agency"]["code"] if s["agency"] else None, s["value"]) for s in deliverable["by_agency"]] == [
        ("city-dalian", 2.0), ("city-shenyang", 1.0), (None, 1.0)]
    task = (await client.get(f"/tasks/{PLAN}/11")).json()
    assert task["progress_percent"] == 4.0
    assert (await client.get(f"/tasks/{PLAN}/3")).json()["deliverables"][0]["progress"]["value"] == 1.0


async def test_a_revoked_approval_stops_counting(client):
    await create_approval(client, approval("apv-1"))
    await create_approval(client, approval("apv-2", application="app-2"))
    revoked = await client.post("/internal/approvals/apv-1/revoke", headers=applications_service())
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert revoked.json()["deliverables"] == [{"deliverable_code": WORKSTATIONS, "value": 1.0}]
    again = await client.post("/internal/approvals/apv-1/revoke", headers=applications_service())
    assert again.json() == revoked.json()
    assert (await client.get(f"/deliverables/{WORKSTATIONS}")).json()["progress"]["value"] == 1.0
    missing = await client.post("/internal/approvals/apv-404/revoke", headers=applications_service())
    assert (missing.status_code, missing.json()["code"]) == (404, "approval_not_found")


async def test_a_program_without_a_deliverable_is_recorded_for_later(client):
    response = await create_approval(client, approval("apv-1", program="t01-national-programme-matching"))
    assert response.status_code == 201
    assert response.json()["deliverables"] == []


@pytest.mark.parametrize("city", ["city-atlantis", "prov-org-dept", "all-cities"])
async def test_the_city_must_be_a_city(client, city):
    response = await create_approval(client, approval("apv-1", city=city))
    assert (response.status_code, response.json()["code"]) == (422, "unknown_city")


async def test_only_the_applications_service_records_approvals(client):
    anonymous = await client.post("/internal/approvals", json=approval("apv-1"))
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "login_required")
    for headers, code in ((admin(), "role_not_allowed"), (agency_key("prov-science-tech-dept"), "role_not_allowed"),
                          (identity_headers(role="service", subject="funding"), "service_not_allowed")):
        response = await client.post("/internal/approvals", headers=headers, json=approval("apv-1"))
        assert (response.status_code, response.json()["code"]) == (403, code)
        revoke = await client.post("/internal/approvals/apv-1/revoke", headers=headers)
        assert (revoke.status_code, revoke.json()["code"]) == (403, code)
    assert (await client.get(f"/deliverables/{WORKSTATIONS}")).json()["progress"]["value"] == 0.0


async def test_reports_on_a_derived_deliverable_are_refused(client):
    response = await create_report(client, WORKSTATIONS, agency_key("prov-sci-tech-association"), "2019-Q1", 5, "家")
    assert (response.status_code, response.json()["code"]) == (409, "deliverable_is_derived")
    assert response.json()["messages"]["en"] == (
        "This deliverable's progress is counted from approvals; it does not take reports.")


async def test_approvals_are_audited(client):
    await create_approval(client, approval("apv-1"))
    await client.post("/internal/approvals/apv-1/revoke", headers=applications_service())
    entries = (await client.get("/audit?entity_type=derived_approval", headers=admin())).json()["items"]
    assert [(e["action"], e["actor"], e["entity_id"]) for e in entries] == [
        ("approval.revoke", "service:applications", "apv-1"), ("approval.record", "service:applications", "apv-1")]


async def test_a_total_counts_its_parts_once(client):
    # Task 2: 3000 talents introduced ⊃ 400 key talents supported = 10 + 200 + 200 awarded by three programs.
    for n, program in enumerate(["t02-outstanding", "t02-leading", "t02-leading", "t02-young-top"], start=1):
        response = await create_approval(client, approval(f"apv-{n}", program=program, application=f"app-{n}"))
        assert response.status_code == 201
    task = (await client.get(f"/tasks/{PLAN}/2")).json()
    figures = {d["code"]: (d["progress"]["value"], d["progress"]["parts_value"]) for d in task["deliverables"]}
    assert figures == {"t02-talent-introduced": (4.0, 4.0), "t02-key-talent-supported": (4.0, 4.0),
                       "t02-outstanding-talent": (1.0, None), "t02-leading-talent": (2.0, None),
                       "t02-young-top-talent": (1.0, None)}
    # Only the top-level total counts for the task: 4 / 3000.
    assert task["progress_percent"] == 0.1
    detail = (await client.get("/deliverables/t02-key-talent-supported")).json()
    assert (detail["progress"]["value"], detail["progress"]["percent"]) == (4.0, 1.0)


async def test_an_approval_decided_after_the_plan_counts_from_when_it_takes_effect(client, frozen_clock):
    """Decided in 2026 on a 2019 call: it counts from the end of 2019, so the plan's final result has it; its
    revocation, effective the same moment, takes it out again."""
    frozen_clock.move_to(datetime(2026, 11, 30, 4, tzinfo=UTC))
    end_of_2019 = "2019-12-31T23:59:59+08:00"
    response = await create_approval(client, {**approval("apv-late"), "effective_at": end_of_2019})
    assert response.status_code == 201, response.text
    assert (await client.get(f"/deliverables/{WORKSTATIONS}")).json()["progress"]["value"] == 1.0
    future = await create_approval(client, {**approval("apv-future"), "effective_at": "2027-01-01T00:00:00+08:00"})
    assert (future.status_code, future.json()["code"]) == (422, "effective_at_invalid")

    revoked = await client.post("/internal/approvals/apv-late/revoke", headers=applications_service(),
                                json={"effective_at": end_of_2019})
    assert revoked.status_code == 200, revoked.text
    assert (await client.get(f"/deliverables/{WORKSTATIONS}")).json()["progress"]["value"] == 0.0
