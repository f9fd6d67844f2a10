"""Helpers for the agencies tests: callers' headers, a frozen clock, filing reports."""

from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from agencies.config import SERVICE_DIR
from agencies.deps import current_time
from servicekit.testing import identity_headers

PLAN = "liaoning-2018-2020"
PLANS = SERVICE_DIR.parents[1] / "plans"
LIAONING = PLANS / "liaoning-2018-2020.yaml"
EXAMPLE = PLANS / "example-other-plan.yaml"


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


def freeze_time(app: FastAPI, moment: datetime) -> None:
    """Make the service believe it is `moment` (UTC) for the rest of the test."""
    app.dependency_overrides[current_time] = lambda: moment.astimezone(UTC)


def report_body(period: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
    return {"period": period, "value": value, "unit": unit, "narrative": "按计划推进。",
            "evidence": ["https://example.gov.cn/evidence/1"], **extra}


async def file_report(client: httpx.AsyncClient, deliverable: str, headers: dict[str, str], period: str,
                      value: float, unit: str, **extra: Any) -> httpx.Response:
    return await client.post(f"/deliverables/{deliverable}/reports", headers=headers,
                             json=report_body(period, value, unit, **extra))
