"""The plan data files: the Liaoning transcription is checked against its source text, the
loader is checked to be generic (a second, fictional plan) and to reject broken files.

Run: cd /work/main && PYTHONPATH=libs/servicekit python -m pytest tests/plan -q -p no:cacheprovider
"""

import copy
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from planfile import PlanFile, PlanFileError, load_plan_file

REPO = Path(__file__).resolve().parents[3]
PLANS = REPO / "plans"
LIAONING = PLANS / "liaoning-2018-2020.yaml"
SOURCE = PLANS / "source" / "liaoning-talent-action-plan-2018-2020.txt"
EXAMPLE = PLANS / "example-other-plan.yaml"

CITIES = ["沈阳市", "大连市", "鞍山市", "抚顺市", "本溪市", "丹东市", "锦州市",
          "营口市", "阜新市", "辽阳市", "盘锦市", "铁岭市", "朝阳市", "葫芦岛市"]  # fmt: skip


# --- reading the source text independently of the YAML ------------------------------------------


def norm(text: str) -> str:
    """What the PDF extraction may have changed: whitespace, line breaks and ** bold markers."""
    return re.sub(r"\s+", "", text.replace("**", ""))


_MONEY = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?\s*元")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_CN_COUNT = re.compile(r"([百千])(?=名|人(?!计划))")  # 千名专家, not 千人计划 (a programme's name)
_CN_VALUE = {"百": 100, "千": 1000}


def _num(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def money_in(text: str) -> list[tuple[int, int, int]]:
    """Every amount of money in `text` as (yuan, start, end): "300 万元" -> 3000000, "500元" -> 500."""
    out = []
    for m in _MONEY.finditer(text):
        value = float(m.group(1)) * (10_000 if m.group(2) else 1)
        assert value.is_integer(), m.group(0)
        out.append((int(value), m.start(), m.end()))
    return out


def counts_in(text: str) -> list[tuple[int | float, int, int]]:
    """Every other number in `text` as (value, start, end), with a following 万 applied ("45万人" ->
    450000, "2 万左右" -> 20000) and the Chinese 百名/千名/百人 counts; money is left out."""
    money_spans = [(s, e) for _, s, e in money_in(text)]
    out = []
    for m in _DIGITS.finditer(text):
        if any(s <= m.start() < e for s, e in money_spans):
            continue
        value = _num(m.group(0))
        rest = text[m.end() :]
        if re.match(r"\s*万", rest):
            value = _num(str(float(m.group(0)) * 10_000))
        out.append((value, m.start(), m.end()))
    for m in _CN_COUNT.finditer(text):
        out.append((_CN_VALUE[m.group(1)], m.start(), m.end()))
    return out


def expected_comparator(quote: str, start: int, end: int) -> str:
    """From the words around a number: 左右/约 -> about; 余/以上/不低于 -> at_least; 至 -> between."""
    after = quote[end : end + 12]
    before = quote[max(0, start - 4) : start]
    if re.match(r"\s*至", after):
        return "between"
    if re.match(r"\s*万?\s*(名|人次|人|个|家|项|%)?\s*左右", after) or before.endswith("约"):
        return "about"
    if re.match(r"\s*万?\s*余", after) or re.match(r"\s*万?\s*(名|人次|人|个|家|项|%)?\s*以上", after):
        return "at_least"
    if before.endswith("不低于"):
        return "at_least"
    return "exactly"


def owners_in(clause: str) -> tuple[list[str], list[str]]:
    """The （牵头单位：…；责任单位：…） bracket at the end of a clause, split into names."""
    m = re.search(r"[（(〔]牵头单位[:：](.+?)(?:[；;]责任单位[:：](.+))?[）)〕]$", clause)
    assert m, f"no owners bracket at the end of: {clause[-60:]}"
    lead = re.split(r"[、，,]", m.group(1))
    responsible = re.split(r"[、，,]", m.group(2)) if m.group(2) else []
    return lead, responsible


def source_clauses(source: str) -> dict[int, str]:
    """The numbered clauses of the source, whitespace and ** removed (independent of the YAML)."""
    body = norm(source.split("二、重点任务", 1)[1])
    starts, pos = [], 0
    for n in range(1, 100):
        m = re.compile(rf"(?:(?<=[。）)〕])|(?<=组织领导)|^){n}\.(?!\d)").search(body, pos)
        if not m:
            break
        starts.append((n, m.start()))
        pos = m.end()
    clauses = {}
    for (n, start), (_, end) in zip(starts, starts[1:] + [(None, len(body))]):
        # cut the group headings （二）… and the 三、组织领导 heading off the end
        clauses[n] = re.split(r"（[一二三四]）|三、组织领导", body[start:end])[0]
    return clauses


@pytest.fixture(scope="module")
def plan() -> PlanFile:
    return load_plan_file(LIAONING)


@pytest.fixture(scope="module")
def source() -> str:
    return SOURCE.read_text(encoding="utf-8")


def names(plan: PlanFile, codes) -> list[str]:
    return [plan.agency_by_code(c).name for c in codes]


def spans(clause: str, quote: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(quote)) for m in re.finditer(re.escape(quote), clause)]


