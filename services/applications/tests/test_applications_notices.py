"""Public notices (公示): counted in working days on the Chinese public-holiday calendar, showing only what a
公示 shows; objections need a real name, hold the application and are resolved by the reviewing agency."""

from datetime import date

from sqlalchemy import text

from applications.workdays import WorkingCalendar
from applications_factories import draft, drive, open_call, personal, score_by_experts
from applications_testkit import CITY, REVIEWING, act, admin, applicant, cst, must, reviewer


def test_working_days_skip_the_national_day_holiday_and_count_its_make_up_sunday():
    # 2019: Friday 27 September, Sunday 29 September (a make-up working day), Monday 30 September, then the
    # holiday from 1 to 7 October, then 8 and 9 October.
    nth_working_day = WorkingCalendar().nth_working_day
    assert nth_working_day(date(2019, 9, 27), 5) == date(2019, 10, 9)
    assert nth_working_day(date(2019, 9, 28), 1) == date(2019, 9, 29)
    assert nth_working_day(date(2019, 10, 1), 1) == date(2019, 10, 8)


async def publish_on(client, frozen_clock, call, application_ids, *moment):
    frozen_clock.move_to(cst(*moment))
    return await must(await client.post(f"/calls/{call['id']}/notices", headers=reviewer(REVIEWING),
                                        json={"application_ids": application_ids}), 201)


OBJECTION = {"filer_name": "王某", "filer_contact": "13800000001", "reason": "其代表性论文存在一稿多投问题。"}


async def test_a_notice_runs_five_working_days_and_shows_only_what_a_notice_shows(client, frozen_clock):
    call = await open_call(client)
    application = await drive(client, frozen_clock, call, "recommended", 1)
    notice = await publish_on(client, frozen_clock, call, [application["id"]], 2019, 9, 27, 10, 0)
    assert (notice["starts_on"], notice["ends_on"], notice["working_days"], notice["status"]) == \
           ("2019-09-27", "2019-10-09", 5, "open")
    assert notice["entries"] == [{"application_id": application["id"], "applicant_name": "演示人甲",
                                  "unit": "沈阳示例大学", "program_name": "引进青年拔尖人才资助",
                                  "amount_fen": 50_000_000, "amount_yuan": "500000"}]
    assert notice["objection_rules"]["zh"].endswith("匿名异议不予受理。")
    public = (await client.get("/notices")).json()
    assert public == [notice]
    assert set(public[0]["entries"][0]) == {"application_id", "applicant_name", "unit", "program_name",
                                            "amount_fen", "amount_yuan"}
    early = await client.post(f"/notices/{notice['id']}/conclude", headers=reviewer(REVIEWING))
    assert (early.status_code, early.json()["code"], early.json()["ends_on"]) == (409, "notice_period_running",
                                                                                 "2019-10-09")
    frozen_clock.move_to(cst(2019, 10, 9, 23, 59))
    assert (await client.get(f"/notices/{notice['id']}")).json()["status"] == "open"
    frozen_clock.move_to(cst(2019, 10, 10, 0, 0))
    assert (await client.get("/notices", params={"status": "ended"})).json()[0]["id"] == notice["id"]
    concluded = await must(await client.post(f"/notices/{notice['id']}/conclude", headers=reviewer(REVIEWING)))
    assert concluded["concluded_at"] is not None
    after = (await client.get(f"/applications/{application['id']}", headers=applicant(1))).json()
    assert after["state"] == "ready_for_decision"
    assert [e["action"] for e in after["timeline"]][-2:] == ["publish_notice", "conclude_notice"]
    assert (await client.get(f"/notices/{notice['id']}")).json()["entries"] == notice["entries"]


