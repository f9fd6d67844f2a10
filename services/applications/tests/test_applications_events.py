"""The workflow's steps reach the agencies' event feed: written to the outbox with the step, relayed in order,
stored there once, for the reviewing and the nominating agency, with no personal data."""

import httpx

from applications_factories import drive, open_call
from applications_testkit import CITY, OTHER_CITY, PROGRAM, REVIEWING
from servicekit import clock
from servicekit.testing import identity_headers


async def test_workflow_steps_reach_the_agencies_feed_in_order_once_without_personal_data(client, app, agencies_app,
                                                                                          frozen_clock):
    call = await open_call(client)
    application = await drive(client, frozen_clock, call, "on_hold", 1)
    relay = app.state.event_relay
    assert await relay.relay_once(clock.now) == 5
    assert await relay.relay_once(clock.now) == 0  # each sent once

    transport = httpx.ASGITransport(app=agencies_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://agencies") as agencies:
        async def feed(agency: str) -> list[dict]:
            headers = identity_headers(role="agency", subject=f"key:{agency}", agency=agency)
            events, after = [], None
            while True:
                page = (await agencies.get("/events", headers=headers, params={"size": 100,
                                                                              **({"after": after} if after else {})}))
                assert page.status_code == 200, page.text
                events += [e for e in page.json()["items"] if e["subject"] == f"application/{application['id']}"]
                after = page.json()["next"]
                if not page.json()["has_more"]:
                    return events

        reviewing = await feed(REVIEWING)
        assert [e["type"] for e in reviewing] == ["application.submitted", "application.nominated",
                                                  "application.recommended", "notice.published",
                                                  "application.objection_filed"]
        assert [e["data"]["status"] for e in reviewing] == ["submitted", "nominated", "recommended", "public_notice",
                                                            "on_hold"]
        for event in reviewing:
            assert event["source"] == "applications" and event["agencies"] == sorted([REVIEWING, CITY])
            assert event["data"] == {"application_id": application["id"], "program_code": PROGRAM,
                                     "status": event["data"]["status"]}
        assert [e["id"] for e in await feed(CITY)] == [e["id"] for e in reviewing]
        assert await feed(OTHER_CITY) == []