def rule_yuan(rule) -> list[int]:
    """Every yuan amount a funding rule states."""
    fields = ("amount_yuan", "cap_yuan", "min_monthly_yuan", "per_extra_member_yuan", "extra_members_cap_yuan")
    out = [getattr(rule, f, None) for f in fields]
    out += [t.amount_yuan for t in getattr(rule, "tiers", ())]
    return [v for v in out if v is not None]


def rule_numbers(rule) -> list[int | float]:
    """The non-money numbers a funding rule states (quota, ratio, percentage)."""
    out = [getattr(rule, f, None) for f in ("quota", "ratio_numerator", "ratio_denominator", "min_percent")]
    return [v for v in out if v is not None]


# --- the Liaoning file: structure and faithfulness --------------------------------------------------


def test_liaoning_loads_with_26_tasks(plan):
    assert len(plan.tasks) == 26
    assert [t.number for t in plan.tasks] == list(range(1, 27))
    assert [s.title for s in plan.sections] == ["总体要求", "重点任务", "组织领导"]
    assert [t.number for t in plan.tasks if t.section == 3] == [23, 24, 25, 26]
    assert all(t.group is None for t in plan.tasks if t.section == 3)
    assert [t.group for t in plan.tasks if t.section == 2] == [1] * 5 + [2] * 5 + [3] * 5 + [4] * 7


def test_plan_header_matches_source(plan, source):
    assert plan.plan.document_number == "辽委办发〔2018〕25号"
    assert plan.plan.document_number in source
    assert plan.plan.title in source
    assert plan.plan.issued_on.isoformat() == "2018-03-06" and "2018年3月6日" in source
    assert list(plan.plan.issuers) == ["中共辽宁省委办公厅", "辽宁省人民政府办公厅"]
    assert all(issuer in source for issuer in plan.plan.issuers)
    assert (plan.plan.period_start.isoformat(), plan.plan.period_end.isoformat()) == ("2018-01-01", "2020-12-31")


def test_every_clause_is_the_whole_clause_of_the_source(plan, source):
    expected = source_clauses(source)
    assert sorted(expected) == list(range(1, 27))
    for task in plan.tasks:
        assert "**" not in task.clause and "\n" not in task.clause, task.number
        assert norm(task.clause) in norm(source), f"task {task.number}: clause not faithful"
        assert norm(task.clause) == expected[task.number], f"task {task.number}: clause is not the whole clause"
        assert task.clause.startswith(f"{task.number}. {task.title}。"), task.number


def test_sections_and_groups_match_source(plan, source):
    src = norm(source)
    for s in plan.sections:
        assert f"{s.numeral}、{s.title}" in src
    assert len(plan.groups) == 4
    for g in plan.groups:
        assert g.section == 2
        assert norm(f"{g.numeral}{g.title}。{g.intro}") in src, g.numeral
        assert "。" not in g.title


def test_owners_match_the_clause(plan):
    for task in plan.tasks:
        lead, responsible = owners_in(task.clause)
        assert names(plan, task.lead) == lead, task.number
        assert names(plan, task.responsible) == responsible, task.number


def test_agency_list_is_exactly_the_agencies_the_text_names(plan, source):
    named = set()
    for clause in source_clauses(source).values():
        lead, responsible = owners_in(clause)
        named |= set(lead) | set(responsible)
    listed = {a.name for a in plan.agencies if a.kind not in ("city", "group")}
    assert listed == named - {"各市"}
    people = {a.name for a in plan.agencies if a.kind == "people_organization"}
    assert people == {"团省委", "省科协", "省妇联", "省总工会", "省工商联"}