async def test_an_anonymous_objection_is_refused_and_a_named_one_holds_the_entry(client, frozen_clock):
    call = await open_call(client)
    application = await drive(client, frozen_clock, call, "recommended", 1)
    notice = await publish_on(client, frozen_clock, call, [application["id"]], 2019, 9, 27, 10, 0)
    url = f"/notices/{notice['id']}/objections"
    anonymous = await client.post(url, json={"application_id": application["id"], "reason": "材料不实，请核查。"})
    assert (anonymous.status_code, anonymous.json()["code"]) == (422, "anonymous_objection")
    assert "匿名异议不予受理" in anonymous.json()["detail"]
    nameless = await client.post(url, json={**OBJECTION, "filer_name": "  ", "application_id": application["id"]})
    assert nameless.json()["code"] == "anonymous_objection"
    bad_contact = await client.post(url, json={**OBJECTION, "filer_contact": "call me", "application_id":
                                               application["id"]})
    assert (bad_contact.status_code, bad_contact.json()["code"]) == (422, "contact_invalid")
    stranger = await client.post(url, json={**OBJECTION, "application_id": 999_999})
    assert (stranger.status_code, stranger.json()["code"]) == (409, "not_on_notice")
    frozen_clock.move_to(cst(2019, 9, 30, 15, 0))
    receipt = await must(await client.post(url, json={**OBJECTION, "application_id": application["id"]}), 201)
    # Resolved within 10 working days from the next day: 8 to 18 October, the holiday skipped, and 12 October
    # (a Saturday made a working day) counted.
    assert (receipt["status"], receipt["resolve_by"]) == ("open", "2019-10-18")
    assert set(receipt) == {"id", "notice_id", "application_id", "status", "filed_at", "resolve_by"}
    held = (await client.get(f"/applications/{application['id']}", headers=applicant(1))).json()
    assert held["state"] == "on_hold"
    assert "王某" not in str(held) and "13800000001" not in str(held)
    objections = (await client.get("/objections", headers=reviewer(REVIEWING))).json()
    assert [(o["filer_name"], o["filer_contact"], o["overdue"]) for o in objections] == [
        ("王某", "13800000001", False)]
    assert (await client.get("/objections", headers=reviewer(CITY))).json() == []
    assert (await client.get("/objections", headers=applicant(1))).status_code == 403
    database = client._transport.app.state.database
    async with database.sessionmaker() as session:
        stored = repr((await session.execute(text("SELECT * FROM objections"))).all())
    assert "13800000001" not in stored
    frozen_clock.move_to(cst(2019, 10, 21, 9, 0))
    assert (await client.get("/objections", headers=admin())).json()[0]["overdue"] is True
    closed = await client.post(url, json={**OBJECTION, "application_id": application["id"]})
    assert (closed.status_code, closed.json()["code"]) == (409, "notice_closed")
    assert closed.json()["detail"] == "异议须在公示期内（2019-09-27 至 2019-10-09）提出。"


async def test_a_dismissed_objection_after_the_notice_makes_the_entry_ready(client, frozen_clock):
    call = await open_call(client)
    application = await drive(client, frozen_clock, call, "recommended", 1)
    notice = await publish_on(client, frozen_clock, call, [application["id"]], 2019, 9, 27, 10, 0)
    receipt = await must(await client.post(f"/notices/{notice['id']}/objections",
                                           json={**OBJECTION, "application_id": application["id"]}), 201)
    frozen_clock.move_to(cst(2019, 10, 10, 9, 0))
    await must(await client.post(f"/notices/{notice['id']}/conclude", headers=reviewer(REVIEWING)))
    still = (await client.get(f"/applications/{application['id']}", headers=admin())).json()
    assert still["state"] == "on_hold"
    other_agency = await client.post(f"/objections/{receipt['id']}/resolve", headers=reviewer(CITY),
                                     json={"outcome": "dismissed", "resolution": "经核查，异议不成立。"})
    assert (other_agency.status_code, other_agency.json()["code"]) == (403, "not_reviewing_agency")
    resolved = await must(await client.post(f"/objections/{receipt['id']}/resolve", headers=reviewer(REVIEWING),
                                            json={"outcome": "dismissed", "resolution": "经核查，异议不成立。"}))
    assert (resolved["status"], resolved["resolution"]) == ("dismissed", "经核查，异议不成立。")
    after = (await client.get(f"/applications/{application['id']}", headers=applicant(1))).json()
    assert after["state"] == "ready_for_decision"
    assert [e["action"] for e in after["timeline"]][-3:] == ["file_objection", "dismiss_objection", "conclude_notice"]
    twice = await client.post(f"/objections/{receipt['id']}/resolve", headers=reviewer(REVIEWING),
                              json={"outcome": "upheld", "resolution": "再议。"})
    assert (twice.status_code, twice.json()["code"]) == (409, "objection_resolved")


