"""Applications brought to "ready for decision" through the applications API, for the approval saga's
cross-process tests and bench/approvals.py: an applications app in this process on the service's database (its
clock frozen in the 2019 call's window, then moved past the public notice), calling the real funding service
for the amounts. One application per nominating agency takes the whole workflow; the others like it are copies
of its row, made in one statement (taking 200 applications through ten requests each cost the approval tests
most of their time). The decisions themselves then go to the running processes."""

import asyncio
import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

from applications.config import ApplicationsSettings
from applications.main import create_app
from applications.models import Application
from servicekit.clock import CHINA_TIME
from servicekit.database import standalone_session
from servicekit.testing import committing_app, identity_headers

YEAR = 2019
IN_WINDOW = datetime(2019, 3, 11, 2, 0, tzinfo=UTC)
PLANS = Path(__file__).resolve().parents[1] / "plans"
_people = itertools.count(1)


def admin() -> dict[str, str]:
    return identity_headers(role="admin", subject="user:1000")


def reviewer(agency: str) -> dict[str, str]:
    return identity_headers(role="reviewer", subject="user:900", agency=agency)


def applicant(n: int) -> dict[str, str]:
    return identity_headers(role="applicant", subject=f"user:{n}")


def expert(n: int) -> dict[str, str]:
    return identity_headers(role="expert", subject=f"user:{n}")


def resident_id(born: date, serial: int) -> str:
    body = f"210102{born:%Y%m%d}{serial % 100:02d}{1 + 2 * (serial % 4)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


FORM = {"applicant_name": "并发测试人", "unit": "沈阳示例大学", "position": "教授", "discipline": "engineering",
        "highest_degree": "doctorate", "research_field": "工业机器人", "full_time_in_province": True,
        "achievements": "主持国家级项目三项，发表高水平论文二十余篇，成果已在省内企业转化应用。",
        "projects": [{"name": "示例项目", "role": "leader", "year": 2017}], "declaration": True}
SCORES = {"achievements": 35, "potential": 25, "contribution": 15, "integrity": 9}


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text[:400]}"
    return response.json() if response.content else None


async def ready_for_decision(database_url: str, funding_url: str, frozen_clock, program: str,  # noqa: ANN001
                             reviewing: str, nominators: list[str], total: int,
                             allocations: dict[str, int] | None = None) -> tuple[dict, list[int]]:
    """A 2019 call of `program` and one application per nominator entry, each ready for decision (in the order
    of `nominators`): the first of each nominator through the workflow, the rest copies of it."""
    # The platform's own applications process relays the events written here.
    settings = ApplicationsSettings(database_url=database_url, saga_worker=False, event_relay=False,
                                    openapi_at_startup=False, funding_url=funding_url, plans_dir=PLANS)
    frozen_clock.move_to(IN_WINDOW)
    async with committing_app(create_app(settings)) as api:
        ok(await api.patch(f"/programs/{program}", headers=admin(), json={"min_experts": 1}))
        call = ok(await api.post("/calls", headers=admin(), json={
            "program_code": program, "year": YEAR, "opens_at": f"{YEAR}-03-01T09:00:00",
            "closes_at": f"{YEAR}-04-30T17:00:00", "quota_total": total,
            "allocations": [{"agency_code": a, "size": s} for a, s in (allocations or {}).items()]}), 201)
        gate = asyncio.Semaphore(6)

        async def one(nominator: str) -> int:
            async with gate:
                n = next(_people)
                born = date(1985, 1, 1) + timedelta(days=n % 3000)
                application = ok(await api.post("/applications", headers=applicant(70000 + n), json={
                    "call_id": call["id"], "nominating_agency": nominator, "form_data": FORM,
                    "personal": {"id_type": "resident_id", "id_number": resident_id(born, n),
                                 "phone": f"139{n:08d}", "email": f"saga{n}@example.com"}}), 201)
                path = f"/applications/{application['id']}"
                for action, who in (("submit", applicant(70000 + n)), ("nominate", reviewer(nominator)),
                                    ("start_formal_review", reviewer(reviewing)),
                                    ("pass_formal_review", reviewer(reviewing))):
                    ok(await api.post(f"{path}/transitions", headers=who, json={"action": action}))
                assignment = ok(await api.post(f"{path}/experts", headers=reviewer(reviewing), json={
                    "expert": f"user:{90000 + n}", "expert_name": "评审专家"}), 201)
                ok(await api.post(f"/reviews/assignments/{assignment['id']}/declaration", headers=expert(90000 + n),
                                  json={"declaration": "no_conflict"}))
                ok(await api.put(f"/reviews/assignments/{assignment['id']}/score-sheet", headers=expert(90000 + n),
                                 json={"scores": SCORES, "comment": "业绩突出，建议支持。"}))
                ok(await api.post(f"{path}/transitions", headers=reviewer(reviewing), json={"action": "recommend"}))
                return application["id"]

        distinct = list(dict.fromkeys(nominators))
        templates = dict(zip(distinct, await asyncio.gather(*(one(n) for n in distinct)), strict=True))
        notice = ok(await api.post(f"/calls/{call['id']}/notices", headers=reviewer(reviewing),
                                   json={"application_ids": list(templates.values())}), 201)
        day_after = date.fromisoformat(notice["ends_on"]) + timedelta(days=1)
        frozen_clock.move_to(datetime.combine(day_after, datetime.min.time(), CHINA_TIME))
        ok(await api.post(f"/notices/{notice['id']}/conclude", headers=reviewer(reviewing)))
    made = {nominator: iter([template, *await copies(database_url, template, nominators.count(nominator) - 1)])
            for nominator, template in templates.items()}
    return call, [next(made[nominator]) for nominator in nominators]


async def copies(database_url: str, template: int, count: int) -> list[int]:
    """`count` more applications like `template` (ready for decision, each of another applicant)."""
    if count <= 0:
        return []
    columns = [c for c in Application.__table__.columns if c.name not in ("id", "approval_id")]
    async with standalone_session(database_url, write=True) as session:
        row = dict((await session.execute(select(*columns).where(Application.id == template))).one()._mapping)
        rows = [{**row, "applicant_subject": f"user:{template * 1_000_000 + n}"} for n in range(count)]
        return list((await session.execute(insert(Application).returning(Application.id), rows)).scalars().all())
