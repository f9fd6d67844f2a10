"""The agencies service's tables: the plan as data (plans, sections, groups, tasks, agencies, owners,
deliverables), progress (reports, reviews, derived approvals) and supervision (escalations)."""

from datetime import date, datetime
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from servicekit.audit import AuditLogMixin
from servicekit.database import UTCDateTime, new_metadata
from servicekit.idempotency import IdempotencyRecordMixin


class Base(DeclarativeBase):
    metadata = new_metadata()


class AuditLog(AuditLogMixin, Base):
    __tablename__ = "audit_log"


class IdempotencyRecord(IdempotencyRecordMixin, Base):
    pass


# --- the plan ---------------------------------------------------------------------------------------


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    document_number: Mapped[str] = mapped_column(String(100))
    issuers: Mapped[list[str]] = mapped_column(JSON)
    issued_on: Mapped[date] = mapped_column(Date)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(100))
    # Bumped by every load that changes the plan; processes caching its structure compare against it.
    revision: Mapped[int] = mapped_column(Integer)

    targets: Mapped[list["PlanTarget"]] = relationship(order_by="PlanTarget.position", lazy="raise")
    sections: Mapped[list["Section"]] = relationship(order_by="Section.number", lazy="raise")


class TargetColumns:
    """What a target says, in a plan-wide goal and in a task's deliverable alike: the words of the plan, what is
    counted (in Chinese and English), how many, in which unit, compared how, by when."""

    code: Mapped[str] = mapped_column(String(80))
    quote: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str] = mapped_column(String(300))
    indicator_en: Mapped[str] = mapped_column(String(300))
    value: Mapped[float] = mapped_column(Double)
    value_max: Mapped[float | None] = mapped_column(Double)
    unit: Mapped[str] = mapped_column(String(20))
    unit_en: Mapped[str] = mapped_column(String(40))
    approximate: Mapped[bool] = mapped_column(Boolean)
    comparator: Mapped[str] = mapped_column(String(20))
    due: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)


class PlanTarget(TargetColumns, Base):
    """A plan-wide goal (工作目标), e.g. 专业技术人才达到 350 万人."""

    __tablename__ = "plan_targets"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)


class Section(Base):
    """一、总体要求 / 二、重点任务 / 三、组织领导."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    numeral: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))

    groups: Mapped[list["TaskGroup"]] = relationship(order_by="TaskGroup.number", lazy="raise")


class TaskGroup(Base):
    """A numbered group of tasks inside a section, e.g. （一）突出高精尖缺导向…"""

    __tablename__ = "task_groups"
    __table_args__ = (UniqueConstraint("section_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    numeral: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    intro: Mapped[str] = mapped_column(Text)


class Agency(Base):
    """A body that owns tasks: a department, a people's organization, a city, or a group such as 各市.
    The code is the agency's identity everywhere (API keys and reviewers are bound to it); a group's
    members are recorded per plan (GroupMember), since 各市 means the cities of that plan's region."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)


class PlanAgency(Base):
    """The agencies a plan names, in the plan file's order (the matrix's column order)."""

    __tablename__ = "plan_agencies"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    agency: Mapped[Agency] = relationship(lazy="raise")