def test_cities_and_the_all_cities_group(plan):
    cities = [a for a in plan.agencies if a.kind == "city"]
    assert [c.name for c in cities] == CITIES
    group = plan.agency_by_code("all-cities")
    assert group.name == "各市" and group.kind == "group"
    assert list(group.members) == [c.code for c in cities]
    assert all(t.responsible[-1] == "all-cities" for t in plan.tasks)  # every task ends with 各市


def test_no_task_names_only_lead_agencies(plan, source):
    # Every one of the 26 clauses has a 责任单位 list; the lead-only case is covered by the example plan.
    assert source.count("责任单位") == 26
    assert all(t.responsible for t in plan.tasks)


def test_overall_targets(plan, source):
    src = norm(source)
    got = {t.indicator: t.value for t in plan.overall_targets}
    assert got == {"专业技术人才": 3_500_000, "具有高级技术职称人才": 520_000, "高技能人才": 1_120_000}
    for t in plan.overall_targets:
        assert t.quote in source
        assert norm(t.quote) in src
        assert t.value in [v for v, _, _ in counts_in(t.quote)]
        assert t.due.isoformat() == "2020-12-31"


# --- sampled facts -------------------------------------------------------------------------------


def test_task_1_owners(plan):
    t = plan.task(1)
    assert names(plan, t.lead) == ["省委组织部", "省科技厅"]
    assert "all-cities" in t.responsible
    assert plan.agency_by_code("all-cities").name == "各市"


def test_task_3_team_tiers(plan):
    (rule,) = plan.task(3).funding_rules
    assert rule.kind == "tiered_team"
    assert [t.amount_yuan for t in rule.tiers] == [1_000_000, 3_000_000, 5_000_000, 10_000_000]
    assert rule.tiers[-1].name == "一流创新创业团队"
    assert (rule.per_extra_member_yuan, rule.extra_members_cap_yuan, rule.quota) == (200_000, 1_000_000, 200)
    assert rule.per_extra_member_fen == 20_000_000


def test_task_4_matching_one_to_one(plan):
    (rule,) = [r for r in plan.task(4).funding_rules if r.kind == "matching"]
    assert (rule.ratio_numerator, rule.ratio_denominator, rule.ratio_is_maximum, rule.cap_yuan) == (1, 1, True, None)
    assert "最高 1:1" in rule.quote


def test_task_7_allowance_and_craftsman(plan):
    rules = {r.kind: r for r in plan.task(7).funding_rules}
    assert rules["monthly_allowance"].min_monthly_yuan == 3000
    assert rules["monthly_allowance"].payer == "enterprise"
    craftsman = plan.rule_by_code("t07-liaoning-craftsman")
    assert (craftsman.kind, craftsman.amount_yuan, craftsman.amount_fen) == ("one_off_subsidy", 100_000, 10_000_000)
    assert "辽宁工匠" in craftsman.quote
    subsidies = sorted(r.amount_yuan for r in plan.task(7).funding_rules if r.kind == "per_person_subsidy")
    assert subsidies == [500, 2000]


def test_task_9_loan_caps(plan):
    caps = sorted(r.cap_yuan for r in plan.task(9).funding_rules if r.kind == "loan_cap")
    assert caps == [100_000, 200_000]


def test_task_11_academician_workstations(plan):
    (d,) = plan.task(11).deliverables
    assert (d.value, d.unit, d.comparator) == (100, "家", "exactly")
    assert "院士工作站" in d.quote


def test_task_13_contribution_rate(plan):
    (d,) = [d for d in plan.task(13).deliverables if d.unit == "%"]
    assert d.value == 57.5 and d.indicator == "科技进步贡献率"


def test_yearly_deliverables(plan):
    yearly = {d.code for _, d in plan.all_deliverables() if d.recurrence == "yearly"}
    assert yearly == {
        "t09-special-post-teachers",
        "t09-selected-graduates",
        "t09-grassroots-recruits",
        "t23-secretary-key-projects",
    }
    for _, d in plan.all_deliverables():
        assert (d.recurrence == "yearly") == ("每年" in d.quote), d.code


