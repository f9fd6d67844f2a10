"""Funding rules: imported from a plan file as versioned data, evaluated by our own code."""

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from funding.errors import PlanFileInvalid, PlanNotFound, RuleNotFound, yuan
from funding.models import AuditLog, FundingRuleVersion
from funding.rules.evaluator import compute, params_of
from funding.rules.repository import RulesRepository
from funding.rules.schemas import RuleComputation, RuleImportResult, RuleInputs, RuleRead
from planfile import PlanFile, PlanFileError, load_plan_file
from servicekit import clock
from servicekit.audit import record_change

COMPARED = ("plan_code", "task_number", "kind", "name", "name_en", "quote", "payer", "per", "quota",
            "quota_approximate", "params", "lead_agencies")


def read_plan_file(plans_dir: Path, plan: str) -> PlanFile:
    """The plan file `<plans_dir>/<plan>.yaml`, checked."""
    path = plans_dir / f"{plan}.yaml"
    if not path.is_file():
        raise PlanNotFound(plan)
    try:
        return load_plan_file(path)
    except PlanFileError as exc:
        raise PlanFileInvalid(plan, [f"{field or '<file>'}: {message}" for field, message in exc.problems[:5]]) from exc


def read_rule(rule: FundingRuleVersion) -> RuleRead:
    return RuleRead.model_validate(rule, from_attributes=True)


async def import_rules(session: AsyncSession, plan_file: PlanFile, actor: str) -> RuleImportResult:
    """Add a version for every rule that is new or changed in the plan file; unchanged rules stay as they are."""
    repo = RulesRepository(session)
    await repo.lock_imports()
    new_versions, unchanged = [], 0
    now = clock.now()
    for task, rule in plan_file.all_rules():
        values = {
            "code": rule.code, "plan_code": plan_file.plan.code, "task_number": task.number, "kind": rule.kind,
            "name": rule.name, "name_en": rule.name_en, "quote": rule.quote, "payer": rule.payer, "per": rule.per,
            "quota": rule.quota, "quota_approximate": rule.quota_approximate, "params": params_of(rule),
            "lead_agencies": list(task.lead),
        }
        current = await repo.current_rule(rule.code)
        if current is not None and all(getattr(current, k) == values[k] for k in COMPARED):
            unchanged += 1
            continue
        version = 1 if current is None else current.version + 1
        await repo.add(FundingRuleVersion(**values, version=version, imported_at=now, actor=actor))
        await record_change(session, AuditLog, actor=actor, action="rule.import", entity_type="funding_rule",
                            entity_id=f"{rule.code}@{version}",
                            before={k: getattr(current, k) for k in COMPARED} if current is not None else None,
                            after=values)
        new_versions.append(f"{rule.code}@{version}")
    return RuleImportResult(plan=plan_file.plan.code, new_versions=new_versions, unchanged=unchanged)


async def import_plan_rules(session: AsyncSession, plans_dir: Path, plan: str, actor: str) -> RuleImportResult:
    return await import_rules(session, read_plan_file(plans_dir, plan), actor)


async def get_rule(session: AsyncSession, code: str) -> FundingRuleVersion:
    rule = await RulesRepository(session).current_rule(code)
    if rule is None:
        raise RuleNotFound(code)
    return rule


async def list_rules(session: AsyncSession, plan: str | None) -> list[RuleRead]:
    return [read_rule(rule) for rule in await RulesRepository(session).current_rules(plan)]


async def read_rule_version(session: AsyncSession, code: str, version: int | None) -> RuleRead:
    """A rule's current version, or the version asked for."""
    rule = await get_rule(session, code)
    if version is not None and version != rule.version:
        rule = await RulesRepository(session).rule_version(code, version)
        if rule is None:
            raise RuleNotFound(f"{code}@{version}")
    return read_rule(rule)


async def compute_amount(session: AsyncSession, code: str, inputs: RuleInputs) -> RuleComputation:
    return evaluate(await get_rule(session, code), inputs)


def evaluate(rule: FundingRuleVersion, inputs: RuleInputs) -> RuleComputation:
    result = compute(rule.code, rule.kind, rule.params, rule.per, inputs.model_dump(exclude_none=True))
    return RuleComputation(rule=read_rule(rule), amount_fen=result.amount_fen, amount_yuan=yuan(result.amount_fen),
                           is_maximum=result.is_maximum, explanation_zh=result.explanation_zh,
                           explanation_en=result.explanation_en, breakdown=result.breakdown, quote=rule.quote)
