"""The reviewed plan data files under plans/: Pydantic models and a validating loader.

A plan file transcribes one government plan (tasks, owners, targets, funding rules) so the
services can seed from it. The format is described field by field in plans/README.md. This
module only parses and cross-checks the file; it holds no domain logic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

from servicekit.validation import SLUG_PATTERN

__all__ = [
    "Agency",
    "Deliverable",
    "FundingRule",
    "Group",
    "OverallTarget",
    "PlanFile",
    "PlanFileError",
    "PlanInfo",
    "Section",
    "Task",
    "load_plan_file",
]

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1)]
# The English beside a Chinese field: no CJK characters or full-width punctuation, so a name left untranslated
# or pasted into the wrong field is caught.
English = Annotated[str, StringConstraints(min_length=1, pattern=r"^[^\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+$")]
Yuan = Annotated[StrictInt, Field(gt=0)]
Count = Annotated[StrictInt, Field(gt=0)]
Number = Annotated[StrictInt | StrictFloat, Field(gt=0)]

AgencyKind = Literal[
    "party_department",
    "government_department",
    "people_organization",
    "financial_institution",
    "city",
    "group",
]
Comparator = Literal["about", "at_least", "exactly", "between"]
Recurrence = Literal["once", "yearly"]
Reporting = Literal["monthly", "quarterly", "half_yearly", "yearly"]
Payer = Literal["province", "city", "government", "enterprise", "employer", "bank", "unspecified"]
Per = Literal["person", "team", "unit", "project", "month", "loan"]


class PlanFileError(ValueError):
    """A plan file that cannot be read or does not validate; the message names the file and field."""

    def __init__(self, path: str | Path, problems: list[tuple[str, str]]):
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  - {field or '<file>'}: {message}" for field, message in problems)
        super().__init__(f"{self.path}: invalid plan file\n{lines}")


class _Problems(ValueError):
    """Raised inside validators; carries (field path relative to the model, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" if field else message for field, message in problems))


def _fail(field: str, message: str) -> _Problems:
    return _Problems([(field, message)])


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- plan, agencies, structure ---------------------------------------------------------------


class PlanInfo(_Model):
    code: Slug
    title: Text
    title_en: English
    document_number: Text
    issuers: tuple[Text, ...] = Field(min_length=1)
    issued_on: date
    period_start: date
    period_end: date
    region: Text

    @model_validator(mode="after")
    def _period_is_ordered(self) -> PlanInfo:
        if self.period_end < self.period_start:
            raise _fail("period_end", "is before period_start")
        return self


class Agency(_Model):
    code: Slug
    name: Text
    name_en: English
    kind: AgencyKind
    members: tuple[Slug, ...] = ()

    @model_validator(mode="after")
    def _members_only_for_groups(self) -> Agency:
        if self.kind == "group" and not self.members:
            raise _fail("members", "a group needs at least one member")
        if self.kind != "group" and self.members:
            raise _fail("members", "only an agency of kind 'group' has members")
        return self


class Section(_Model):
    number: Count
    numeral: Text
    title: Text


class Group(_Model):
    number: Count
    section: Count
    numeral: Text
    title: Text
    intro: Text


# --- targets -----------------------------------------------------------------------------------


class _Target(_Model):
    code: Slug
    quote: Text
    indicator: Text
    indicator_en: English
    value: Number
    value_max: Number | None = None
    unit: Text
    unit_en: English
    approximate: StrictBool
    comparator: Comparator
    due: date
    note: Text | None = None

    @model_validator(mode="after")
    def _comparator_is_consistent(self) -> _Target:
        if self.comparator == "between":
            if self.value_max is None or self.value_max <= self.value:
                raise _fail("value_max", "comparator 'between' needs value_max greater than value")
        elif self.value_max is not None:
            raise _fail("value_max", "only allowed with comparator 'between'")
        if self.comparator == "about" and not self.approximate:
            raise _fail("approximate", "comparator 'about' implies approximate: true")
        if self.comparator == "exactly" and self.approximate:
            raise _fail("approximate", "comparator 'exactly' implies approximate: false")
        return self


class OverallTarget(_Target):
    """A plan-wide goal (工作目标); its quote is in the plan's source text, not in a task clause."""


class Deliverable(_Target):
    recurrence: Recurrence
    reporting: Reporting = "quarterly"
    derived_from_program: Slug | None = None
    part_of: Slug | None = None


# --- funding rules -----------------------------------------------------------------------------


class _RuleBase(_Model):
    code: Slug
    name: Text
    name_en: English
    quote: Text
    payer: Payer
    per: Per
    quota: Count | None = None
    quota_approximate: StrictBool = False
    note: Text | None = None

    @model_validator(mode="after")
    def _quota_flags(self) -> _RuleBase:
        if self.quota is None and self.quota_approximate:
            raise _fail("quota_approximate", "set without a quota")
        return self


class _FixedAmount(_RuleBase):
    amount_yuan: Yuan

    @property
    def amount_fen(self) -> int:
        return self.amount_yuan * 100


class FixedPerPersonRule(_FixedAmount):
    kind: Literal["fixed_per_person"]


class FixedPerUnitRule(_FixedAmount):
    kind: Literal["fixed_per_unit"]


class FixedPerProjectRule(_FixedAmount):
    kind: Literal["fixed_per_project"]


class OneOffSubsidyRule(_FixedAmount):
    kind: Literal["one_off_subsidy"]


class PerPersonSubsidyRule(_FixedAmount):
    kind: Literal["per_person_subsidy"]


class Tier(_Model):
    code: Slug
    name: Text
    amount_yuan: Yuan

    @property
    def amount_fen(self) -> int:
        return self.amount_yuan * 100


class TieredTeamRule(_RuleBase):
    kind: Literal["tiered_team"]
    tiers: tuple[Tier, ...] = Field(min_length=1)
    per_extra_member_yuan: Yuan | None = None
    extra_members_cap_yuan: Yuan | None = None

    @model_validator(mode="after")
    def _tiers_are_distinct(self) -> TieredTeamRule:
        codes = [t.code for t in self.tiers]
        if len(codes) != len(set(codes)):
            raise _fail("tiers", "duplicate tier code")
        if self.extra_members_cap_yuan is not None and self.per_extra_member_yuan is None:
            raise _fail("extra_members_cap_yuan", "set without per_extra_member_yuan")
        return self

    @property
    def per_extra_member_fen(self) -> int | None:
        return None if self.per_extra_member_yuan is None else self.per_extra_member_yuan * 100

    @property
    def extra_members_cap_fen(self) -> int | None:
        return None if self.extra_members_cap_yuan is None else self.extra_members_cap_yuan * 100


class MatchingRule(_RuleBase):
    kind: Literal["matching"]
    ratio_numerator: Count
    ratio_denominator: Count
    ratio_is_maximum: StrictBool = False
    cap_yuan: Yuan | None = None
    base: Text

    @property
    def cap_fen(self) -> int | None:
        return None if self.cap_yuan is None else self.cap_yuan * 100


class MonthlyAllowanceRule(_RuleBase):
    kind: Literal["monthly_allowance"]
    min_monthly_yuan: Yuan

    @property
    def min_monthly_fen(self) -> int:
        return self.min_monthly_yuan * 100


class LoanCapRule(_RuleBase):
    kind: Literal["loan_cap"]
    cap_yuan: Yuan

    @property
    def cap_fen(self) -> int:
        return self.cap_yuan * 100


class RevenueShareRule(_RuleBase):
    """A minimum share of an income that must go to the people who earned it (e.g. 不低于 70%)."""

    kind: Literal["revenue_share"]
    min_percent: Annotated[Number, Field(le=100)]
    base: Text


class UnspecifiedRule(_RuleBase):
    """Money is promised (奖补, 一定经费, 重奖 …) but the text gives no amount."""

    kind: Literal["unspecified"]


FundingRule = Annotated[
    FixedPerPersonRule
    | FixedPerUnitRule
    | FixedPerProjectRule
    | TieredTeamRule
    | MatchingRule
    | MonthlyAllowanceRule
    | OneOffSubsidyRule
    | PerPersonSubsidyRule
    | LoanCapRule
    | RevenueShareRule
    | UnspecifiedRule,
    Field(discriminator="kind"),
]


# --- tasks and the whole file ------------------------------------------------------------------


class Task(_Model):
    number: Count
    section: Count
    group: Count | None = None
    title: Text
    title_en: English
    clause: Text
    lead: tuple[Slug, ...] = Field(min_length=1)
    responsible: tuple[Slug, ...] = ()
    deliverables: tuple[Deliverable, ...] = ()
    funding_rules: tuple[FundingRule, ...] = ()

    @model_validator(mode="after")
    def _quotes_are_in_the_clause(self) -> Task:
        problems = []
        if self.title not in self.clause:
            problems.append(("title", "not found in the clause"))
        for name in ("lead", "responsible"):
            codes = getattr(self, name)
            if len(codes) != len(set(codes)):
                problems.append((name, "an agency is listed twice"))
        for i, d in enumerate(self.deliverables):
            if d.quote not in self.clause:
                problems.append((f"deliverables[{i}].quote", f"{d.code}: not a substring of the task's clause"))
        for i, r in enumerate(self.funding_rules):
            if r.quote not in self.clause:
                problems.append((f"funding_rules[{i}].quote", f"{r.code}: not a substring of the task's clause"))
        if problems:
            raise _Problems(problems)
        return self


class PlanFile(_Model):
    format_version: Literal[1]
    plan: PlanInfo
    agencies: tuple[Agency, ...] = Field(min_length=1)
    overall_targets: tuple[OverallTarget, ...] = ()
    sections: tuple[Section, ...] = Field(min_length=1)
    groups: tuple[Group, ...] = ()
    tasks: tuple[Task, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _cross_check(self) -> PlanFile:
        problems = _cross_check(self)
        if problems:
            raise _Problems(problems)
        return self

    # Helpers -----------------------------------------------------------------------------------

    def agency_by_code(self, code: str) -> Agency:
        for agency in self.agencies:
            if agency.code == code:
                return agency
        raise KeyError(code)

    def task(self, number: int) -> Task:
        for task in self.tasks:
            if task.number == number:
                return task
        raise KeyError(number)

    def all_rules(self) -> Iterator[tuple[Task, FundingRule]]:
        for task in self.tasks:
            for rule in task.funding_rules:
                yield task, rule

    def all_deliverables(self) -> Iterator[tuple[Task, Deliverable]]:
        for task in self.tasks:
            for deliverable in task.deliverables:
                yield task, deliverable

    def rule_by_code(self, code: str) -> FundingRule:
        for _, rule in self.all_rules():
            if rule.code == code:
                return rule
        raise KeyError(code)


def _duplicates(items: list[tuple[str, object]]) -> list[tuple[str, str]]:
    seen: dict[object, str] = {}
    problems = []
    for field, value in items:
        if value in seen:
            problems.append((field, f"duplicate {value!r} (first at {seen[value]})"))
        else:
            seen[value] = field
    return problems


def _cross_check(pf: PlanFile) -> list[tuple[str, str]]:
    """Checks that span more than one model; returns (field path, problem) pairs."""
    problems: list[tuple[str, str]] = []

    problems += _duplicates([(f"agencies[{i}].code", a.code) for i, a in enumerate(pf.agencies)])
    problems += _duplicates([(f"agencies[{i}].name", a.name) for i, a in enumerate(pf.agencies)])
    agencies = {a.code: a for a in pf.agencies}
    for i, a in enumerate(pf.agencies):
        for j, member in enumerate(a.members):
            if member not in agencies:
                problems.append((f"agencies[{i}].members[{j}]", f"unknown agency code {member!r}"))
            elif agencies[member].kind == "group":
                problems.append((f"agencies[{i}].members[{j}]", f"{member!r} is itself a group"))

    problems += _duplicates([(f"overall_targets[{i}].code", t.code) for i, t in enumerate(pf.overall_targets)])

    section_numbers = [s.number for s in pf.sections]
    if section_numbers != list(range(1, len(section_numbers) + 1)):
        problems.append(("sections", f"numbers must be 1..{len(section_numbers)} in order, got {section_numbers}"))
    groups = set()
    for i, g in enumerate(pf.groups):
        if g.section not in section_numbers:
            problems.append((f"groups[{i}].section", f"unknown section {g.section}"))
        if (g.section, g.number) in groups:
            problems.append((f"groups[{i}].number", f"duplicate group {g.number} in section {g.section}"))
        groups.add((g.section, g.number))

    task_numbers = [t.number for t in pf.tasks]
    if task_numbers != list(range(1, len(task_numbers) + 1)):
        problems.append(("tasks", f"numbers must be 1..{len(task_numbers)} in order, got {task_numbers}"))

    rule_codes = {r.code for _, r in pf.all_rules()}
    problems += _duplicates(
        [
            (f"tasks[{ti}].deliverables[{di}].code", d.code)
            for ti, t in enumerate(pf.tasks)
            for di, d in enumerate(t.deliverables)
        ]
        + [
            (f"tasks[{ti}].funding_rules[{ri}].code", r.code)
            for ti, t in enumerate(pf.tasks)
            for ri, r in enumerate(t.funding_rules)
        ]
    )

    for ti, t in enumerate(pf.tasks):
        at = f"tasks[{ti}]"
        if t.section not in section_numbers:
            problems.append((f"{at}.section", f"unknown section {t.section}"))
        if t.group is not None and (t.section, t.group) not in groups:
            problems.append((f"{at}.group", f"no group {t.group} in section {t.section}"))
        for name in ("lead", "responsible"):
            for j, code in enumerate(getattr(t, name)):
                if code not in agencies:
                    problems.append((f"{at}.{name}[{j}]", f"unknown agency code {code!r}"))
        own = {d.code: d for d in t.deliverables}
        for di, d in enumerate(t.deliverables):
            if d.derived_from_program is not None and d.derived_from_program not in rule_codes:
                problems.append(
                    (f"{at}.deliverables[{di}].derived_from_program", f"no funding rule {d.derived_from_program!r}")
                )
            if d.part_of is not None:
                seen, cur = {d.code}, d
                while cur.part_of is not None:
                    if cur.part_of not in own:
                        problems.append(
                            (f"{at}.deliverables[{di}].part_of", f"no deliverable {cur.part_of!r} in this task")
                        )
                        break
                    if cur.part_of in seen:
                        problems.append((f"{at}.deliverables[{di}].part_of", "part_of forms a cycle"))
                        break
                    seen.add(cur.part_of)
                    cur = own[cur.part_of]
    return problems


# --- loading -----------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses a mapping with the same key twice (safe_load keeps the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"found duplicate key {key!r}", key_node.start_mark
            )
        keys.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _field_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_plan_file(path: str | Path) -> PlanFile:
    """Read a plan YAML file and validate it; raises PlanFileError naming the file and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(path, [("", f"cannot read: {exc}")]) from exc
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise PlanFileError(path, [("", f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise PlanFileError(path, [("", "the top level must be a mapping")])
    try:
        return PlanFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = _field_path(tuple(err["loc"]))
            cause = (err.get("ctx") or {}).get("error")
            if isinstance(cause, _Problems):
                for field, message in cause.problems:
                    joined = f"{loc}.{field}" if loc and field and not field.startswith("[") else f"{loc}{field}"
                    problems.append((joined, message))
            else:
                problems.append((loc, err["msg"]))
        raise PlanFileError(path, [(field, _with_task_number(data, field, msg)) for field, msg in problems]) from exc


def _with_task_number(data: dict, field: str, message: str) -> str:
    """Field paths count tasks from 0; say which numbered task a tasks[i] problem is about."""
    m = re.match(r"tasks\[(\d+)\]", field)
    tasks = data.get("tasks")
    if m and isinstance(tasks, list) and int(m.group(1)) < len(tasks) and isinstance(tasks[int(m.group(1))], dict):
        number = tasks[int(m.group(1))].get("number")
        if number is not None:
            return f"{message} (task {number})"
    return message
