"""The programs files and forms beside the plans: the real ones load, and broken ones are refused naming the
program and field."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from planfile import PlanFileError, load_plan_file
from planfile.programs import load_form_file, load_programs_file, programs_path

PLANS = Path(__file__).resolve().parents[3] / "plans"
LIAONING = load_plan_file(PLANS / "liaoning-2018-2020.yaml")


def test_the_liaoning_programs_load_with_their_forms():
    programs, forms = load_programs_file(programs_path(PLANS, "liaoning-2018-2020"), LIAONING)
    assert len(programs.programs) == 27
    assert sorted(forms) == ["foreign-expert@1", "innovation-team@1", "institution@1", "talent-person@1"]
    tiers = [p.tier for p in programs.programs if p.rule == "t03-team"]
    assert tiers == ["tier-1", "tier-2", "tier-3", "first-class"]
    assert programs.min_experts_of(programs.programs[0]) == 3


@pytest.fixture
def plans_copy(tmp_path: Path) -> Path:
    shutil.copytree(PLANS / "forms", tmp_path / "forms")
    shutil.copy(programs_path(PLANS, "liaoning-2018-2020"), tmp_path)
    return tmp_path


def problems_after(folder: Path, change) -> list[tuple[str, str]]:  # noqa: ANN001 - edits the parsed file
    path = programs_path(folder, "liaoning-2018-2020")
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(PlanFileError) as caught:
        load_programs_file(path, LIAONING)
    return caught.value.problems


def test_a_program_must_fit_its_rule_and_task(plans_copy):
    def edit(data):
        data["programs"][0]["rule"] = "t17-main-contributor-share"
        data["programs"][1]["applicant_type"] = "team"
        data["programs"][2]["reviewing_agency"] = "prov-audit-dept"
        data["programs"][3]["nominators"] = ["city-nowhere"]
        data["programs"][4]["code"] = data["programs"][5]["code"]

    problems = problems_after(plans_copy, edit)
    assert ("programs[0].rule", "revenue_share rules are not applied for (their amount needs inputs no application "
                                "carries)") in problems
    assert ("programs[1].applicant_type", "the rule pays per person, so the applicant is a person") in problems
    assert ("programs[2].reviewing_agency", "'prov-audit-dept' neither leads nor shares task 1") in problems
    assert ("programs[3].nominators[0]", "unknown agency code 'city-nowhere'") in problems
    assert any(field == "programs[5].code" for field, _ in problems)


def test_a_tiered_program_names_a_tier_of_its_rule(plans_copy):
    def edit(data):
        next(p for p in data["programs"] if p["rule"] == "t03-team")["tier"] = "tier-9"

    assert any(message == "'tier-9' is not a tier of t03-team" for _, message in problems_after(plans_copy, edit))


def test_a_form_needs_the_fields_a_notice_shows(tmp_path):
    form = json.loads((PLANS / "forms" / "talent-person.v1.json").read_text())
    del form["schema"]["properties"]["unit"]
    path = tmp_path / "talent-person.v1.json"
    path.write_text(json.dumps(form, ensure_ascii=False))
    with pytest.raises(PlanFileError) as caught:
        load_form_file(path)
    assert ("schema.properties.unit", "every form has this required string field") in caught.value.problems
    misnamed = tmp_path / "talent-person.v2.json"
    misnamed.write_text((PLANS / "forms" / "talent-person.v1.json").read_text())
    with pytest.raises(PlanFileError, match="must be named talent-person.v1.json"):
        load_form_file(misnamed)
