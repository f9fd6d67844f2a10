"""Funding rules: imported from the plan file as versioned data; computed by our own evaluator."""

import pytest

from funding.rules.evaluator import compute
from funding_testkit import admin


@pytest.fixture
async def imported(client):
    response = await client.post("/rules/import", json={}, headers=admin())
    assert response.status_code == 200, response.text
    return response.json()


async def test_import_loads_every_rule_once(client, imported):
    rules = (await client.get("/rules")).json()
    assert imported["plan"] == "liaoning-2018-2020"
    assert len(rules) == len(imported["new_versions"]) and imported["unchanged"] == 0
    again = (await client.post("/rules/import", json={}, headers=admin())).json()
    assert (again["new_versions"], again["unchanged"]) == ([], len(rules))
    team = next(r for r in rules if r.get("code") == "t03-team")
    assert team["kind"] == "tiered_team" and team["version"] == 1
    assert team["params"]["per_extra_member_fen"] == 20_000_000
    assert team["lead_agencies"] == ["prov-org-dept", "prov-science-tech-dept"]
    assert "每多增加1人，给予团队20万元资助，资助总额最高为100万元" in team["quote"]


async def test_a_changed_rule_gets_a_new_version(client, imported, tmp_path):
    source = (client._transport.app.state.settings.plans_dir / "liaoning-2018-2020.yaml").read_text(encoding="utf-8")
    changed = source.replace("amount_yuan: 3000000", "amount_yuan: 3100000", 1)
    assert changed != source
    (tmp_path / "liaoning-2018-2020.yaml").write_text(changed, encoding="utf-8")
    settings = client._transport.app.state.settings
    original = settings.plans_dir
    settings.plans_dir = tmp_path
    try:
        result = (await client.post("/rules/import", json={}, headers=admin())).json()
    finally:
        settings.plans_dir = original
    assert result["new_versions"] == ["t01-outstanding@2"]
    current = (await client.get("/rules/t01-outstanding")).json()
    assert (current["version"], current["params"]["amount_fen"]) == (2, 310_000_000)
    first = (await client.get("/rules/t01-outstanding", params={"version": 1})).json()
    assert first["params"]["amount_fen"] == 300_000_000


async def test_import_needs_an_admin_and_a_known_plan(client):
    assert (await client.post("/rules/import", json={})).status_code == 401
    missing = await client.post("/rules/import", json={"plan": "no-such-plan"}, headers=admin())
    assert (missing.status_code, missing.json()["code"]) == (422, "plan_not_found")
    traversal = await client.post("/rules/import", json={"plan": "../etc/passwd"}, headers=admin())
    assert traversal.status_code == 422


@pytest.mark.parametrize(("code", "inputs", "amount"), [
    ("t01-outstanding", {}, 300_000_000),
    ("t01-young-top", {"count": 3}, 150_000_000),
    ("t03-team", {"tier": "tier-1"}, 100_000_000),
    ("t03-team", {"tier": "tier-2", "extra_members": 2}, 340_000_000),
    ("t03-team", {"tier": "tier-3", "extra_members": 5}, 600_000_000),
    ("t03-team", {"tier": "first-class", "extra_members": 9}, 1_100_000_000),
    ("t04-national-project-matching", {"base_amount_fen": 123_457}, 123_457),
    ("t07-craftsman-technician-allowance", {"months": 12}, 3_600_000),
    ("t07-craftsman-technician-allowance", {"months": 2, "monthly_fen": 450_000}, 900_000),
    ("t07-liaoning-craftsman", {}, 10_000_000),
    ("t07-startup-guidance-training-subsidy", {"count": 7}, 350_000),
    ("t09-graduate-startup-loan", {"requested_fen": 20_000_000}, 10_000_000),
    ("t09-graduate-startup-loan", {"requested_fen": 5_000_000}, 5_000_000),
    ("t17-transfer-licensing-reward", {"base_amount_fen": 1001}, 701),
    ("t11-academician-workstation", {"amount_fen": 5_000_000}, 5_000_000),
])
async def test_compute_each_kind(client, imported, code, inputs, amount):
    response = await client.post(f"/rules/{code}/compute", json=inputs)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["amount_fen"] == amount
    assert body["quote"] == body["rule"]["quote"] and body["quote"]
    assert body["explanation_zh"] and body["explanation_en"]


@pytest.mark.parametrize(("code", "inputs", "problem"), [
    ("t03-team", {}, "rule_input_invalid"),
    ("t03-team", {"tier": "tier-9"}, "rule_input_invalid"),
    ("t07-craftsman-technician-allowance", {"months": 1, "monthly_fen": 299_999}, "rule_input_invalid"),
    ("t11-academician-workstation", {}, "rule_amount_unspecified"),
    ("t01-outstanding", {"count": 1.5}, "validation_failed"),
    ("t01-outstanding", {"formula": "__import__('os')"}, "validation_failed"),
])
async def test_compute_refuses_bad_inputs(client, imported, code, inputs, problem):
    response = await client.post(f"/rules/{code}/compute", json=inputs)
    assert (response.status_code, response.json()["code"]) == (422, problem)


async def test_unknown_rule_is_404(client, imported):
    response = await client.post("/rules/nope/compute", json={})
    assert (response.status_code, response.json()["code"]) == (404, "rule_not_found")


def test_matching_rounds_down_and_respects_a_cap():
    params = {"ratio_numerator": 1, "ratio_denominator": 3, "ratio_is_maximum": False, "cap_fen": 1000, "base": "x"}
    assert compute("m", "matching", params, "project", {"base_amount_fen": 100}).amount_fen == 33
    assert compute("m", "matching", params, "project", {"base_amount_fen": 9000}).amount_fen == 1000
    assert compute("m", "matching", params, "project", {"base_amount_fen": 9000,
                                                         "already_matched_fen": 990}).amount_fen == 10


def test_team_extra_members_are_capped_exactly():
    params = {"tiers": [{"code": "a", "name": "A", "amount_fen": 100}], "per_extra_member_fen": 20,
              "extra_members_cap_fen": 100}
    assert [compute("t", "tiered_team", params, "team", {"tier": "a", "extra_members": n}).amount_fen
            for n in (0, 4, 5, 6, 50)] == [100, 180, 200, 200, 200]
