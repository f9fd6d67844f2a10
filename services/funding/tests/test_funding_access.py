"""Who may read funding data. Awards name their grantees, so an agency's API key needs the `funding:read` scope
on every route that answers staff: a key holding any other scope is refused before anything is read. Staff who
signed in (reviewers) and admins need no scope; agency callers see only the programs their agency leads."""

import pytest

from funding_factories import create_program_budget, create_reservation, create_rules
from funding_testkit import admin, agency_key, reviewer

YEAR = 2019
LEAD = "prov-org-dept"  # leads t01-young-top
OTHER_SCOPES = ["applications:read", "applications:review", "reports:write", "reports:review"]
STAFF_ROUTES = [
    "/awards",
    "/awards/ap-1",
    "/budgets",
    f"/budgets/t01-young-top/{YEAR}",
    "/reports/awards?program_code=t01-young-top",
]


@pytest.fixture
async def award(client):
    await create_rules(client)
    await create_program_budget(client, "t01-young-top", YEAR, 100_000_000)
    await create_reservation(client, "ap-1", "t01-young-top", YEAR, grantee_ref="id-330", grantee_name="王五")


@pytest.mark.parametrize("scope", OTHER_SCOPES)
async def test_a_key_without_funding_read_reads_nothing(client, award, scope):
    for path in STAFF_ROUTES:
        refused = await client.get(path, headers=agency_key(LEAD, scope))
        assert (refused.status_code, refused.json()["code"], refused.json()["required_scope"]) == (
            403, "scope_missing", "funding:read"), path
        assert "王五" not in refused.text


async def test_a_key_with_funding_read_reads_its_agencys_programs(client, award):
    for path in STAFF_ROUTES:
        response = await client.get(path, headers=agency_key(LEAD, "funding:read"))
        assert response.status_code == 200, (path, response.text)
    read = (await client.get("/awards/ap-1", headers=agency_key(LEAD, "funding:read"))).json()
    assert (read["grantee_ref"], read["grantee_name"]) == ("id-330", "王五")
    everything = agency_key(LEAD, "funding:read", *OTHER_SCOPES)
    assert (await client.get("/awards/ap-1", headers=everything)).status_code == 200


async def test_a_key_of_another_agency_is_refused_the_program(client, award):
    other = agency_key("prov-hrss-dept", "funding:read")
    refused = await client.get("/awards/ap-1", headers=other)
    assert (refused.status_code, refused.json()["code"]) == (403, "program_not_yours")
    assert (await client.get("/awards", headers=other)).json()["items"] == []
    assert (await client.get("/budgets", headers=other)).json() == []


async def test_signed_in_staff_and_admins_need_no_scope(client, award):
    for path in STAFF_ROUTES:
        assert (await client.get(path, headers=reviewer(LEAD))).status_code == 200, path
        assert (await client.get(path, headers=admin())).status_code == 200, path


async def test_public_reports_and_rules_need_no_scope(client, award):
    for path in ("/reports/programs", "/reports/agencies", "/reports/cities", "/rules", "/rules/t01-young-top"):
        assert (await client.get(path, headers=agency_key(LEAD, "reports:write"))).status_code == 200, path
        assert (await client.get(path)).status_code == 200, path