class GroupMember(Base):
    """In plan `plan_id`, group `group_id` (e.g. 各市) stands for agency `member_id` (e.g. 沈阳市)."""

    __tablename__ = "group_members"
    __table_args__ = (Index("ix_group_members_member_id", "member_id"),)

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    member: Mapped[Agency] = relationship(foreign_keys=[member_id], lazy="raise")


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("task_groups.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    clause: Mapped[str] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(lazy="raise")
    section: Mapped[Section] = relationship(lazy="raise")
    group: Mapped[TaskGroup | None] = relationship(lazy="raise")
    owners: Mapped[list["TaskOwner"]] = relationship(
        order_by=lambda: [TaskOwner.role, TaskOwner.position], lazy="raise", cascade="all, delete-orphan"
    )
    deliverables: Mapped[list["Deliverable"]] = relationship(order_by="Deliverable.position", lazy="raise")


class TaskOwner(Base):
    """One cell of the responsibility matrix: `agency` is `role` (lead 牵头 / responsible 责任) on `task`,
    at `position` in the plan's list. An agency may hold both roles (task 20 lists 省委组织部 twice)."""

    __tablename__ = "task_owners"
    __table_args__ = (
        UniqueConstraint("task_id", "role", "agency_id"),
        Index("ix_task_owners_agency_id_role", "agency_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    role: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer)

    agency: Mapped[Agency] = relationship(lazy="raise")


class Deliverable(TargetColumns, Base):
    """A quantitative target of a task (e.g. 新建院士工作站 100 家). Reported by its owners, or derived
    from the approvals of the funding program `derived_from_program`. Codes are unique service-wide."""

    __tablename__ = "deliverables"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    recurrence: Mapped[str] = mapped_column(String(20))
    reporting: Mapped[str] = mapped_column(String(20))
    derived_from_program: Mapped[str | None] = mapped_column(String(80), index=True)
    part_of_id: Mapped[int | None] = mapped_column(ForeignKey("deliverables.id"))

    task: Mapped[Task] = relationship(lazy="raise", back_populates="deliverables")
    part_of: Mapped["Deliverable | None"] = relationship(remote_side=[id], lazy="raise")


# --- progress -----------------------------------------------------------------------------------------


class ProgressReport(Base):
    """An agency's cumulative value for a deliverable at the end of a reporting period, with evidence.
    pending → accepted | returned, decided by a lead agency of the task. `submitted_at` is when it was entered."""

    __tablename__ = "progress_reports"
    __table_args__ = (Index("ix_progress_reports_deliverable_id_agency_id", "deliverable_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(ForeignKey("deliverables.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Double)
    unit: Mapped[str] = mapped_column(String(20))
    narrative: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), index=True)
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The day the agency reported the value: the day it was filed, or for a report back-filled into the record
    # of a plan that has ended, the day the agency states. Supervision judges lateness by it.
    reported_on: Mapped[date] = mapped_column(Date)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)

    deliverable: Mapped[Deliverable] = relationship(lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")


class ReportReview(Base):
    """Each accept/return decision on a report: who, for which lead agency, when, with what comment."""

    __tablename__ = "report_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    reviewer_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DerivedApproval(Base):
    """An approved application, as told by the applications service; counted once per approval_id towards
    every deliverable derived from its program."""

    __tablename__ = "derived_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    approval_id: Mapped[str] = mapped_column(String(100), unique=True)
    program_code: Mapped[str] = mapped_column(String(80), index=True)
    application_id: Mapped[str] = mapped_column(String(100))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    city: Mapped[Agency | None] = relationship(lazy="raise")


# --- supervision --------------------------------------------------------------------------------------


class Escalation(Base):
    """One step of 督查督办 on an overdue report: (deliverable, agency, period) moved to `level`."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("deliverable_id", "agency_id", "period", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deliverable_id: Mapped[int] = mapped_column(ForeignKey("deliverables.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    step: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    deliverable: Mapped[Deliverable] = relationship(lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")


# --- events and webhooks ------------------------------------------------------------------------------


class Event(Base):
    """A domain event, of this service or relayed from another, written in the transaction of the change it
    tells of. `seq` orders the feed; `id` is the event's stable identity (a relayed event's own id, so a resend
    stores nothing new)."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(80), index=True)
    source: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    agencies: Mapped[list[str]] = mapped_column(JSON)
    payload: Mapped[dict] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class EventAgency(Base):
    """Event `event_seq` concerns agency `agency_code`: what an agency's feed reads, by key."""

    __tablename__ = "event_agencies"

    agency_code: Mapped[str] = mapped_column(String(80), primary_key=True)
    event_seq: Mapped[int] = mapped_column(ForeignKey("events.seq", ondelete="CASCADE"), primary_key=True)


class EventFeedState(Base):
    """One row: the highest event seq pruned so far; a cursor below it has lost events (410 cursor_expired)."""

    __tablename__ = "event_feed_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pruned_through: Mapped[int] = mapped_column(Integer)


class WebhookEndpoint(Base):
    """Where an agency (or an admin, for every agency when `agency_code` is null) wants events posted. The secret
    signs deliveries; after a rotation the previous one signs too until `previous_secret_expires_at`."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_code: Mapped[str | None] = mapped_column(String(80), index=True)
    url: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(String(500))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    secret: Mapped[str] = mapped_column(String(100))
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDelivery(Base):
    """One event to one endpoint: pending until the endpoint answers 2xx (succeeded) or the retry schedule is
    spent (failed). A worker leases it (`leased_until`) for one attempt; deliveries of one subject to one
    endpoint go in event order."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("endpoint_id", "event_seq"),
                      Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
                      Index("ix_webhook_deliveries_endpoint_id_subject", "endpoint_id", "subject"))

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    event_seq: Mapped[int] = mapped_column(ForeignKey("events.seq", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_latency_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(lazy="raise")
    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="raise")


class WebhookAttempt(Base):
    """The log of every attempt of a delivery: when, what the endpoint answered, how long it took."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
