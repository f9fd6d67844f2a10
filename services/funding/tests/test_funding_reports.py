"""Reports per program & year, per lead agency and per city (public), and per award (staff), as JSON, CSV, XLSX."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from funding_factories import create_program_budget, create_reservation, create_rules
from funding_testkit import admin, agency_key, applications_service, reviewer

YEAR = 2018


@pytest.fixture
async def activity(client):
    await create_rules(client)
    await create_program_budget(client, "t01-young-top", YEAR, 200_000_001)
    await create_program_budget(client, "t04-foreign-expert", YEAR, 1_000_000)
    await create_program_budget(client, "t05-local-living-subsidy", YEAR, 300_000, city_code="city-dalian")
    for approval, city in (("a", "city-dalian"), ("b", "city-anshan"), ("c", "city-dalian")):
        await create_reservation(client, approval, "t01-young-top", YEAR, city_code=city,
                                 grantee_name=f"受资助人{approval}", installments=[60, 40])
    for approval in ("a", "b"):
        assert (await client.post(f"/reservations/{approval}/post", headers=applications_service())).status_code == 201
    assert (await client.post("/awards/a/disbursements", json={"installment": 1}, headers=admin())).status_code == 201


async def test_program_report_figures(client, activity):
    report = (await client.get("/reports/programs", params={"fiscal_year": YEAR})).json()
    rows = {row["program_code"]: row for row in report["rows"]}
    young = rows["t01-young-top"]
    assert {k: young[k] for k in ("appropriated", "reserved", "committed", "disbursed", "available", "awards")} == {
        "appropriated": 200_000_001, "reserved": 50_000_000, "committed": 100_000_000, "disbursed": 30_000_000,
        "available": 50_000_001, "awards": 2}
    assert (young["program_name"], young["task_number"]) == ("青年拔尖人才资助", 1)
    assert report["totals"]["appropriated"] == 200_000_001 + 1_000_000 + 300_000


async def test_agency_and_city_reports(client, activity):
    agencies = {r["agency_code"]: r for r in (await client.get("/reports/agencies", params={"fiscal_year": YEAR})
                                              ).json()["rows"]}
    assert agencies["prov-org-dept"]["agency_name"] == "省委组织部"
    assert agencies["prov-org-dept"]["committed"] == 100_000_000
    assert agencies["prov-hrss-dept"]["appropriated"] == 1_300_000
    cities = {r["city_code"]: r for r in (await client.get("/reports/cities", params={"fiscal_year": YEAR})
                                          ).json()["rows"]}
    assert (cities["city-dalian"]["appropriated"], cities["city-dalian"]["committed"],
            cities["city-dalian"]["reserved"], cities["city-dalian"]["city_name"]) == (300_000, 50_000_000,
                                                                                     50_000_000, "大连市")
    assert cities["city-anshan"]["committed"] == 50_000_000


async def test_csv_has_chinese_headers_and_exact_yuan(client, activity):
    response = await client.get("/reports/programs", params={"fiscal_year": YEAR, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == f'attachment; filename="funding-programs-{YEAR}.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    young = next(r for r in rows if r["项目代码"] == "t01-young-top")
    assert (young["预算拨款（元）"], young["可用余额（元）"], young["牵头单位"]) == (
        "2000000.01", "500000.01", "prov-org-dept、prov-science-tech-dept")


async def test_xlsx_opens_with_headers_and_numbers(client, activity):
    response = await client.get("/reports/cities", params={"fiscal_year": YEAR, "format": "xlsx"})
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["城市代码", "城市", "财政年度"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(rows["city-dalian"][header.index("本市获资助已承诺（元）")])) == Decimal("500000")
    assert sheet.cell(row=2, column=4).number_format == "#,##0.00"


async def test_award_list_is_for_the_programs_agency(client, activity):
    org = reviewer("prov-org-dept")
    report = await client.get("/reports/awards", params={"program_code": "t01-young-top"}, headers=org)
    assert report.status_code == 200
    assert sorted(r["award_id"] for r in report.json()["rows"]) == ["a", "b", "c"]
    xlsx = await client.get("/reports/awards", params={"program_code": "t01-young-top", "format": "xlsx"},
                            headers=admin())
    assert load_workbook(io.BytesIO(xlsx.content)).active["E1"].value == "资助对象"
    assert (await client.get("/reports/awards", params={"program_code": "t01-young-top"})).status_code == 401
    other = await client.get("/reports/awards", params={"program_code": "t01-young-top"},
                             headers=agency_key("prov-hrss-dept"))
    assert (other.status_code, other.json()["code"]) == (403, "program_not_yours")


async def test_award_list_is_paged_by_key_and_downloads_whole(client, activity, monkeypatch):
    query = {"program_code": "t01-young-top", "size": 2}
    first = (await client.get("/reports/awards", params=query, headers=admin())).json()
    assert len(first["rows"]) == 2 and first["next"]
    assert first["totals"]["amount"] == sum(r["amount"] for r in first["rows"])
    second = (await client.get("/reports/awards", params={**query, "after": first["next"]}, headers=admin())).json()
    assert second["next"] is None
    assert sorted(r["award_id"] for r in first["rows"] + second["rows"]) == ["a", "b", "c"]
    bad = await client.get("/reports/awards", params={**query, "after": "bm90LWEtY3Vyc29y"}, headers=admin())
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_cursor")

    # A download holds every row, read in pages of EXPORT_PAGE (made small here to cross a page boundary).
    monkeypatch.setattr("funding.reports.service.EXPORT_PAGE", 2)
    text = (await client.get("/reports/awards", params={"program_code": "t01-young-top", "format": "csv"},
                             headers=admin())).content.decode("utf-8").lstrip("\ufeff")
    assert sorted(r["审批编号"] for r in csv.DictReader(io.StringIO(text))) == ["a", "b", "c"]


async def test_public_reports_never_name_grantees(client, activity):
    for kind in ("programs", "agencies", "cities"):
        response = await client.get(f"/reports/{kind}", params={"format": "csv"})
        assert response.status_code == 200
        assert "受资助人" not in response.content.decode("utf-8")


async def test_bad_report_parameters_are_422(client):
    assert (await client.get("/reports/programs", params={"format": "pdf"})).status_code == 422
    assert (await client.get("/reports/programs", params={"fiscal_year": "x"})).status_code == 422
