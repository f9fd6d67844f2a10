"""Test data for the agencies tests, made through the service's API as callers make it: who calls (the headers
the gateway would forward), and create_* helpers for reports, reviews, approvals and escalations."""

from typing import Any

import httpx
from fastapi import FastAPI

from agencies.config import SERVICE_DIR
from agencies.plan_loading.service import LoadSummary, load_plan
from planfile import PlanFile
from servicekit.testing import identity_headers

PLAN = "liaoning-2018-2020"
EXAMPLE_PLAN = "example-2031-2032"
PLANS = SERVICE_DIR.parents[1] / "plans"
LIAONING = PLANS / "liaoning-2018-2020.yaml"
EXAMPLE = PLANS / "example-other-plan.yaml"
HRSS = "prov-hrss-dept"  # 省人力资源社会保障厅, lead agency of task 5
POSTDOCS = "t05-doctors-postdocs"  # task 5: lead 省人力资源社会保障厅; responsible 省教育厅, 省财政厅, 各市


# --- callers ---------------------------------------------------------------------------------------------


def agency_key(agency: str, *scopes: str) -> dict[str, str]:
    """An agency's API key as the gateway forwards it (scope reports:write unless others are given)."""
    return identity_headers(role="agency", subject=f"key:{agency}", agency=agency,
                            scopes=scopes or ("reports:write",))


def reviewer(agency: str, subject: str = "u2") -> dict[str, str]:
    return identity_headers(role="reviewer", subject=subject, agency=agency)


def admin(subject: str = "root") -> dict[str, str]:
    return identity_headers(role="admin", subject=subject)


def applications_service() -> dict[str, str]:
    return identity_headers(role="service", subject="applications")


# --- records ---------------------------------------------------------------------------------------------


async def create_plan(app: FastAPI, plan_file: PlanFile) -> LoadSummary:
    """Load a plan inside the test's rolled-back transaction, where the app's requests see it."""
    async with app.state.database.sessionmaker() as session:
        summary = await load_plan(session, plan_file)
        await session.commit()
    return summary


def report_body(period: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
    return {"period": period, "value": value, "unit": unit, "narrative": "按计划推进。",
            "evidence": ["https://example.gov.cn/evidence/1"], **extra}


async def create_report(client: httpx.AsyncClient, deliverable: str, headers: dict[str, str], period: str,
                        value: float, unit: str, **extra: Any) -> httpx.Response:
    return await client.post(f"/deliverables/{deliverable}/reports", headers=headers,
                             json=report_body(period, value, unit, **extra))


async def create_accepted_report(client: httpx.AsyncClient, agency: str, period: str, value: float,
                                 deliverable: str = POSTDOCS, unit: str = "人", lead: str = HRSS,
                                 **extra: Any) -> dict[str, Any]:
    """A report by `agency`, accepted by the lead agency `lead`; the accepted report."""
    report = await create_report(client, deliverable, agency_key(agency), period, value, unit, **extra)
    assert report.status_code == 201, report.text
    accepted = await client.post(f"/reports/{report.json()['id']}/accept", headers=reviewer(lead),
                                 json={"comment": "同意"})
    assert accepted.status_code == 200, accepted.text
    return accepted.json()


def approval_body(approval_id: str, program: str, application: str = "app-1",
                  city: str | None = "city-dalian") -> dict[str, Any]:
    body = {"approval_id": approval_id, "program_code": program, "application_id": application}
    return {**body, "city": city} if city else body


async def create_approval(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    """An approval as the applications service records it."""
    return await client.post("/internal/approvals", headers=applications_service(), json=body)


async def create_escalation(client: httpx.AsyncClient, level: str, period: str = "2019-Q1",
                            headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
    """An administrator's escalation of 省人力资源社会保障厅's report on t05-doctors-postdocs, unless told otherwise."""
    body = {"deliverable": POSTDOCS, "agency": HRSS, "period": period, "level": level, "note": "请按期报送", **fields}
    return await client.post("/supervision/escalations", headers=headers or admin(), json=body)
