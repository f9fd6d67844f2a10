"""Eligibility rules stated as data (the call's copy of its program's), checked when an application is
submitted: an age limit on a cut-off day (with variants by gender or discipline), full-time employment in the
province, one application per applicant a year, no application while holding an active award of the kind."""

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.filings.repository import FilingRepository
from applications.locks import lock_name
from applications.models import Application, Call, Program


def age_on(born: date, day: date) -> int:
    """Full years of age on `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_limit(rule: dict[str, Any], gender: str | None, discipline: str | None) -> int:
    """The first variant that fits the applicant, else the general limit."""
    for variant in rule.get("variants", []):
        if variant.get("gender") not in (None, gender) or variant.get("discipline") not in (None, discipline):
            continue
        return variant["years"]
    return rule["years"]


def check_age(eligibility: dict[str, Any], personal: dict[str, Any], form_data: dict[str, Any]) -> None:
    rule = eligibility.get("age_max")
    if not rule:
        return
    cutoff = date.fromisoformat(rule["cutoff_date"])
    limit = age_limit(rule, personal.get("gender"), form_data.get("discipline"))
    age = age_on(date.fromisoformat(personal["birth_date"]), cutoff)
    if age > limit:
        raise errors.NotEligible("age_max", f"年龄超过限制：截至 {cutoff.isoformat()} 应不超过 {limit} 周岁（您为 {age} 周岁）。",
                                 f"Too old: at most {limit} full years on {cutoff.isoformat()} (you are {age}).")


def check_full_time(eligibility: dict[str, Any], form_data: dict[str, Any]) -> None:
    if eligibility.get("full_time_in_province") and form_data.get("full_time_in_province") is not True:
        raise errors.NotEligible("full_time_in_province", "本项目要求申报人全职在本省工作。",
                                 "This program is for people employed full time in the province.")


async def check_cycle_and_awards(session: AsyncSession, application: Application, program: Program, call: Call,
                                 digest: str | None) -> None:
    """One application a year (among the programs that say so) and no active award of the same kind, for the
    applicant's account and for anyone with the same ID number. Holds a lock per person until commit, so two
    submissions of one person on two replicas take turns."""
    for name in sorted({f"applicant:{application.applicant_subject}", *([f"identity:{digest}"] if digest else [])}):
        await lock_name(session, name)
    repo = FilingRepository(session)
    if call.eligibility.get("one_application_per_cycle"):
        for other, other_program in await repo.active_in_cycle(application, digest, call.plan_code, call.year):
            if other_program.eligibility.get("one_application_per_cycle"):
                raise errors.AlreadyAppliedInCycle(call.year, other.id)
    if call.eligibility.get("no_active_award_of_kind") and await repo.holds_award(application, digest,
                                                                                 program.award_kind):
        raise errors.ActiveAward(program.award_kind)
