"""The applications service's tables: the plan's programs and their forms (loaded from plan data), calls with
their quotas and allocations, applications with their timeline, attachments, expert reviews, public notices
and objections. Personal data (ID number, phone, e-mail, an objector's contact) is stored encrypted only."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.audit import AuditLogMixin
from servicekit.database import UTCDateTime, new_metadata
from servicekit.idempotency import IdempotencyRecordMixin
from servicekit.outbox import OutboxEventMixin


class Base(DeclarativeBase):
    metadata = new_metadata()


class AuditLog(AuditLogMixin, Base):
    __tablename__ = "audit_log"


class OutboxEvent(OutboxEventMixin, Base):
    """Events for the agencies' feed, written with the change they tell of and relayed in order."""

    __tablename__ = "event_outbox"


class IdempotencyRecord(IdempotencyRecordMixin, Base):
    pass


# --- plan data ---------------------------------------------------------------------------------------


class PlanRef(Base):
    """A loaded plan, as much of it as the catalog cites."""

    __tablename__ = "plans"

    code: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    document_number: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)


class PlanAgency(Base):
    """An agency the plan names (cities, departments): who may nominate and who reviews, with their names."""

    __tablename__ = "plan_agencies"
    __table_args__ = (UniqueConstraint("plan_code", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_code: Mapped[str] = mapped_column(ForeignKey("plans.code", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))


class PlanTask(Base):
    """A task of the plan: the clause a program comes from, and the agencies that own it."""

    __tablename__ = "plan_tasks"
    __table_args__ = (UniqueConstraint("plan_code", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_code: Mapped[str] = mapped_column(ForeignKey("plans.code", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    lead: Mapped[list[str]] = mapped_column(JSON)
    responsible: Mapped[list[str]] = mapped_column(JSON)


class Form(Base):
    """One version of an application form (JSON Schema + ui schema). A loaded version never changes."""

    __tablename__ = "forms"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    json_schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    ui_schema: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Program(Base):
    """A fundable program: one funding rule (and tier) of the plan that people, teams or institutions apply for."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    plan_code: Mapped[str] = mapped_column(ForeignKey("plans.code"))
    task_number: Mapped[int] = mapped_column(Integer)
    task_title: Mapped[str] = mapped_column(String(300))
    rule_code: Mapped[str] = mapped_column(String(80), index=True)
    rule_kind: Mapped[str] = mapped_column(String(40))
    tier_code: Mapped[str | None] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str] = mapped_column(Text)
    payer: Mapped[str] = mapped_column(String(40))
    applicant_type: Mapped[str] = mapped_column(String(20))
    reviewing_agency: Mapped[str] = mapped_column(String(80), index=True)
    nominators: Mapped[list[str]] = mapped_column(JSON)
    # The rule's quota over the plan's whole period (shared by the programs of one rule), if it states one.
    plan_quota: Mapped[int | None] = mapped_column(Integer)
    plan_quota_approximate: Mapped[bool] = mapped_column(Boolean)
    form_code: Mapped[str] = mapped_column(String(80))
    form_version: Mapped[int] = mapped_column(Integer)
    score_sheet: Mapped[dict[str, Any]] = mapped_column(JSON)
    min_experts: Mapped[int] = mapped_column(Integer)
    award_kind: Mapped[str] = mapped_column(String(80))
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Set by an administrator for a rule that states no amount (奖补): the input of the rule's computation.
    decided_amount_fen: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    source: Mapped[str] = mapped_column(String(20))  # "plan" (the programs file) or "admin"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- calls and quotas --------------------------------------------------------------------------------


class Call(Base):
    """A call for applications (申报批次) of one program in one year, open between two moments."""

    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("program_id", "year"),
                      CheckConstraint("closes_at > opens_at", name="window_is_ordered"))

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    plan_code: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON)
    notice_working_days: Mapped[int] = mapped_column(Integer)
    objection_working_days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class CallQuota(Base):
    """How many awards a call may make. `approved + reserved` never exceeds `total` (the approval saga reserves
    a slot, then turns it into an approval); allocations never sum above it."""

    __tablename__ = "call_quotas"
    __table_args__ = (
        CheckConstraint("total >= 0 AND nominated >= 0 AND reserved >= 0 AND approved >= 0", name="not_negative"),
        CheckConstraint("approved + reserved <= total", name="within_total"),
    )

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True)
    total: Mapped[int] = mapped_column(Integer)
    nominated: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)


class QuotaAllocation(Base):
    """A nominating agency's share of a call (名额): it nominates at most `size` applications."""

    __tablename__ = "quota_allocations"
    __table_args__ = (
        UniqueConstraint("call_id", "agency_code"),
        CheckConstraint("size >= 0 AND nominated >= 0 AND reserved >= 0 AND approved >= 0", name="not_negative"),
        CheckConstraint("nominated <= size", name="nominated_within_size"),
        CheckConstraint("approved + reserved <= size", name="awards_within_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    agency_code: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    nominated: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)


class QuotaChange(Base):
    """Every change of a call's total or of an allocation: who, when, before, after and why."""

    __tablename__ = "quota_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    agency_code: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[int | None] = mapped_column(Integer)
    after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- applications ----------------------------------------------------------------------------------


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    applicant_subject: Mapped[str] = mapped_column(String(200), index=True)
    state: Mapped[str] = mapped_column(String(40), index=True)
    nominating_agency: Mapped[str] = mapped_column(String(80), index=True)
    # The allocation the nomination counts against (None before nomination, or when the call has none).
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("quota_allocations.id"))
    counts_as_nominated: Mapped[bool] = mapped_column(Boolean, default=False)
    form_code: Mapped[str] = mapped_column(String(80))
    form_version: Mapped[int] = mapped_column(Integer)
    form_data: Mapped[dict[str, Any]] = mapped_column(JSON)
    applicant_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(300))
    # ID number, phone, e-mail (and birth date, gender) as one AES-GCM ciphertext naming its key.
    personal_ciphertext: Mapped[str | None] = mapped_column(Text)
    # HMAC of the normalised ID number: finds the same person across accounts without decrypting.
    identity_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    # What the rule grants this application, computed by the funding service when it is recommended.
    amount_fen: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    rule_version: Mapped[int | None] = mapped_column(Integer)
    # Reserved for the approval saga: the id funding keys the reservation by.
    approval_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once nominated: from then on the reviewing agency sees it, whatever happens to it.
    nominated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApplicationEvent(Base):
    """The timeline: every transition (and note-worthy step) with who, in which role, when, from, to, why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str] = mapped_column(Text, default="")


class Attachment(Base):
    """Evidence (PDF, PNG, JPEG) in the database, so every replica serves it; the bytes load only on download."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- expert review ---------------------------------------------------------------------------------


class ExpertAssignment(Base):
    """An expert assigned to an application; the file opens to them only after they declare no conflict."""

    __tablename__ = "expert_assignments"
    __table_args__ = (UniqueConstraint("application_id", "expert_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    expert_subject: Mapped[str] = mapped_column(String(200), index=True)
    expert_name: Mapped[str] = mapped_column(String(200))
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    declaration: Mapped[str | None] = mapped_column(String(20))  # None, "no_conflict" or "conflict"
    declaration_note: Mapped[str] = mapped_column(Text, default="")
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ScoreSheet(Base):
    __tablename__ = "score_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("expert_assignments.id", ondelete="CASCADE"), unique=True)
    scores: Mapped[dict[str, int]] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- public notices --------------------------------------------------------------------------------


class Notice(Base):
    """A 公示 of a call's recommended applications, open for a number of working days."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer)
    published_by: Mapped[str] = mapped_column(String(200))
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NoticeEntry(Base):
    """One line of a 公示, as it was published: name, unit, program, amount."""

    __tablename__ = "notice_entries"
    __table_args__ = (UniqueConstraint("notice_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(300))
    program_name: Mapped[str] = mapped_column(String(300))
    amount_fen: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class Objection(Base):
    """An objection to a notice entry (异议), filed under a real name; it holds the application until resolved."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    filer_name: Mapped[str] = mapped_column(String(100))
    # The filer's phone or e-mail, encrypted like applicants' personal data.
    filer_contact_ciphertext: Mapped[str] = mapped_column(Text)
    filer_unit: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolve_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open, upheld, dismissed
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(200))


# --- the decision (the approval saga) --------------------------------------------------------------


class Approval(Base):
    """One attempt to approve an application: the quota slot and the money secured together, keyed by its id
    (funding's reservation and the agencies service's count use the same id). A failed attempt stays as it
    was, with its reason; a later attempt is a new approval."""

    __tablename__ = "approvals"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    allocation_id: Mapped[int | None] = mapped_column(ForeignKey("quota_allocations.id"))
    program_code: Mapped[str] = mapped_column(String(80))
    rule_code: Mapped[str] = mapped_column(String(80))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    # The nominating city, counted per city in the derived deliverable (None for a department).
    city_code: Mapped[str | None] = mapped_column(String(80))
    amount_fen: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    # reserving (quota slot held, money being reserved) → approved → revoked; or → failed (slot released).
    status: Mapped[str] = mapped_column(String(20), index=True)
    # What funding holds for it: none, reserved, posted, voided, reversed, refused.
    money: Mapped[str] = mapped_column(String(20), default="none")
    # Whether the agencies service counts it in the derived deliverable.
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_zh: Mapped[str | None] = mapped_column(Text)
    failure_en: Mapped[str | None] = mapped_column(Text)
    failure_detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class SagaStep(Base):
    """The saga's outbox: a step to take at another service for an approval, written in the same transaction
    as the state change that needs it. Workers lease due steps (SKIP LOCKED on PostgreSQL), one at a time per
    approval, in order; every step is idempotent at the other service, keyed by the approval id."""

    __tablename__ = "saga_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[str] = mapped_column(ForeignKey("approvals.id"), index=True)
    step: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)  # pending, done, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReconcilerReport(Base):
    """One run of the reconciler: what it found and fixed."""

    __tablename__ = "reconciler_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[str] = mapped_column(String(20))  # periodic, admin, cli
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fixed: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


# --- the working-day calendar beyond chinesecalendar's years ----------------------------------------


class CalendarYear(Base):
    """A year's public holidays as the State Council's notice (国务院办公厅关于某年部分节假日安排的通知) sets them,
    entered by an administrator for a year the chinesecalendar package does not cover yet."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    notice: Mapped[str] = mapped_column(String(300))
    entered_by: Mapped[str] = mapped_column(String(200))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CalendarDay(Base):
    """A day off (a public holiday) or a weekend day worked instead (调休) of an entered year; every other day is
    a working day from Monday to Friday."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True)
    working: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(40))
