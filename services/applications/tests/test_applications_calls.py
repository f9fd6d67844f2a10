"""Calls: windows in China Standard Time, the public catalog with filters and facets, quotas per city, and
quota changes that keep the allocation rules (with who, when, before/after and a reason)."""

from datetime import UTC, date, datetime

from applications_factories import draft, open_call, personal
from applications_testkit import CITY, IN_WINDOW, OTHER_CITY, act, admin, applicant, must, raw_session, reviewer


async def test_submitting_outside_the_window_names_it_in_china_time(client, frozen_clock):
    frozen_clock.move_to(datetime(2019, 2, 28, 12, 0, tzinfo=UTC))
    call = await open_call(client)
    assert (call["opens_at"], call["closes_at"], call["status"]) == ("2019-03-01T09:00:00+08:00",
                                                                    "2019-04-30T17:00:00+08:00", "upcoming")
    application = await draft(client, call["id"])
    early = await act(client, application["id"], "submit", applicant())
    assert (early.status_code, early.json()["code"]) == (409, "call_not_open")
    assert early.json()["detail"] == "不在申报时间内：本批次受理时间为 2019-03-01 09:00 至 2019-04-30 17:00（北京时间）。"
    english = await client.post(f"/applications/{application['id']}/transitions", json={"action": "submit"},
                                headers={**applicant(), "Accept-Language": "en"})
    assert english.json()["detail"] == ("Outside the call's window: applications are taken from 2019-03-01 09:00 "
                                        "to 2019-04-30 17:00 China Standard Time.")
    # 17:00 in Shenyang is 09:00 UTC: a second before it is in time, the deadline itself is not.
    frozen_clock.move_to(datetime(2019, 4, 30, 8, 59, 59, tzinfo=UTC))
    assert (await act(client, application["id"], "submit", applicant())).status_code == 200
    late = await draft(client, call["id"], who=2)
    frozen_clock.move_to(datetime(2019, 4, 30, 9, 0, tzinfo=UTC))
    assert (await act(client, late["id"], "submit", applicant(2))).json()["code"] == "call_not_open"