async def test_an_upheld_objection_rejects_the_entry_and_frees_its_nomination(client, frozen_clock):
    call = await open_call(client, allocations={CITY: 3})
    application = await drive(client, frozen_clock, call, "recommended", 1)
    notice = await publish_on(client, frozen_clock, call, [application["id"]], 2019, 9, 27, 10, 0)
    first = await must(await client.post(f"/notices/{notice['id']}/objections",
                                         json={**OBJECTION, "application_id": application["id"]}), 201)
    second = await must(await client.post(f"/notices/{notice['id']}/objections", json={
        **OBJECTION, "filer_name": "李某", "filer_contact": "li@example.com", "application_id": application["id"]}),
        201)
    assert (await client.get(f"/calls/{call['id']}/quota")).json()["allocations"][0]["nominated"] == 1
    await must(await client.post(f"/objections/{first['id']}/resolve", headers=reviewer(REVIEWING),
                                 json={"outcome": "upheld", "resolution": "经核查，论文确有一稿多投。"}))
    after = (await client.get(f"/applications/{application['id']}", headers=applicant(1))).json()
    assert (after["state"], after["timeline"][-1]["comment"]) == ("rejected", "经核查，论文确有一稿多投。")
    statuses = {o["id"]: o["status"] for o in (await client.get("/objections", headers=admin())).json()}
    assert statuses == {first["id"]: "upheld", second["id"]: "moot"}
    assert (await client.get(f"/calls/{call['id']}/quota")).json()["allocations"][0]["nominated"] == 0


async def test_a_notice_needs_recommended_applications_and_the_reviewing_agency(client, frozen_clock):
    call = await open_call(client)
    application = await drive(client, frozen_clock, call, "expert_review", 1)
    nothing = await client.post(f"/calls/{call['id']}/notices", headers=reviewer(REVIEWING), json={})
    assert (nothing.status_code, nothing.json()["code"]) == (409, "nothing_to_publish")
    named = await client.post(f"/calls/{call['id']}/notices", headers=reviewer(REVIEWING),
                              json={"application_ids": [application["id"]]})
    assert (named.status_code, named.json()["code"]) == (409, "not_recommended")
    city = await client.post(f"/calls/{call['id']}/notices", headers=reviewer(CITY), json={})
    assert (city.status_code, city.json()["code"]) == (403, "not_reviewing_agency")


async def recommended_in_2030(client, frozen_clock) -> dict:
    """A 2030 call (a year chinesecalendar does not cover) with one recommended application, on Sunday 10 March
    2030."""
    call = await open_call(client, year=2030)
    frozen_clock.move_to(cst(2030, 3, 10, 10, 0))
    application = await draft(client, call["id"], 1, person=personal(date(1995, 1, 1), male=True))
    for action, headers in (("submit", applicant(1)), ("nominate", reviewer(CITY)),
                            ("start_formal_review", reviewer(REVIEWING)), ("pass_formal_review", reviewer(REVIEWING))):
        await must(await act(client, application["id"], action, headers))
    await score_by_experts(client, application["id"], 3)
    await must(await act(client, application["id"], "recommend", reviewer(REVIEWING)))
    return call


async def test_a_notice_beyond_the_holiday_calendar_is_refused_clearly(client, frozen_clock):
    call = await recommended_in_2030(client, frozen_clock)
    refused = await client.post(f"/calls/{call['id']}/notices", headers=reviewer(REVIEWING), json={})
    assert (refused.status_code, refused.json()["code"], refused.json()["year"]) == (422, "calendar_not_covered", 2030)
    assert "节假日日历尚未包含 2030 年" in refused.json()["detail"]
    assert "PUT /calendar/2030" in refused.json()["detail"]


async def test_a_notice_in_a_year_an_administrator_entered_counts_its_holidays_and_make_up_days(client,
                                                                                                 frozen_clock):
    call = await recommended_in_2030(client, frozen_clock)
    # Made-up days for the test: Tuesday 12 and Wednesday 13 March off, Saturday 16 March worked.
    await must(await client.put("/calendar/2030", headers=admin(), json={
        "notice": "测试用：2030年部分节假日安排", "holidays": [{"date": "2030-03-12", "name": "测试假日"},
                                                          {"date": "2030-03-13", "name": "测试假日"}],
        "working_weekend_days": [{"date": "2030-03-16", "name": "测试假日"}]}))
    notice = await must(await client.post(f"/calls/{call['id']}/notices", headers=reviewer(REVIEWING), json={}), 201)
    # From Sunday 10 March: Mon 11, Thu 14, Fri 15, Sat 16 (worked), Mon 18; Monday to Friday alone gives Fri 15.
    assert (notice["starts_on"], notice["ends_on"]) == ("2030-03-10", "2030-03-18")
    frozen_clock.move_to(cst(2030, 3, 11, 9, 0))
    receipt = await must(await client.post(f"/notices/{notice['id']}/objections", json={
        **OBJECTION, "application_id": notice["entries"][0]["application_id"]}), 201)
    # Ten working days from Tuesday 12 March: Thu 14, Fri 15, Sat 16, Mon 18 … Fri 22, Mon 25, Tue 26.
    assert receipt["resolve_by"] == "2030-03-26"
