"""Programs come from the plan's programs file; amounts from the funding rules; the loader is idempotent and
generic (a second plan loads the same way); administrators add and price the programs the plan leaves open."""

import asyncio
import json
import shutil

import pytest
from sqlalchemy import func, select

from applications.config import ApplicationsSettings
from applications.main import create_app
from applications.models import AuditLog, Program
from applications.plan_cli import load_plan_files
from applications.plan_loader import PlanLoadError
from applications_factories import open_call
from applications_testkit import PLAN_FILES, PLANS, admin, applicant
from planfile import load_plan_file
from servicekit.database import standalone_session
from servicekit.testing import rolled_back_app


async def test_the_plans_programs_are_listed_with_amounts_from_their_rules(client):
    response = await client.get("/programs", params={"plan": "liaoning-2018-2020", "size": 100})
    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 27
    by_code = {p["code"]: p for p in page["items"]}
    outstanding = by_code["t01-outstanding"]
    assert (outstanding["name"], outstanding["task_number"], outstanding["applicant_type"]) == \
           ("杰出人才培养支持", 1, "person")
    assert outstanding["reviewing_agency"] == {"code": "prov-science-tech-dept", "name": "省科技厅",
                                               "name_en": "Provincial Department of Science and Technology"}
    assert (outstanding["amount"]["status"], outstanding["amount"]["amount_fen"],
            outstanding["amount"]["amount_yuan"]) == ("computed", 300_000_000, "3000000")
    assert outstanding["plan_quota"] == 10 and outstanding["plan_quota_approximate"] is True
    tier = by_code["t03-team-tier-1"]["amount"]
    # 100 万元 for the tier; with extra members at 20 万元 each, capped at 100 万元 more.
    assert (tier["amount_fen"], tier["max_amount_fen"]) == (100_000_000, 200_000_000)
    assert by_code["t11-academician-workstation"]["amount"]["status"] == "not_decided"
    assert by_code["t05-postdoc-workstation"]["reviewing_agency"]["code"] == "prov-hrss-dept"  # the task's lead


async def test_a_program_shows_its_clause_form_score_sheet_and_nominators(client):
    program = (await client.get("/programs/t02-young-top")).json()
    assert program["quote"].startswith("200名左右青年拔尖人才")
    assert program["form"] == {"code": "talent-person", "version": 1, "title": "人才项目申报书",
                               "title_en": "Talent programme application form"}
    assert [c["code"] for c in program["score_sheet"]["criteria"]] == ["achievements", "potential", "contribution",
                                                                        "integrity"]
    assert len(program["nominators"]) == 16 and program["nominators"][0]["name"] == "沈阳市"
    assert program["eligibility"]["age_max"] == {"years": 40, "cutoff": "01-01", "variants": [
        {"gender": "female", "discipline": None, "years": 43}, {"gender": None, "discipline": "social-science",
                                                                "years": 45}]}
    form = (await client.get("/programs/t02-young-top/form")).json()
    assert form["json_schema"]["properties"]["applicant_name"]["title"] == "姓名"
    assert form["json_schema"]["properties"]["applicant_name"]["x-title-en"] == "Full name"
    assert (await client.get("/forms/talent-person", params={"version": 1})).json() == form
    missing = await client.get("/programs/no-such-program")
    assert (missing.status_code, missing.json()["code"]) == (404, "program_not_found")


async def test_filters_find_programs_by_task_agency_applicant_type_and_words(client):
    async def codes(**params):
        return [p["code"] for p in (await client.get("/programs", params={**params, "size": 100})).json()["items"]]

    assert await codes(task=3) == ["t03-team-first-class", "t03-team-tier-1", "t03-team-tier-2", "t03-team-tier-3"]
    assert await codes(agency="prov-org-dept", applicant_type="person") == [
        "t01-national-programme-matching", "t01-social-science-leader", "t01-young-top", "t02-academician"]
    assert await codes(q="博士后") == ["t05-postdoc-innovation-base", "t05-postdoc-living-subsidy",
                                     "t05-postdoc-workstation"]
    assert await codes(plan="example-2031-2032") == ["example-young-talent", "example-team-a"]


async def test_an_admin_prices_an_open_program_and_it_is_audited(client):
    forbidden = await client.patch("/programs/t11-academician-workstation", headers=applicant(),
                                   json={"decided_amount_fen": 50_000_000})
    assert forbidden.status_code == 403
    response = await client.patch("/programs/t11-academician-workstation", headers=admin(),
                                  json={"decided_amount_fen": 50_000_000})
    assert response.status_code == 200
    assert response.json()["amount"]["status"] == "computed"
    assert response.json()["amount"]["amount_fen"] == 50_000_000
    audit = (await client.get("/audit", headers=admin(), params={"entity_id": "t11-academician-workstation"})).json()
    assert audit["items"][0]["action"] == "program.update"
    assert audit["items"][0]["before"]["decided_amount_fen"] is None
    assert audit["items"][0]["after"]["decided_amount_fen"] == 50_000_000
    fixed = await client.patch("/programs/t01-outstanding", headers=admin(), json={"decided_amount_fen": 1})
    assert (fixed.status_code, fixed.json()["code"]) == (422, "program_amount_fixed")