# --- amounts and numbers are read from the text, not copied --------------------------------------


def test_money_parser():
    assert [v for v, _, _ in money_in("给予每人 300 万元资助")] == [3_000_000]
    assert [v for v, _, _ in money_in("分别给予500元、2000 元创业培训补贴")] == [500, 2000]
    assert [v for v, _, _ in money_in("可享受最高10万元的财政贴息")] == [100_000]
    assert [v for v, _, _ in counts_in("培训产业工人50万人")] == [500_000]
    assert [v for v, _, _ in counts_in("力争三年储备博士、博士后 2 万左右")] == [20_000]
    assert [v for v, _, _ in counts_in("科技进步贡献率达到 57.5%")] == [57.5]
    assert [v for v, _, _ in counts_in("千名民营企业企业家")] == [1000]


def test_every_rule_amount_appears_in_its_quote(plan):
    for task, rule in plan.all_rules():
        amounts = [v for v, _, _ in money_in(rule.quote)]
        for value in rule_yuan(rule):
            assert value in amounts, f"{rule.code}: {value} yuan not in its quote"
        if rule.kind == "unspecified":
            assert not amounts, f"{rule.code}: the quote states an amount"
        if rule.kind == "matching":
            assert f"{rule.ratio_numerator}:{rule.ratio_denominator}" in rule.quote.replace(" ", "")
        if rule.kind == "revenue_share":
            assert rule.min_percent in [_num(p) for p in _PERCENT.findall(rule.quote)]
        if rule.quota is not None:
            found = [(s, e) for v, s, e in counts_in(rule.quote) if v == rule.quota]
            assert found, f"{rule.code}: quota {rule.quota} not in its quote"
            s, e = found[0]
            assert rule.quota_approximate == (expected_comparator(rule.quote, s, e) != "exactly"), rule.code


def test_every_amount_of_money_in_the_text_is_a_rule(plan):
    for task in plan.tasks:
        for value, start, end in money_in(task.clause):
            covering = [
                r
                for r in task.funding_rules
                for s, e in spans(task.clause, r.quote)
                if s <= start and end <= e and value in rule_yuan(r)
            ]
            assert covering, f"task {task.number}: {task.clause[start:end]!r} is not covered by a funding rule"


def test_every_deliverable_value_appears_in_its_quote(plan):
    for task, d in plan.all_deliverables():
        found = [(s, e) for v, s, e in counts_in(d.quote) if v == d.value]
        assert found, f"{d.code}: {d.value} not in {d.quote!r}"
        if d.value_max is not None:
            assert d.value_max in [v for v, _, _ in counts_in(d.quote)], d.code
        s, e = found[0]
        comparator = expected_comparator(d.quote, s, e)
        assert d.comparator == comparator, f"{d.code}: the text reads as {comparator}"
        assert d.approximate == (comparator in ("about", "at_least") and "不低于" not in d.quote), d.code
        if d.unit != "%":
            assert d.unit in d.quote or re.search(r"万\s*左右", d.quote), f"{d.code}: unit {d.unit} not in quote"


# Numbers in the clauses that are not targets; each with the reason. (task, text around the number)
NOT_TARGETS = {
    (3, "每多增加1人"): "eligibility: each extra team member (part of the t03-team rule)",
    (6, "2018中国民营企业500强发布会"): "event name",
    (6, "2018APEC"): "event name",
    (7, "“中国制造2025”辽宁行动纲要"): "document title",
    (9, "1年以上劳动合同"): "eligibility condition",
    (9, "本科毕业满3年"): "eligibility condition",
    (9, "毕业满6年"): "eligibility condition",
    (9, "大专毕业满5年"): "eligibility condition",
    (9, "毕业满8年"): "eligibility condition",
    (10, "到 2020 年"): "due date",
    (13, "到 2020 年"): "due date",
    (18, "“中国制造2025·国家千人计划”"): "event name",
    (
        23,
        "百名书记抓重点人才项目计划",
    ): "programme name; the 100 are all city and county secretaries, the target is 1–2 projects each",
}


