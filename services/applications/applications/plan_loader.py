"""Load a plan's programs and forms into the database: an upsert keyed by codes.

The plan file (plans/<file>.yaml) gives the plan, its agencies and its funding rules; the programs file beside
it (plans/<plan-code>.programs.yaml) says which rules people apply for and how; the forms are under
plans/forms/. Loading the same files again changes nothing and writes no audit entry. A loaded form version
never changes (a changed file with the same version stops the load). A program the file no longer names is
deleted unless a call was opened for it (then the load stops). Programs an administrator added are never
touched. The caller owns the transaction; this module only flushes."""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from applications.models import AuditLog, Call, Form, PlanAgency, PlanRef, PlanTask, Program
from planfile import PlanFile, PlanFileError
from planfile.programs import FormFile, ProgramsFile, expand_agencies, load_programs_file, programs_path
from servicekit import clock
from servicekit.audit import record_change

LOADER_ACTOR = "system:plan-loader"
LOAD_LOCK = 0x41505053  # "APPS": one loader at a time on PostgreSQL


class PlanLoadError(ValueError):
    """The plan's programs cannot be loaded over what the database holds (nothing was written)."""


@dataclass
class LoadSummary:
    plan_code: str
    programs_file: str | None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)

    def line(self) -> str:
        if self.programs_file is None:
            return f"{self.plan_code}: no programs file, no programs"

        def show(counter: Counter) -> str:
            return ", ".join(f"{kind} {n}" for kind, n in sorted((+counter).items())) or "none"

        return (f"{self.plan_code}: programs and forms from {self.programs_file}; created: {show(self.created)}; "
                f"updated: {show(self.updated)}; deleted: {show(self.deleted)}; unchanged: {show(self.unchanged)}")


def _digest(form: FormFile) -> str:
    canonical = json.dumps(form.model_dump(mode="json", by_alias=True), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def program_values(plan: PlanFile, programs: ProgramsFile, code: str) -> dict[str, Any]:
    """The columns of one program of the file, as the loader writes them."""
    spec = next(p for p in programs.programs if p.code == code)
    task = next(t for t, r in plan.all_rules() if r.code == spec.rule)
    rule = plan.rule_by_code(spec.rule)
    tier = next((t for t in getattr(rule, "tiers", ()) if t.code == spec.tier), None)
    form_code, form_version = spec.form.split("@")
    sheet = programs.score_sheet(spec)
    return {
        "plan_code": plan.plan.code, "task_number": task.number, "task_title": task.title,
        "rule_code": rule.code, "rule_kind": rule.kind, "tier_code": spec.tier,
        "name": spec.name or (f"{rule.name}（{tier.name}）" if tier else rule.name),
        "name_en": spec.name_en or (f"{rule.name_en} ({tier.code})" if tier else rule.name_en),
        "description": spec.description, "quote": rule.quote, "payer": rule.payer,
        "applicant_type": spec.applicant_type, "reviewing_agency": spec.reviewing_agency or task.lead[0],
        "nominators": expand_agencies(plan, spec.nominators), "plan_quota": rule.quota,
        "plan_quota_approximate": rule.quota_approximate, "form_code": form_code, "form_version": int(form_version),
        "score_sheet": {"criteria": [c.model_dump() for c in sheet.criteria], "max_total": sheet.max_total},
        "min_experts": programs.min_experts_of(spec), "award_kind": spec.award_kind,
        "eligibility": spec.eligibility.model_dump(mode="json"),
    }


async def load_programs(session: AsyncSession, plan: PlanFile, plans_dir: Path) -> LoadSummary:
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOAD_LOCK})
    path = programs_path(plans_dir, plan.plan.code)
    summary = LoadSummary(plan.plan.code, path.name if path.is_file() else None)
    await _load_plan_reference(session, plan, summary)
    if summary.programs_file is None:
        return summary
    try:
        programs, forms = load_programs_file(path, plan)
    except PlanFileError as exc:
        raise PlanLoadError(str(exc)) from exc
    now = clock.now()
    for form in forms.values():
        await _load_form(session, form, summary, now)
    wanted = {p.code for p in programs.programs}
    for spec in programs.programs:
        values = program_values(plan, programs, spec.code)
        existing = await session.scalar(select(Program).where(Program.code == spec.code))
        if existing is None:
            session.add(Program(code=spec.code, source="plan", created_at=now, updated_at=now, **values))
            await record_change(session, AuditLog, actor=LOADER_ACTOR, action="program.load", entity_type="program",
                                entity_id=spec.code, after=values)
            summary.created["programs"] += 1
            continue
        if existing.source != "plan" or existing.plan_code != plan.plan.code:
            raise PlanLoadError(f"program {spec.code}: the code is already used by another plan or an administrator")
        before = {k: getattr(existing, k) for k in values}
        if before == values:
            summary.unchanged["programs"] += 1
            continue
        for name, value in values.items():
            setattr(existing, name, value)
        existing.updated_at = now
        await record_change(session, AuditLog, actor=LOADER_ACTOR, action="program.load", entity_type="program",
                            entity_id=spec.code, before=before, after=values)
        summary.updated["programs"] += 1
    await _delete_dropped(session, plan.plan.code, wanted, summary)
    await session.flush()
    return summary


