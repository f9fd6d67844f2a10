"""Test data made through the applications API: fictional applicants with valid resident ID numbers, calls
opened by an administrator, and applications driven to any state of the workflow."""

import itertools
from datetime import date, datetime, timedelta
from typing import Any

import httpx

from applications_testkit import CITY, IN_WINDOW, PROGRAM, REVIEWING, act, admin, applicant, expert, must, reviewer
from servicekit.clock import CHINA_TIME
from servicekit.testing import identity_headers

_counter = itertools.count(1)


def resident_id(born: date, *, male: bool, serial: int = 1) -> str:
    """A valid (checksummed) resident ID number of a fictional person born in 沈阳市和平区."""
    body = f"210102{born:%Y%m%d}{serial % 100:02d}{(1 if male else 2) + 2 * (serial % 4)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def personal(born: date = date(1985, 6, 1), *, male: bool = True, serial: int | None = None) -> dict[str, Any]:
    n = serial if serial is not None else next(_counter)
    return {"id_type": "resident_id", "id_number": resident_id(born, male=male, serial=n),
            "phone": f"139{n:08d}", "email": f"applicant{n}@example.com"}


def person_form(**overrides: Any) -> dict[str, Any]:
    return {"applicant_name": "演示人甲", "unit": "沈阳示例大学", "position": "教授", "discipline": "engineering",
            "highest_degree": "doctorate", "research_field": "工业机器人", "full_time_in_province": True,
            "achievements": "主持国家级项目三项，发表高水平论文二十余篇，成果已在省内企业转化应用。",
            "projects": [{"name": "示例项目", "role": "leader", "year": 2017}], "declaration": True, **overrides}


async def open_call(client: httpx.AsyncClient, program: str = PROGRAM, *, year: int = 2019, total: int = 10,
                    allocations: dict[str, int] | None = None, **extra: Any) -> dict[str, Any]:
    body = {"program_code": program, "year": year, "opens_at": f"{year}-03-01T09:00:00",
            "closes_at": f"{year}-04-30T17:00:00", "quota_total": total,
            "allocations": [{"agency_code": a, "size": s} for a, s in (allocations or {}).items()], **extra}
    response = await client.post("/calls", headers=admin(), json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def draft(client: httpx.AsyncClient, call_id: int, who: int = 1, *, nominator: str = CITY,
                form: dict[str, Any] | None = None, person: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await client.post("/applications", headers=applicant(who), json={
        "call_id": call_id, "nominating_agency": nominator, "form_data": form or person_form(),
        "personal": person or personal()})
    assert response.status_code == 201, response.text
    return response.json()


async def score_by_experts(client: httpx.AsyncClient, application_id: int, count: int) -> None:
    """`count` experts assigned by the reviewing agency, each declaring no conflict and scoring."""
    for n in range(1, count + 1):
        assignment = await must(await client.post(f"/applications/{application_id}/experts", headers=reviewer(
            REVIEWING), json={"expert": f"user:{5000 + n}", "expert_name": f"专家{n}"}), 201)
        await must(await client.post(f"/reviews/assignments/{assignment['id']}/declaration", headers=expert(n),
                                     json={"declaration": "no_conflict"}))
        await must(await client.put(f"/reviews/assignments/{assignment['id']}/score-sheet", headers=expert(n), json={
            "scores": {"achievements": 35, "potential": 25, "contribution": 15, "integrity": 9},
            "comment": "业绩突出，建议支持。"}))


# The path through the workflow to each state: (action, who) steps from a draft; `notice` and `objection`
# stand for publishing the call's notice and filing an objection.
PATHS: dict[str, list[str]] = {
    "draft": [],
    "submitted": ["submit"],
    "nominated": ["submit", "nominate"],
    "formal_review": ["submit", "nominate", "start_formal_review"],
    "returned": ["submit", "nominate", "start_formal_review", "return_for_revision"],
    "expert_review": ["submit", "nominate", "start_formal_review", "pass_formal_review"],
    "recommended": ["submit", "nominate", "start_formal_review", "pass_formal_review", "experts", "recommend"],
    "public_notice": ["submit", "nominate", "start_formal_review", "pass_formal_review", "experts", "recommend",
                      "notice"],
    "on_hold": ["submit", "nominate", "start_formal_review", "pass_formal_review", "experts", "recommend", "notice",
                "objection"],
    "ready_for_decision": ["submit", "nominate", "start_formal_review", "pass_formal_review", "experts", "recommend",
                           "notice", "conclude"],
    "withdrawn": ["withdraw"],
    "rejected": ["submit", "decline"],
}
STEP_ACTOR = {"submit": "owner", "withdraw": "owner", "resubmit": "owner", "nominate": "nominator",
              "decline": "nominator"}


async def drive(client: httpx.AsyncClient, frozen_clock, call: dict[str, Any], state: str, who: int,  # noqa: ANN001
                ) -> dict[str, Any]:
    """A fresh application of applicant `who` in `state`, made through the API (the clock ends in the window,
    or after the notice for ready_for_decision)."""
    frozen_clock.move_to(IN_WINDOW)
    application = await draft(client, call["id"], who)
    app_id = application["id"]
    for step in PATHS[state]:
        if step == "experts":
            await score_by_experts(client, app_id, 3)
        elif step == "notice":
            await must(await client.post(f"/calls/{call['id']}/notices", headers=reviewer(REVIEWING),
                                         json={"application_ids": [app_id]}), 201)
        elif step == "objection":
            notice = (await client.get("/notices", params={"call_id": call["id"]})).json()[0]
            await must(await client.post(f"/notices/{notice['id']}/objections", json={
                "application_id": app_id, "filer_name": "异议人", "filer_contact": "13800000000",
                "reason": "申报材料中的获奖情况与事实不符。"}), 201)
        elif step == "conclude":
            notice = (await client.get("/notices", params={"call_id": call["id"]})).json()[0]
            day_after = date.fromisoformat(notice["ends_on"]) + timedelta(days=1)
            frozen_clock.move_to(datetime.combine(day_after, datetime.min.time(), CHINA_TIME))
            await must(await client.post(f"/notices/{notice['id']}/conclude", headers=reviewer(REVIEWING)))
        else:
            who_acts = {"owner": applicant(who), "nominator": reviewer(CITY)}.get(STEP_ACTOR.get(step, ""),
                                                                                  reviewer(REVIEWING))
            await must(await act(client, app_id, step, who_acts))
    current = await must(await client.get(f"/applications/{app_id}", headers=admin()))
    assert current["state"] == state
    return current


async def fund(funding: httpx.AsyncClient, program: str, year: int, available_fen: int) -> None:
    """The program's budget of `year` at funding (the real service) left with exactly `available_fen`
    available, whatever earlier tests reserved or committed from it."""
    admin_headers = identity_headers(role="admin", subject="user:1000")
    response = await funding.get(f"/budgets/{program}/{year}", headers=admin_headers)
    available = response.json()["figures"]["available"] if response.status_code == 200 else 0
    if available != available_fen:
        response = await funding.post(f"/budgets/{program}/{year}/adjustments", headers=admin_headers, json={
            "amount_fen": available_fen - available, "reason": "测试预算 / test budget"})
        assert response.status_code == 201, response.text