def test_every_number_in_the_text_is_a_target_or_explained(plan):
    used = set()
    for task in plan.tasks:
        clause = task.clause
        for value, start, end in counts_in(clause):
            if start == 0:  # the clause's own number
                continue
            ok = any(
                s <= start and end <= e and value in (d.value, d.value_max)
                for d in task.deliverables
                for s, e in spans(clause, d.quote)
            ) or any(
                s <= start and end <= e and value in rule_numbers(r)
                for r in task.funding_rules
                for s, e in spans(clause, r.quote)
            )
            for n, context in NOT_TARGETS:
                if n == task.number and any(s <= start and end <= e for s, e in spans(clause, context)):
                    ok, _ = True, used.add((n, context))
            assert ok, (
                f"task {task.number}: number {clause[max(0, start - 12) : end + 6]!r} is neither a target nor explained"
            )
    assert used == set(NOT_TARGETS), f"stale entries: {set(NOT_TARGETS) - used}"


_FUNDING_WORDS = re.compile(r"资助|奖补|补贴|重奖|津贴|贴息|奖励|配套|资金|基金|经费")

# Mentions of money that are not funding rules of the plan; each with the reason. (task, text around it)
NOT_RULES = {
    (
        1,
        "有计划、有重点地遴选支持 10 名左右杰出人才、500 名左右领军人才和 500 名左右青年拔尖人才，由省财政给予经费资助",
    ): "summary; the 其中 sentence splits it into the five rules",
    (2, "由省财政给予经费资助。其中"): "summary; the 其中 sentence splits it into the rules",
    (7, "享受国务院政府特殊津贴"): "a national honour the province only recommends for",
    (16, "专项资金，用于支持科研人员出国参加学术交流"): "permission for institutions to set up their own fund",
    (17, "奖励性绩效工资分配"): "performance pay inside the institution, not a programme",
    (17, "成果转化奖励收入，不纳入绩效工资范畴"): "tax/pay treatment of rewards",
    (17, "省级科研项目资金管理政策"): "budget rules for research projects",
    (17, "作出重要贡献人员的奖励和报酬后"): "what remains after the t17 rewards",
    (17, "留归单位的部分可用于奖励从事基础研究的科研人员"): "permission to the institution, no promise",
    (17, "“辽宁工匠”表彰奖励计划"): "honours programme; no money is promised in the text",
    (17, "荣誉制度和奖励办法"): "honours system",
    (25, "省级财政要充分利用人才专项资金"): "general budget commitment, no recipients",
    (25, "将人才工作专项资金列入年度财政预算"): "general budget commitment (cities and counties)",
    (25, "制定人才工作专项资金管理使用办法，提高资金使用效益"): "fund management rules",
    (25, "省产业（创业）投资引导基金"): "investment guidance fund, not a grant",
    (25, "支持设立人才科技发展基金"): "investment fund, not a grant",
}


def test_every_promise_of_money_in_the_text_is_a_rule(plan):
    used = set()
    for task in plan.tasks:
        clause = task.clause
        for m in _FUNDING_WORDS.finditer(clause):
            ok = any(s <= m.start() and m.end() <= e for r in task.funding_rules for s, e in spans(clause, r.quote))
            for n, context in NOT_RULES:
                if n == task.number and any(s <= m.start() and m.end() <= e for s, e in spans(clause, context)):
                    ok, _ = True, used.add((n, context))
            assert ok, f"task {task.number}: {clause[max(0, m.start() - 20) : m.end() + 5]!r} is not a funding rule"
    assert used == set(NOT_RULES), f"stale entries: {set(NOT_RULES) - used}"


def test_derived_deliverables_match_their_programmes(plan):
    derived = {}
    for task, d in plan.all_deliverables():
        if d.derived_from_program:
            rule = plan.rule_by_code(d.derived_from_program)
            assert rule in task.funding_rules, f"{d.code}: programme of another task"
            assert rule.quota == d.value and rule.quota_approximate == d.approximate, d.code
            derived[rule.code] = d.code
    for task, rule in plan.all_rules():
        if rule.quota is not None:
            assert rule.code in derived, f"{rule.code}: a quota but no deliverable derived from it"


def test_part_of_totals(plan):
    for task in plan.tasks:
        own = {d.code: d for d in task.deliverables}
        for d in task.deliverables:
            if d.part_of:
                assert own[d.part_of].value >= d.value, d.code
    # Task 1: the 500 leading talents are the 200 + 200 + 100 of the three programmes.
    parts = [d.value for d in plan.task(1).deliverables if d.part_of == "t01-leading-talent"]
    assert sum(parts) == 500


