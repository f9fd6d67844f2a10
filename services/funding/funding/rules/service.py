"""Funding rules: imported from a plan file as versioned data, evaluated by our own code."""

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from funding import clock
from funding.errors import LedgerUnprocessable, PlanNotFound, RuleNotFound, yuan
from funding.models import AuditLog, FundingRuleVersion
from funding.rules import repository as repo
from funding.rules.evaluator import compute, params_of
from funding.rules.schemas import RuleComputation, RuleImportResult, RuleInputs, RuleRead
from servicekit.audit import record_change
from planfile import PlanFile, PlanFileError, load_plan_file

RULES_IMPORT_LOCK = 0x52554C45  # "RULE"
COMPARED = ("plan_code", "task_number", "kind", "name", "name_en", "quote", "payer", "per", "quota",
            "quota_approximate", "params", "lead_agencies")


def load_plan(plans_dir: Path, plan: str) -> PlanFile:
    path = plans_dir / f"{plan}.yaml"
    if not path.is_file():
        raise PlanNotFound(plan)
    try:
        return load_plan_file(path)
    except PlanFileError as exc:
        raise LedgerUnprocessable(f"规划文件 {plan} 无效：{exc.problems[:5]}",
                                  f"The plan file {plan} is invalid: {exc.problems[:5]}") from exc


def read_rule(rule: FundingRuleVersion) -> RuleRead:
    return RuleRead.model_validate(rule, from_attributes=True)


async def import_rules(session: AsyncSession, plan_file: PlanFile, actor: str) -> RuleImportResult:
    """Add a version for every rule that is new or changed in the plan file; unchanged rules stay as they are."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": RULES_IMPORT_LOCK})
    new_versions, unchanged = [], 0
    now = clock.now()
    for task, rule in plan_file.all_rules():
        values = {
            "code": rule.code, "plan_code": plan_file.plan.code, "task_number": task.number, "kind": rule.kind,
            "name": rule.name, "name_en": rule.name_en, "quote": rule.quote, "payer": rule.payer, "per": rule.per,
            "quota": rule.quota, "quota_approximate": rule.quota_approximate, "params": params_of(rule),
            "lead_agencies": list(task.lead),
        }
        current = await repo.current_rule(session, rule.code)
        if current is not None and all(getattr(current, k) == values[k] for k in COMPARED):
            unchanged += 1
            continue
        version = 1 if current is None else current.version + 1
        session.add(FundingRuleVersion(**values, version=version, imported_at=now, actor=actor))
        await record_change(session, AuditLog, actor=actor, action="rule.import", entity_type="funding_rule",
                            entity_id=f"{rule.code}@{version}",
                            before={k: getattr(current, k) for k in COMPARED} if current is not None else None,
                            after=values)
        new_versions.append(f"{rule.code}@{version}")
    return RuleImportResult(plan=plan_file.plan.code, new_versions=new_versions, unchanged=unchanged)


async def get_rule(session: AsyncSession, code: str) -> FundingRuleVersion:
    rule = await repo.current_rule(session, code)
    if rule is None:
        raise RuleNotFound(code)
    return rule


def evaluate(rule: FundingRuleVersion, inputs: RuleInputs) -> RuleComputation:
    result = compute(rule.code, rule.kind, rule.params, rule.per, inputs.model_dump(exclude_none=True))
    return RuleComputation(rule=read_rule(rule), amount_fen=result.amount_fen, amount_yuan=yuan(result.amount_fen),
                           is_maximum=result.is_maximum, explanation_zh=result.explanation_zh,
                           explanation_en=result.explanation_en, breakdown=result.breakdown, quote=rule.quote)