async def test_the_catalog_filters_and_counts_facets(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    await open_call(client, "t02-young-top", total=20, allocations={CITY: 5, OTHER_CITY: 3})
    await open_call(client, "t03-team-tier-2", total=8)
    await open_call(client, "t05-postdoc-workstation", year=2020, total=30)  # opens in 2020: upcoming
    catalog = (await client.get("/calls")).json()
    assert [c["program"]["code"] for c in catalog["items"]] == ["t02-young-top", "t03-team-tier-2",
                                                                "t05-postdoc-workstation"]
    young = catalog["items"][0]
    assert young["amount"]["amount_fen"] == 50_000_000 and young["reviewing_agency"]["name"] == "省人力资源社会保障厅"
    assert young["quota"] == {"total": 20, "used": 0, "remaining": 20}
    assert young["program"]["quote"].startswith("200名左右青年拔尖人才")
    assert {f["value"]: f["count"] for f in catalog["facets"]["status"]} == {"open": 2, "upcoming": 1}
    assert {f["value"]: f["count"] for f in catalog["facets"]["applicant_type"]} == {"institution": 1, "person": 1,
                                                                                     "team": 1}

    async def search(**params):
        body = (await client.get("/calls", params=params)).json()
        return [c["program"]["code"] for c in body["items"]], body["facets"]

    assert (await search(open_now="true"))[0] == ["t02-young-top", "t03-team-tier-2"]
    assert (await search(applicant_type="team"))[0] == ["t03-team-tier-2"]
    codes, facets = await search(task=2)
    assert codes == ["t02-young-top"]
    # A facet counts among the calls matching the other filters, so other tasks still show their counts.
    assert {f["value"]: f["count"] for f in facets["task"]} == {"2": 1, "3": 1, "5": 1}
    assert {f["value"]: f["count"] for f in facets["agency"]} == {"prov-hrss-dept": 1}
    assert (await search(amount_min=1_000_000, amount_max=3_000_000))[0] == ["t03-team-tier-2"]
    assert (await search(amount_max=200_000))[0] == ["t05-postdoc-workstation"]
    assert (await search(agency="prov-science-tech-dept"))[0] == ["t03-team-tier-2"]
    assert (await search(q="青年"))[0] == ["t02-young-top"]
    assert (await search(status="closed"))[0] == []


async def test_the_public_sees_the_quota_per_city(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client, total=10, allocations={CITY: 4, OTHER_CITY: 2})
    application = await draft(client, call["id"])
    await must(await act(client, application["id"], "submit", applicant()))
    await must(await act(client, application["id"], "nominate", reviewer(CITY)))
    quota = (await client.get(f"/calls/{call['id']}/quota")).json()
    assert (quota["total"], quota["used"], quota["remaining"], quota["nominated"], quota["allocated"]) == \
           (10, 0, 10, 1, 6)
    shenyang = quota["allocations"][1]
    assert shenyang["agency"]["name"] == "沈阳市"
    assert (shenyang["total"], shenyang["nominated"], shenyang["nominations_left"], shenyang["remaining"]) == \
           (4, 1, 3, 4)
    detail = (await client.get(f"/calls/{call['id']}")).json()
    assert detail["quota_detail"] == quota
    assert detail["eligibility"]["age_max"] == {"years": 40, "cutoff_date": "2019-01-01", "variants": [
        {"gender": "female", "discipline": None, "years": 43}, {"gender": None, "discipline": "social-science",
                                                                "years": 45}]}


async def test_allocations_never_exceed_the_total_nor_fall_below_what_is_held(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client, total=5, allocations={CITY: 2})
    url = f"/calls/{call['id']}"
    too_many = await client.put(f"{url}/allocations/{OTHER_CITY}", headers=admin(), json={"size": 4, "reason": "调整"})
    assert (too_many.status_code, too_many.json()["code"]) == (409, "allocations_exceed_total")
    assert too_many.json()["allocated"] == 6
    assert (await client.put(f"{url}/allocations/{OTHER_CITY}", headers=admin(),
                             json={"size": 3, "reason": "大连增补名额"})).status_code == 200
    below = await client.put(f"{url}/quota", headers=admin(), json={"total": 4, "reason": "压缩名额"})
    assert (below.status_code, below.json()["code"]) == (409, "allocations_exceed_total")
    for who in (1, 2):
        application = await draft(client, call["id"], who)
        await must(await act(client, application["id"], "submit", applicant(who)))
        await must(await act(client, application["id"], "nominate", reviewer(CITY)))
    third = await draft(client, call["id"], 3)
    await must(await act(client, third["id"], "submit", applicant(3)))
    full = await act(client, third["id"], "nominate", reviewer(CITY))
    assert (full.status_code, full.json()["code"]) == (409, "allocation_full")
    shrink = await client.put(f"{url}/allocations/{CITY}", headers=admin(), json={"size": 1, "reason": "压缩"})
    assert (shrink.status_code, shrink.json()["code"], shrink.json()["minimum"]) == (409, "quota_below_committed", 2)
    none = await draft(client, call["id"], 4, nominator="city-anshan")
    await must(await act(client, none["id"], "submit", applicant(4)))
    refused = await act(client, none["id"], "nominate", reviewer("city-anshan"))
    assert (refused.status_code, refused.json()["code"]) == (409, "no_allocation")
    no_reason = await client.put(f"{url}/quota", headers=admin(), json={"total": 6})
    assert no_reason.status_code == 422
    unknown = await client.put(f"{url}/allocations/prov-audit-dept", headers=admin(), json={"size": 1, "reason": "x1"})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_nominator")
    changes = (await client.get(f"{url}/quota-changes", headers=reviewer(CITY))).json()
    assert [(c["agency_code"], c["before"], c["after"], c["reason"]) for c in changes] == [
        (None, None, 5, "开设申报批次 / call opened"), (CITY, None, 2, "开设申报批次 / call opened"),
        (OTHER_CITY, None, 3, "大连增补名额")]
    assert changes[-1]["actor"] == "admin:user:1000"
    assert (await client.get(f"{url}/quota-changes", headers=applicant())).status_code == 403
    # A change of an existing allocation keeps what it was before.
    await must(await client.put(f"{url}/allocations/{OTHER_CITY}", headers=admin(), json={"size": 2, "reason": "调减"}))
    last = (await client.get(f"{url}/quota-changes", headers=admin())).json()[-1]
    assert (last["agency_code"], last["before"], last["after"]) == (OTHER_CITY, 3, 2)


async def test_a_total_is_never_below_what_is_approved_plus_reserved(client, database_url, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client, total=5)
    # The approval saga (the next step) counts reservations and approvals; here they are set as it would.
    from sqlalchemy import update

    from applications.models import CallQuota

    async with raw_session(client) as session:
        await session.execute(update(CallQuota).where(CallQuota.call_id == call["id"]).values(reserved=1, approved=2))
    refused = await client.put(f"/calls/{call['id']}/quota", headers=admin(), json={"total": 2, "reason": "压缩"})
    assert (refused.status_code, refused.json()["code"], refused.json()["minimum"]) == (409, "quota_below_committed", 3)
    accepted = await client.put(f"/calls/{call['id']}/quota", headers=admin(), json={"total": 3, "reason": "压缩名额"})
    assert accepted.json()["remaining"] == 0 and accepted.json()["used"] == 3


async def test_calls_of_one_rule_never_exceed_the_plans_places(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    await open_call(client, "t01-outstanding", year=2018, total=6)
    response = await client.post("/calls", headers=admin(), json={
        "program_code": "t01-outstanding", "year": 2019, "opens_at": "2019-03-01T09:00:00",
        "closes_at": "2019-04-30T17:00:00", "quota_total": 5})
    assert (response.status_code, response.json()["code"]) == (409, "plan_quota_exceeded")
    assert "最多 4" in response.json()["detail"]
    second = await open_call(client, "t01-outstanding", year=2019, total=4)
    raised = await client.put(f"/calls/{second['id']}/quota", headers=admin(), json={"total": 5, "reason": "增加"})
    assert (raised.status_code, raised.json()["code"]) == (409, "plan_quota_exceeded")
    duplicate = await client.post("/calls", headers=admin(), json={
        "program_code": "t01-outstanding", "year": 2019, "opens_at": "2019-03-01T09:00:00",
        "closes_at": "2019-04-30T17:00:00", "quota_total": 0})
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "call_exists")
    backwards = await client.post("/calls", headers=admin(), json={
        "program_code": "t02-leading", "year": 2019, "opens_at": "2019-04-30T17:00:00",
        "closes_at": "2019-03-01T09:00:00", "quota_total": 1})
    assert (backwards.status_code, backwards.json()["code"]) == (422, "call_window_invalid")


async def test_eligibility_is_checked_at_submission(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    call = await open_call(client)  # 青年拔尖: at most 40 on 2019-01-01; 43 for women; 45 in social sciences

    async def submit(who: int, born: date, *, male: bool, **form) -> dict:
        from applications_factories import person_form

        application = await draft(client, call["id"], who, form=person_form(**form),
                                  person=personal(born, male=male))
        response = await act(client, application["id"], "submit", applicant(who))
        return response.json()

    assert (await submit(1, date(1978, 1, 2), male=True))["state"] == "submitted"  # 40 on 2019-01-01
    too_old = await submit(2, date(1978, 1, 1), male=True)  # 41 that very day
    assert (too_old["code"], too_old["rule"]) == ("not_eligible", "age_max")
    assert too_old["detail"] == "年龄超过限制：截至 2019-01-01 应不超过 40 周岁（您为 41 周岁）。"
    assert (await submit(3, date(1976, 1, 2), male=False))["state"] == "submitted"  # 42, a woman
    assert (await submit(4, date(1974, 1, 2), male=True, discipline="social-science"))["state"] == "submitted"
    part_time = await submit(5, date(1990, 1, 1), male=True, full_time_in_province=False)
    assert (part_time["code"], part_time["rule"]) == ("not_eligible", "full_time_in_province")


async def test_one_application_per_applicant_a_year_whatever_the_account(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    young = await open_call(client, "t02-young-top")
    leading = await open_call(client, "t02-leading")
    postdoc = await open_call(client, "t05-postdoc-living-subsidy")  # does not count towards one a year
    same_person = personal(date(1988, 3, 3), male=True, serial=77)
    first = await draft(client, young["id"], 1, person=same_person)
    await must(await act(client, first["id"], "submit", applicant(1)))
    second = await draft(client, leading["id"], 1, person=personal(date(1988, 3, 3), male=True, serial=78))
    refused = await act(client, second["id"], "submit", applicant(1))
    assert (refused.status_code, refused.json()["code"], refused.json()["application_id"]) == \
           (409, "already_applied_in_cycle", first["id"])
    # Another account with the same ID number is the same person.
    other_account = await draft(client, leading["id"], 2, person=same_person)
    assert (await act(client, other_account["id"], "submit", applicant(2))).json()["code"] == \
           "already_applied_in_cycle"
    allowed = await draft(client, postdoc["id"], 1, person=same_person)
    assert (await act(client, allowed["id"], "submit", applicant(1))).json()["state"] == "submitted"
    # Once the first is withdrawn, the year is free again.
    await must(await act(client, first["id"], "withdraw", applicant(1)))
    assert (await act(client, second["id"], "submit", applicant(1))).json()["state"] == "submitted"


async def test_no_application_while_holding_an_active_award_of_the_kind(client, frozen_clock):
    frozen_clock.move_to(IN_WINDOW)
    earlier = await open_call(client, "t01-young-top", year=2018)
    call = await open_call(client, "t02-young-top")
    person = personal(date(1989, 5, 5), male=False, serial=55)
    frozen_clock.move_to(datetime(2018, 3, 11, 2, 0, tzinfo=UTC))
    awarded = await draft(client, earlier["id"], 1, person=person)
    # The decision (the approval saga, next) sets `approved`; here it is set as the saga will.
    from sqlalchemy import update

    from applications.models import Application

    async with raw_session(client) as session:
        await session.execute(update(Application).where(Application.id == awarded["id"]).values(state="approved"))
    frozen_clock.move_to(IN_WINDOW)
    application = await draft(client, call["id"], 2, person=person)
    refused = await act(client, application["id"], "submit", applicant(2))
    assert (refused.status_code, refused.json()["code"], refused.json()["award_kind"]) == \
           (409, "active_award", "provincial-young-talent")