def test_codes_are_stable_slugs_with_task_prefix(plan):
    for task, d in plan.all_deliverables():
        assert d.code.startswith(f"t{task.number:02d}-"), d.code
    for task, r in plan.all_rules():
        assert r.code.startswith(f"t{task.number:02d}-"), r.code


def test_every_agency_is_used(plan):
    used = {c for t in plan.tasks for c in (*t.lead, *t.responsible)}
    members = {m for a in plan.agencies for m in a.members}
    assert {a.code for a in plan.agencies} == used | members


# --- helpers and immutability -------------------------------------------------------------------


def test_helpers(plan):
    assert plan.agency_by_code("prov-org-dept").name == "省委组织部"
    with pytest.raises(KeyError):
        plan.agency_by_code("nope")
    pairs = list(plan.all_rules())
    assert len(pairs) == sum(len(t.funding_rules) for t in plan.tasks)
    task, rule = pairs[0]
    assert (task.number, rule.code, rule.amount_fen) == (1, "t01-outstanding", 300_000_000)
    tiers = plan.rule_by_code("t03-team").tiers
    assert [t.amount_fen for t in tiers] == [v * 100 for v in (1_000_000, 3_000_000, 5_000_000, 10_000_000)]
    assert plan.rule_by_code("t09-graduate-startup-loan").cap_fen == 10_000_000
    assert plan.rule_by_code("t07-craftsman-technician-allowance").min_monthly_fen == 300_000


def test_models_are_frozen(plan):
    with pytest.raises(ValidationError):
        plan.tasks[0].title = "changed"


# --- English beside the Chinese -------------------------------------------------------------------------


def test_every_task_and_target_has_its_english(plan):
    targets = [*plan.overall_targets, *(d for _, d in plan.all_deliverables())]
    assert len(plan.tasks) == 26 and len(targets) == 53
    assert plan.task(5).title_en == "Implement the young talent reserve programme"
    assert (plan.task(11).deliverables[0].indicator_en, plan.task(11).deliverables[0].unit_en) == (
        "New academician workstations", "workstations")
    # Translated, not copied: no two tasks share an English title, and every unit has its English word.
    assert len({t.title_en for t in plan.tasks}) == 26
    assert {(t.unit, t.unit_en) for t in targets} == {
        ("人", "people"), ("名", "people"), ("人次", "person-times"), ("%", "%"), ("家", "workstations"),
        ("家", "bases"), ("家", "studios"), ("家", "agencies"), ("家", "institutions"), ("家", "spaces"),
        ("个", "teams"), ("个", "bases"), ("个", "missions"), ("个", "disciplines"), ("个", "majors"),
        ("个", "projects"), ("项", "achievements")}


@pytest.mark.parametrize(("where", "field"), [
    (lambda data: data["tasks"][0], "title_en"),
    (lambda data: data["tasks"][0]["deliverables"][0], "indicator_en"),
    (lambda data: data["tasks"][0]["deliverables"][0], "unit_en"),
    (lambda data: data["overall_targets"][0], "unit_en"),
])
def test_english_is_required(tmp_path, example_data, where, field):
    del where(example_data)[field]
    _refused(tmp_path, example_data, field, "Field required")


def test_english_fields_hold_no_chinese(tmp_path, example_data):
    example_data["tasks"][0]["deliverables"][0]["unit_en"] = "名"
    example_data["tasks"][1]["title_en"] = "Innovation teams（示例）"
    message = _refused(tmp_path, example_data, "tasks[0].deliverables[0].unit_en", "tasks[1].title_en")
    assert "should match pattern" in message


# --- the fictional plan: loading is generic -------------------------------------------------------


def test_example_plan_loads():
    other = load_plan_file(EXAMPLE)
    assert other.plan.code != "liaoning-2018-2020"
    assert len(other.sections) != 3
    lead_only = [t for t in other.tasks if not t.responsible]
    assert lead_only and lead_only[0].lead
    kinds = {r.kind for _, r in other.all_rules()}
    assert {"matching", "tiered_team"} <= kinds
    for task in other.tasks:  # same owner convention as the Liaoning text
        lead, responsible = owners_in(task.clause)
        assert names(other, task.lead) == lead
        assert names(other, task.responsible) == responsible


