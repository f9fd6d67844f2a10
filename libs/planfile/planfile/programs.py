"""The programs file beside a plan (`plans/<plan-code>.programs.yaml`) and its application forms
(`plans/forms/<code>.v<version>.json`): which of the plan's funding rules people apply for, and how.

A program names its funding rule (the amount is always the rule's, computed by the funding service), its
applicant type, the agency that reviews it and the ones that may nominate, its form, its expert score sheet
and its eligibility rules. The format is described in plans/README.md; this module parses and cross-checks
the files against their plan and holds no database or HTTP code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints, ValidationError

from planfile.format import PlanFile, PlanFileError, _field_path, _UniqueKeyLoader

__all__ = [
    "AgeLimit",
    "AgeVariant",
    "Eligibility",
    "FormFile",
    "ProgramSpec",
    "ProgramsFile",
    "ScoreCriterion",
    "ScoreSheet",
    "expand_agencies",
    "forms_dir",
    "load_form_file",
    "load_programs_file",
    "programs_path",
]

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
FormRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*@[1-9][0-9]*$", max_length=90)]
MonthDay = Annotated[str, StringConstraints(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
ApplicantType = Literal["person", "team", "institution"]
Gender = Literal["male", "female"]

# Every form has these two fields: a 公示 shows them (name and unit), with the program and the amount.
NOTICE_FIELDS = ("applicant_name", "unit")
# A rule paid per person is applied for by a person, per team by a team, per unit or project by an institution.
APPLICANT_TYPE_BY_PER = {"person": "person", "team": "team", "unit": "institution", "project": "institution"}
# Rule kinds whose amount the rule alone decides (given a tier); `unspecified` is set by an administrator.
APPLICABLE_KINDS = ("fixed_per_person", "fixed_per_unit", "fixed_per_project", "one_off_subsidy",
                    "per_person_subsidy", "tiered_team", "unspecified")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoreCriterion(_Model):
    code: Slug
    name: Text
    name_en: Text
    max_points: Annotated[StrictInt, Field(ge=1, le=1000)]


class ScoreSheet(_Model):
    """What an expert scores: criteria with their maximum points (the sheet's total is their sum)."""

    criteria: tuple[ScoreCriterion, ...] = Field(min_length=1)

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.criteria)


class AgeVariant(_Model):
    """A different age limit for some applicants (as national programs set them: by gender, by discipline)."""

    gender: Gender | None = None
    discipline: Slug | None = None
    years: Annotated[StrictInt, Field(ge=16, le=100)]


class AgeLimit(_Model):
    """Not older than `years` full years on the cut-off day (`cutoff`, month-day in the call's year)."""

    years: Annotated[StrictInt, Field(ge=16, le=100)]
    cutoff: MonthDay = "01-01"
    variants: tuple[AgeVariant, ...] = ()


class Eligibility(_Model):
    age_max: AgeLimit | None = None
    # The form's `full_time_in_province` must be true (全职在本省工作).
    full_time_in_province: StrictBool = False
    # One application per applicant in a cycle (the plan's calls of one year), among programs that say so.
    one_application_per_cycle: StrictBool = False
    # No application while the applicant holds an active award of the program's `award_kind`.
    no_active_award_of_kind: StrictBool = False


class ProgramSpec(_Model):
    code: Slug
    rule: Slug
    tier: Slug | None = Field(default=None, description="For a tiered_team rule: the tier this program funds.")
    name: Text | None = None
    name_en: Text | None = None
    applicant_type: ApplicantType
    reviewing_agency: Slug | None = None
    nominators: tuple[Slug, ...] = Field(min_length=1)
    form: FormRef
    score_sheet: Slug
    min_experts: Annotated[StrictInt, Field(ge=1, le=20)] | None = None
    award_kind: Slug
    eligibility: Eligibility = Eligibility()
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None


class ProgramsFile(_Model):
    format_version: Literal[1]
    plan: Slug
    min_experts: Annotated[StrictInt, Field(ge=1, le=20)] = 3
    score_sheets: dict[Slug, ScoreSheet] = Field(min_length=1)
    programs: tuple[ProgramSpec, ...] = Field(min_length=1)

    def score_sheet(self, program: ProgramSpec) -> ScoreSheet:
        return self.score_sheets[program.score_sheet]

    def min_experts_of(self, program: ProgramSpec) -> int:
        return program.min_experts or self.min_experts