async def test_an_admin_adds_a_program_only_for_a_rule_the_plan_leaves_open(client):
    body = {"code": "t19-platform-award-2019", "rule_code": "t19-national-platform-award", "name": "国家级创新平台奖补",
            "name_en": "National platform award", "applicant_type": "institution",
            "reviewing_agency": "prov-science-tech-dept", "nominators": ["city-shenyang", "city-dalian"],
            "form_code": "institution", "form_version": 1, "award_kind": "national-platform",
            "score_sheet": {"criteria": [{"code": "merit", "name": "综合评价", "name_en": "Merit", "max_points": 100}]},
            "min_experts": 2, "decided_amount_fen": 100_000_000}
    created = await client.post("/programs", headers=admin(), json=body)
    assert created.status_code == 201, created.text
    program = created.json()
    assert (program["source"], program["task_number"], program["amount"]["amount_fen"]) == ("admin", 19, 100_000_000)
    assert program["quote"].startswith("对新认定的国家级重点实验室")
    again = await client.post("/programs", headers=admin(), json=body)
    assert (again.status_code, again.json()["code"]) == (409, "program_exists")
    fixed = await client.post("/programs", headers=admin(), json={**body, "code": "x-1", "rule_code": "t01-young-top",
                                                                   "applicant_type": "person"})
    assert (fixed.status_code, fixed.json()["code"]) == (422, "rule_not_applicable")
    stranger = await client.post("/programs", headers=admin(), json={**body, "code": "x-2",
                                                                      "reviewing_agency": "prov-audit-dept"})
    assert (stranger.status_code, stranger.json()["code"]) == (422, "not_task_owner")


async def test_a_call_for_an_unpriced_program_is_refused(client):
    response = await client.post("/calls", headers=admin(), json={
        "program_code": "t13-transfer-service-base", "year": 2019, "opens_at": "2019-03-01T09:00:00",
        "closes_at": "2019-04-30T17:00:00", "quota_total": 5})
    assert (response.status_code, response.json()["code"]) == (409, "amount_not_decided")


async def test_when_funding_is_down_the_catalog_still_answers_and_says_so(database_url):
    # Nothing listens on port 9 of this machine: every call to funding is refused.
    app = create_app(ApplicationsSettings(database_url=database_url, plans_dir=PLANS, funding_url="http://127.0.0.1:9",
                                          saga_worker=False, event_relay=False, openapi_at_startup=False))
    async with rolled_back_app(app, database_url) as client:
        program = await client.get("/programs/t01-young-top")
        assert program.status_code == 200
        assert program.json()["amount"]["status"] == "unavailable"
        call = await client.post("/calls", headers=admin(), json={
            "program_code": "t01-young-top", "year": 2019, "opens_at": "2019-03-01T09:00:00",
            "closes_at": "2019-04-30T17:00:00", "quota_total": 5})
        assert call.status_code == 201  # opening a call does not need the amount of a fixed rule
        filtered = await client.get("/calls", params={"amount_min": 1})
        assert (filtered.status_code, filtered.json()["code"]) == (503, "funding_unavailable")
        assert filtered.headers["retry-after"] == "5"


def test_loading_again_changes_nothing_and_a_changed_form_version_is_refused(database_url, tmp_path):
    plans = [load_plan_file(p) for p in PLAN_FILES]

    async def audit_rows() -> int:
        async with standalone_session(database_url, write=False) as session:
            return await session.scalar(select(func.count()).select_from(AuditLog))

    before = asyncio.run(audit_rows())
    summaries = asyncio.run(load_plan_files(database_url, plans, PLANS))
    assert [s.changed for s in summaries] == [False, False]
    assert summaries[0].unchanged["programs"] == 27 and summaries[1].unchanged["programs"] == 2
    assert asyncio.run(audit_rows()) == before
    copied = tmp_path / "plans"
    shutil.copytree(PLANS, copied)
    form_path = copied / "forms" / "talent-person.v1.json"
    form = json.loads(form_path.read_text())
    form["title"] = "人才项目申报书（改）"
    form_path.write_text(json.dumps(form, ensure_ascii=False))
    with pytest.raises(PlanLoadError, match="talent-person@1 differs"):
        asyncio.run(load_plan_files(database_url, plans, copied))


async def test_programs_of_the_second_plan_use_its_own_agencies(client):
    program = (await client.get("/programs/example-team-a")).json()
    assert program["reviewing_agency"]["name"] == "省科技厅"  # the lead of the example plan's task 2
    assert [n["name"] for n in program["nominators"]] == ["甲市", "乙市", "丙市"]
    assert program["amount"]["amount_fen"] == 50_000_000
    call = await open_call(client, "example-young-talent", year=2031, total=3)
    assert call["eligibility"]["age_max"]["cutoff_date"] == "2031-06-30"


async def test_programs_are_stored_once_per_code(database_url):
    async with standalone_session(database_url, write=False) as session:
        codes = list(await session.scalars(select(Program.code)))
    assert len(codes) == len(set(codes)) == 29