# --- broken files are refused, naming the field -----------------------------------------------------


@pytest.fixture
def example_data() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def _refused(tmp_path, data, *expected: str) -> str:
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(PlanFileError) as info:
        load_plan_file(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, message
    return message


def test_example_data_is_valid_before_breaking_it(tmp_path, example_data):
    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump(example_data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_plan_file(path)


def test_unknown_agency_code_is_refused(tmp_path, example_data):
    example_data["tasks"][0]["lead"][0] = "no-such-agency"
    _refused(tmp_path, example_data, "tasks[0].lead[0]", "unknown agency code 'no-such-agency'")


def test_unknown_group_member_is_refused(tmp_path, example_data):
    group = next(a for a in example_data["agencies"] if a["kind"] == "group")
    group["members"].append("city-nowhere")
    _refused(tmp_path, example_data, ".members[", "city-nowhere")


def test_duplicate_agency_code_is_refused(tmp_path, example_data):
    example_data["agencies"][1]["code"] = example_data["agencies"][0]["code"]
    _refused(tmp_path, example_data, "agencies[1].code", "duplicate")


def test_duplicate_deliverable_code_is_refused(tmp_path, example_data):
    tasks = [t for t in example_data["tasks"] if t.get("deliverables")]
    first, second = tasks[0]["deliverables"][0], tasks[-1]["deliverables"][-1]
    assert first is not second
    second["code"] = first["code"]
    _refused(tmp_path, example_data, ".deliverables[", ".code", "duplicate")


def test_quote_not_in_clause_is_refused(tmp_path, example_data):
    task = next(i for i, t in enumerate(example_data["tasks"]) if t.get("funding_rules"))
    example_data["tasks"][task]["funding_rules"][0]["quote"] = "这句话不在条文里"
    _refused(tmp_path, example_data, f"tasks[{task}].funding_rules[0].quote", "not a substring")


def test_deliverable_quote_not_in_clause_is_refused(tmp_path, example_data):
    task = next(i for i, t in enumerate(example_data["tasks"]) if t.get("deliverables"))
    example_data["tasks"][task]["deliverables"][0]["quote"] += "！"
    _refused(tmp_path, example_data, f"tasks[{task}].deliverables[0].quote")


def test_unknown_programme_is_refused(tmp_path, example_data):
    task = next(i for i, t in enumerate(example_data["tasks"]) if t.get("deliverables"))
    example_data["tasks"][task]["deliverables"][0]["derived_from_program"] = "no-such-rule"
    _refused(tmp_path, example_data, f"tasks[{task}].deliverables[0].derived_from_program", "no-such-rule")


def test_task_numbers_must_be_contiguous(tmp_path, example_data):
    example_data["tasks"][-1]["number"] += 1
    _refused(tmp_path, example_data, "tasks", "numbers must be 1..")


def test_unknown_field_and_kind_are_refused(tmp_path, example_data):
    data = copy.deepcopy(example_data)
    data["plan"]["budget"] = 1
    _refused(tmp_path, data, "plan.budget", "Extra inputs")
    data = copy.deepcopy(example_data)
    task = next(i for i, t in enumerate(data["tasks"]) if t.get("funding_rules"))
    data["tasks"][task]["funding_rules"][0]["kind"] = "lump_sum"
    _refused(tmp_path, data, f"tasks[{task}].funding_rules[0]", "kind")


def test_amount_must_be_integer_yuan(tmp_path, example_data):
    task, rule = next(
        (i, j)
        for i, t in enumerate(example_data["tasks"])
        for j, r in enumerate(t.get("funding_rules", ()))
        if "amount_yuan" in r
    )
    example_data["tasks"][task]["funding_rules"][rule]["amount_yuan"] = 12.5
    _refused(tmp_path, example_data, f"tasks[{task}].funding_rules[{rule}]", "amount_yuan")


def test_duplicate_yaml_key_is_refused(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "format_version: 1\n", "format_version: 1\nformat_version: 1\n", 1
    )
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanFileError, match="duplicate key 'format_version'"):
        load_plan_file(path)


def test_missing_file_is_a_plan_file_error(tmp_path):
    with pytest.raises(PlanFileError, match="cannot read"):
        load_plan_file(tmp_path / "absent.yaml")
