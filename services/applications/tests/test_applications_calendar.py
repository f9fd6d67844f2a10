"""The working-day calendar: chinesecalendar's years are read as the package has them; a later year is entered by
an administrator from the State Council's notice, checked, replaced and audited (notices counted on it are in
test_applications_notices.py)."""

from applications_testkit import admin, must, reviewer

ENTRY_2031 = {"notice": "测试用：2031年部分节假日安排的通知",
              "holidays": [{"date": "2031-01-01", "name": "元旦"}, {"date": "2031-01-22", "name": "春节"},
                           {"date": "2031-01-23", "name": "春节"}],
              "working_weekend_days": [{"date": "2031-01-19", "name": "春节"}]}


async def test_a_year_in_the_package_is_read_from_it_and_cannot_be_entered(client):
    year = await must(await client.get("/calendar/2019"))
    assert (year["source"], year["notice"]) == ("chinesecalendar", None)
    assert {"date": "2019-10-01", "name": "国庆节"} in year["holidays"]
    assert {"date": "2019-09-29", "name": "国庆节"} in year["working_weekend_days"]
    refused = await client.put("/calendar/2019", headers=admin(), json=ENTRY_2031)
    assert (refused.status_code, refused.json()["code"], refused.json()["year"]) == (409, "calendar_year_in_package", 2019)


async def test_an_administrator_enters_a_later_year_and_can_replace_it_audited(client):
    missing = await client.get("/calendar/2031")
    assert (missing.status_code, missing.json()["code"]) == (404, "calendar_year_not_entered")
    entered = await must(await client.put("/calendar/2031", headers=admin(), json=ENTRY_2031))
    assert (entered["source"], entered["notice"], entered["entered_by"]) == ("entered", ENTRY_2031["notice"], "admin:user:1000")
    assert [d["date"] for d in entered["holidays"]] == ["2031-01-01", "2031-01-22", "2031-01-23"]
    assert await must(await client.get("/calendar/2031")) == entered

    fewer = {**ENTRY_2031, "holidays": ENTRY_2031["holidays"][:1], "working_weekend_days": []}
    replaced = await must(await client.put("/calendar/2031", headers=admin(), json=fewer))
    assert (replaced["holidays"], replaced["working_weekend_days"]) == ([{"date": "2031-01-01", "name": "元旦"}], [])
    audit = await must(await client.get("/audit", headers=admin(), params={"action": "calendar.enter"}))
    [latest, first] = [e for e in audit["items"] if e["entity_id"] == "2031"][:2]
    assert (first["before"], len(first["after"]["holidays"])) == (None, 3)
    assert (len(latest["before"]["holidays"]), len(latest["after"]["holidays"])) == (3, 1)


async def test_days_outside_the_year_twice_or_a_weekday_worked_are_refused_naming_each(client):
    bad = {"notice": "测试用：2032年部分节假日安排",
           "holidays": [{"date": "2031-12-31", "name": "元旦"}, {"date": "2032-01-01", "name": "元旦"},
                        {"date": "2032-01-01", "name": "元旦"}],
           "working_weekend_days": [{"date": "2032-01-05", "name": "元旦"}]}  # a Monday
    refused = await client.put("/calendar/2032", headers=admin(), json=bad)
    assert (refused.status_code, refused.json()["code"]) == (422, "calendar_days_invalid")
    assert [(e["field"], e["type"]) for e in refused.json()["errors"]] == [
        ("body.holidays.0.date", "outside_year"), ("body.holidays.2.date", "duplicate"),
        ("body.working_weekend_days.0.date", "not_a_weekend_day")]
    assert (await client.get("/calendar/2032")).status_code == 404  # nothing written
    assert (await client.put("/calendar/2032", headers=reviewer("prov-hrss-dept"), json=bad)).status_code == 403
    assert (await client.put("/calendar/1999", headers=admin(), json=bad)).status_code == 422
