"""Sample records for `manage.py start --demo`, made through the public API with the demo accounts, as an
agency would make them. Every creating call carries an Idempotency-Key, so running it at every start
creates each record once."""

import json

import httpx

from devtools.demo_applications import create_demo_applications
from gateway.bootstrap import credentials_file

PLAN_YEARS = (2018, 2019, 2020)

# (deliverable, period, cumulative value, unit, day reported, narrative) reported by 省人力资源社会保障厅's demo key.
# The Liaoning plan ended in 2020, so the demo back-fills its record: each report states the day it was made
# (`reported_on`, accepted for a plan that has ended), within the period's grace days, instead of showing today.
DEMO_REPORTS = [
    ("t05-doctors-postdocs", "2018-Q4", 5200, "人", "2019-01-10", "（演示数据）全年新增储备博士、博士后约 5200 人。"),
    ("t05-doctors-postdocs", "2019-Q2", 9100, "人", "2019-07-08", "（演示数据）截至二季度累计储备约 9100 人。"),
    ("t07-new-skilled-workers", "2019-Q2", 180000, "人", "2019-07-12", "（演示数据）累计新增技能工人 18 万人。"),
]


def create_demo_records(gateway_url: str) -> list[str]:
    if not credentials_file().exists():
        return []
    saved = json.loads(credentials_file().read_text())
    key = {"X-API-Key": saved["api_key"]["key"]}
    reviewer = next(u for u in saved["users"] if u["username"] == "demo-reviewer-hrss")
    lines = []
    with httpx.Client(base_url=f"{gateway_url}/api", timeout=30) as api:
        token = api.post("/auth/login", json={"username": reviewer["username"], "password": reviewer["password"]})
        token.raise_for_status()
        lead = {"Authorization": f"Bearer {token.json()['access_token']}"}
        for code, period, value, unit, reported_on, narrative in DEMO_REPORTS:
            response = api.post(f"/agencies/deliverables/{code}/reports",
                                headers={**key, "Idempotency-Key": f"demo-{code}-{period}"},
                                json={"period": period, "value": value, "unit": unit, "narrative": narrative,
                                      "reported_on": reported_on})
            response.raise_for_status()
            # A replayed POST answers with the first response, so ask for the report as it is now.
            report = api.get(f"/agencies/reports/{response.json()['id']}").json()
            if period == "2018-Q4" and report.get("status") == "pending":
                api.post(f"/agencies/reports/{report['id']}/accept", headers=lead,
                         json={"comment": "（演示）数据核实无误。"}).raise_for_status()
        lines.append(f"· demo: {len(DEMO_REPORTS)} progress reports by prov-hrss-dept (演示进度报告)")
        users = {reviewer["username"]: lead}
        for user in saved["users"]:
            if user["username"] in ("demo-admin", "demo-reviewer-shenyang", "demo-applicant", "demo-applicant-2",
                                    "demo-expert"):
                signed_in = api.post("/auth/login", json={"username": user["username"], "password": user["password"]})
                signed_in.raise_for_status()
                users[user["username"]] = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        lines += import_demo_budgets(api, users["demo-admin"])
        lines += create_demo_applications(api, users)
    return lines


def import_demo_budgets(api: httpx.Client, admin: dict[str, str]) -> list[str]:
    """Each year of the plan's period gets its share of the plan's budgets (once; a later start changes
    nothing), so the funding figures are not all zero on a first start."""
    lines = []
    for year in PLAN_YEARS:
        response = api.post("/funding/budgets/import", headers=admin, json={"fiscal_year": year})
        response.raise_for_status()
        result = response.json()
        new = sum(line["amount_fen"] for line in result["lines"] if line["outcome"] == "appropriated")
        lines.append(f"· demo: budgets {year}: {len(result['lines'])} programs, {new / 100 / 10000:,.0f} 万元 "
                     f"newly appropriated (演示预算)")
    return lines