async def _load_plan_reference(session: AsyncSession, plan: PlanFile, summary: LoadSummary) -> None:
    info = plan.plan
    values = {"title": info.title, "title_en": info.title_en, "document_number": info.document_number,
              "period_start": info.period_start, "period_end": info.period_end}
    row = await session.get(PlanRef, info.code)
    if row is None:
        session.add(PlanRef(code=info.code, **values))
        summary.created["plans"] += 1
    elif any(getattr(row, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(row, name, value)
        summary.updated["plans"] += 1
    await session.flush()
    existing = {a.code: a for a in await session.scalars(select(PlanAgency).where(PlanAgency.plan_code == info.code))}
    for agency in plan.agencies:
        values = {"name": agency.name, "name_en": agency.name_en, "kind": agency.kind}
        row = existing.pop(agency.code, None)
        if row is None:
            session.add(PlanAgency(plan_code=info.code, code=agency.code, **values))
            summary.created["agencies"] += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            summary.updated["agencies"] += 1
    for row in existing.values():
        await session.delete(row)
        summary.deleted["agencies"] += 1
    tasks = {t.number: t for t in await session.scalars(select(PlanTask).where(PlanTask.plan_code == info.code))}
    for task in plan.tasks:
        values = {"title": task.title, "lead": list(task.lead), "responsible": list(task.responsible)}
        row = tasks.pop(task.number, None)
        if row is None:
            session.add(PlanTask(plan_code=info.code, number=task.number, **values))
            summary.created["tasks"] += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            summary.updated["tasks"] += 1
    for row in tasks.values():
        await session.delete(row)
        summary.deleted["tasks"] += 1


async def _load_form(session: AsyncSession, form: FormFile, summary: LoadSummary, now) -> None:  # noqa: ANN001
    digest = _digest(form)
    row = await session.scalar(select(Form).where(Form.code == form.code, Form.version == form.version))
    if row is None:
        session.add(Form(code=form.code, version=form.version, title=form.title, title_en=form.title_en,
                         json_schema=form.json_schema, ui_schema=form.ui_schema, digest=digest, loaded_at=now))
        await record_change(session, AuditLog, actor=LOADER_ACTOR, action="form.load", entity_type="form",
                            entity_id=form.ref, after={"digest": digest})
        summary.created["forms"] += 1
    elif row.digest != digest:
        raise PlanLoadError(f"form {form.ref} differs from the version already loaded; a loaded version never "
                            f"changes: give the changed form version {form.version + 1}")
    else:
        summary.unchanged["forms"] += 1


async def _delete_dropped(session: AsyncSession, plan_code: str, wanted: set[str], summary: LoadSummary) -> None:
    dropped = list(await session.scalars(select(Program).where(Program.plan_code == plan_code,
                                                               Program.source == "plan",
                                                               Program.code.not_in(wanted))))
    for program in dropped:
        if await session.scalar(select(Call.id).where(Call.program_id == program.id).limit(1)) is not None:
            raise PlanLoadError(f"program {program.code} is no longer in the programs file, but calls were opened "
                                "for it; keep it in the file")
        await record_change(session, AuditLog, actor=LOADER_ACTOR, action="program.delete", entity_type="program",
                            entity_id=program.code, before={"name": program.name})
        await session.execute(delete(Program).where(Program.id == program.id))
        summary.deleted["programs"] += 1