class FormFile(_Model):
    """One version of an application form: a JSON Schema (draft 2020-12) with Chinese titles (`title`) and
    English ones (`x-title-en`), and a ui schema for the SPA (rjsf). A loaded version is never changed."""

    code: Slug
    version: Annotated[StrictInt, Field(ge=1)]
    title: Text
    title_en: Text
    json_schema: dict[str, Any] = Field(alias="schema")
    ui_schema: dict[str, Any] = {}

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @property
    def ref(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def properties(self) -> dict[str, Any]:
        return self.json_schema.get("properties", {})


def programs_path(plans_dir: Path, plan_code: str) -> Path:
    return plans_dir / f"{plan_code}.programs.yaml"


def forms_dir(plans_dir: Path) -> Path:
    return plans_dir / "forms"


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    return [(_field_path(tuple(err["loc"])), err["msg"]) for err in exc.errors(include_url=False)]


def load_form_file(path: Path) -> FormFile:
    """Read one form file; its name must be `<code>.v<version>.json` and its schema a valid JSON Schema."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanFileError(path, [("", f"cannot read: {exc}")]) from exc
    try:
        form = FormFile.model_validate(data)
    except ValidationError as exc:
        raise PlanFileError(path, _problems(exc)) from exc
    problems = []
    if path.name != f"{form.code}.v{form.version}.json":
        problems.append(("", f"the file must be named {form.code}.v{form.version}.json"))
    try:
        Draft202012Validator.check_schema(form.json_schema)
    except SchemaError as exc:
        problems.append(("schema" + "".join(f"[{p!r}]" for p in exc.path), exc.message))
    if form.json_schema.get("type") != "object":
        problems.append(("schema.type", "a form is an object"))
    for name in NOTICE_FIELDS:
        if form.properties.get(name, {}).get("type") != "string" or name not in form.json_schema.get("required", []):
            problems.append((f"schema.properties.{name}", "every form has this required string field"))
    if problems:
        raise PlanFileError(path, problems)
    return form


def load_programs_file(path: Path, plan: PlanFile) -> tuple[ProgramsFile, dict[str, FormFile]]:
    """Read the programs file of `plan` and the forms it names; cross-check both against the plan.
    Returns the file and its forms by `code@version`."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PlanFileError(path, [("", f"cannot read: {exc}")]) from exc
    try:
        programs = ProgramsFile.model_validate(data)
    except ValidationError as exc:
        raise PlanFileError(path, _problems(exc)) from exc
    forms: dict[str, FormFile] = {}
    for ref in sorted({p.form for p in programs.programs}):
        code, version = ref.split("@")
        form_path = forms_dir(path.parent) / f"{code}.v{version}.json"
        if not form_path.is_file():
            raise PlanFileError(path, [("programs", f"form {ref}: no file {form_path.name} in forms/")])
        forms[ref] = load_form_file(form_path)
    problems = _cross_check(programs, plan, forms)
    if problems:
        raise PlanFileError(path, problems)
    return programs, forms


def _cross_check(programs: ProgramsFile, plan: PlanFile, forms: dict[str, FormFile]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if programs.plan != plan.plan.code:
        problems.append(("plan", f"names {programs.plan!r}, but the plan is {plan.plan.code!r}"))
    agencies = {a.code: a for a in plan.agencies}
    rules = {rule.code: (task, rule) for task, rule in plan.all_rules()}
    seen: set[str] = set()
    for i, program in enumerate(programs.programs):
        at = f"programs[{i}]"
        if program.code in seen:
            problems.append((f"{at}.code", f"duplicate {program.code!r}"))
        seen.add(program.code)
        if program.rule not in rules:
            problems.append((f"{at}.rule", f"no funding rule {program.rule!r} in the plan"))
            continue
        task, rule = rules[program.rule]
        if rule.kind not in APPLICABLE_KINDS:
            problems.append((f"{at}.rule", f"{rule.kind} rules are not applied for (their amount needs inputs "
                                           "no application carries)"))
        if rule.kind == "tiered_team":
            if program.tier not in {t.code for t in rule.tiers}:
                problems.append((f"{at}.tier", f"{program.tier!r} is not a tier of {rule.code}"))
        elif program.tier is not None:
            problems.append((f"{at}.tier", "only a tiered_team rule has tiers"))
        expected_type = APPLICANT_TYPE_BY_PER.get(rule.per)
        if expected_type != program.applicant_type:
            problems.append((f"{at}.applicant_type", f"the rule pays per {rule.per}, so the applicant is a "
                                                     f"{expected_type}"))
        owners = set(task.lead) | set(task.responsible)
        if program.reviewing_agency is not None and program.reviewing_agency not in owners:
            problems.append((f"{at}.reviewing_agency", f"{program.reviewing_agency!r} neither leads nor shares "
                                                        f"task {task.number}"))
        for j, code in enumerate(program.nominators):
            if code not in agencies:
                problems.append((f"{at}.nominators[{j}]", f"unknown agency code {code!r}"))
        if program.score_sheet not in programs.score_sheets:
            problems.append((f"{at}.score_sheet", f"no score sheet {program.score_sheet!r}"))
        form = forms[program.form]
        if program.eligibility.full_time_in_province and \
                form.properties.get("full_time_in_province", {}).get("type") != "boolean":
            problems.append((f"{at}.eligibility.full_time_in_province",
                             f"form {program.form} has no boolean field full_time_in_province"))
        age = program.eligibility.age_max
        if age is not None:
            if any(v.discipline for v in age.variants) and "discipline" not in form.properties:
                problems.append((f"{at}.eligibility.age_max", f"form {program.form} has no field discipline"))
            if program.applicant_type == "institution":
                problems.append((f"{at}.eligibility.age_max", "an institution has no age"))
        if rule.kind == "tiered_team" and "extra_members" not in form.properties:
            problems.append((f"{at}.form", f"form {program.form} has no field extra_members (the rule pays per "
                                           "extra member)"))
    return problems


def expand_agencies(plan: PlanFile, codes: tuple[str, ...]) -> list[str]:
    """Agency codes with groups (各市) replaced by their members, in order, without repeats."""
    out: list[str] = []
    for code in codes:
        agency = plan.agency_by_code(code)
        for member in agency.members or (code,):
            if member not in out:
                out.append(member)
    return out

