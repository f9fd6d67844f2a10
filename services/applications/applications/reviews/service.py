"""Expert review: the reviewing agency assigns experts; each declares a conflict of interest, or none, before the
file opens to them; then scores it on the program's score sheet. The recommendation needs the program's
number of complete score sheets (filings.service checks it)."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from applications import errors
from applications.filings.access import Standing
from applications.filings.service import load, state_label
from applications.models import Application, AuditLog, ExpertAssignment, Program, ScoreSheet
from applications.reviews.repository import ReviewRepository
from applications.reviews.schemas import (
    AssignmentCreate,
    AssignmentRead,
    CriterionRead,
    DeclarationCreate,
    MyAssignmentRead,
    ReviewSummary,
    ScoreSheetCreate,
    ScoreSheetRead,
)
from applications.workflow import Actor, State
from servicekit.audit import record_change
from servicekit.identity import Principal
from servicekit.problems import FieldProblem

ASSIGNABLE_STATES = (State.formal_review, State.expert_review)


def _sheet_read(sheet: ScoreSheet | None, program: Program) -> ScoreSheetRead | None:
    if sheet is None:
        return None
    return ScoreSheetRead(scores=sheet.scores, total=sheet.total, max_total=program.score_sheet["max_total"],
                          comment=sheet.comment, submitted_at=sheet.submitted_at)


def _assignment_read(assignment: ExpertAssignment, sheet: ScoreSheet | None, program: Program) -> AssignmentRead:
    return AssignmentRead(id=assignment.id, application_id=assignment.application_id,
                          expert=assignment.expert_subject, expert_name=assignment.expert_name,
                          assigned_at=assignment.assigned_at, declaration=assignment.declaration,
                          declared_at=assignment.declared_at, declaration_note=assignment.declaration_note,
                          score_sheet=_sheet_read(sheet, program))


def _require_reviewer(standing: Standing) -> None:
    if not standing.actors & {Actor.reviewing_agency, Actor.admin}:
        raise errors.NotReviewingAgency()


async def assign_expert(session: AsyncSession, principal: Principal, application: Application, program: Program,
                        standing: Standing, body: AssignmentCreate, now: datetime) -> AssignmentRead:
    _require_reviewer(standing)
    if State(application.state) not in ASSIGNABLE_STATES:
        raise errors.ReviewClosed()
    repo = ReviewRepository(session)
    if any(a.expert_subject == body.expert for a, _ in await repo.assignments_of(application.id)):
        raise errors.ExpertAlreadyAssigned()
    assignment = await repo.add(ExpertAssignment(
        application_id=application.id, expert_subject=body.expert, expert_name=body.expert_name,
        assigned_by=principal.actor, assigned_at=now, declaration=None, declaration_note=""))
    await record_change(session, AuditLog, actor=principal.actor, action="expert.assign", entity_type="application",
                        entity_id=application.id, after={"assignment": assignment.id, "expert": body.expert})
    return _assignment_read(assignment, None, program)


async def remove_assignment(session: AsyncSession, principal: Principal, application: Application,
                            standing: Standing, assignment_id: int) -> None:
    _require_reviewer(standing)
    repo = ReviewRepository(session)
    assignment = await repo.assignment(assignment_id)
    if assignment is None or assignment.application_id != application.id:
        raise errors.AssignmentNotFound()
    if await repo.sheet(assignment.id) is not None:
        raise errors.AssignmentScored()
    await record_change(session, AuditLog, actor=principal.actor, action="expert.remove", entity_type="application",
                        entity_id=application.id, before={"assignment": assignment.id,
                                                          "expert": assignment.expert_subject})
    await session.delete(assignment)
    await session.flush()


async def review_summary(session: AsyncSession, application: Application, program: Program,
                         standing: Standing) -> ReviewSummary:
    _require_reviewer(standing)
    rows = await ReviewRepository(session).assignments_of(application.id)
    complete = [sheet for assignment, sheet in rows if sheet is not None and assignment.declaration == "no_conflict"]
    return ReviewSummary(application_id=application.id, min_experts=program.min_experts, complete=len(complete),
                         average_total=round(sum(s.total for s in complete) / len(complete), 2) if complete else None,
                         assignments=[_assignment_read(a, s, program) for a, s in rows])


# --- the expert's side ---------------------------------------------------------------------------------


def _mine(assignment: ExpertAssignment, application: Application, program: Program,
          sheet: ScoreSheet | None) -> MyAssignmentRead:
    return MyAssignmentRead(
        id=assignment.id, application_id=application.id, program_code=program.code, program_name=program.name,
        applicant_name=application.applicant_name, unit=application.unit, application_state=application.state,
        application_state_label=state_label(application.state), assigned_at=assignment.assigned_at,
        declaration=assignment.declaration, declared_at=assignment.declared_at,
        criteria=[CriterionRead(**c) for c in program.score_sheet["criteria"]], score_sheet=_sheet_read(sheet, program),
        can_score=assignment.declaration == "no_conflict" and application.state == State.expert_review)


async def my_assignments(session: AsyncSession, principal: Principal) -> list[MyAssignmentRead]:
    return [_mine(a, app, p, s) for a, app, p, s in await ReviewRepository(session).of_expert(principal.subject)]


async def _my_assignment(session: AsyncSession, principal: Principal,
                         assignment_id: int) -> tuple[ExpertAssignment, Application, Program]:
    assignment = await ReviewRepository(session).assignment(assignment_id)
    if assignment is None or assignment.expert_subject != principal.subject:
        raise errors.AssignmentNotFound()
    application, program = await load(session, assignment.application_id)
    return assignment, application, program


async def declare(session: AsyncSession, principal: Principal, assignment_id: int, body: DeclarationCreate,
                  now: datetime) -> MyAssignmentRead:
    assignment, application, program = await _my_assignment(session, principal, assignment_id)
    if assignment.declaration is not None:
        raise errors.AlreadyDeclared()
    if body.declaration == "conflict" and not body.note:
        raise errors.ConflictNoteRequired()
    assignment.declaration, assignment.declaration_note, assignment.declared_at = body.declaration, body.note, now
    await record_change(session, AuditLog, actor=principal.actor, action="expert.declare", entity_type="application",
                        entity_id=application.id, after={"assignment": assignment.id, "declaration": body.declaration})
    await session.flush()
    return _mine(assignment, application, program, await ReviewRepository(session).sheet(assignment.id))


def _checked_scores(program: Program, scores: dict[str, int]) -> int:
    criteria = {c["code"]: c for c in program.score_sheet["criteria"]}
    problems = [FieldProblem(field=f"body.scores.{code}", message="评分表中没有此项 / not a criterion", type="unknown")
                for code in scores if code not in criteria]
    for code, criterion in criteria.items():
        points = scores.get(code)
        if points is None:
            problems.append(FieldProblem(field=f"body.scores.{code}", message=f"请为「{criterion['name']}」评分 / "
                                         f"score {criterion['name_en']}", type="required"))
        elif not 0 <= points <= criterion["max_points"]:
            problems.append(FieldProblem(field=f"body.scores.{code}", message=f"应在 0–{criterion['max_points']} "
                                         f"分之间 / between 0 and {criterion['max_points']}", type="range"))
    if problems:
        raise errors.ScoreSheetInvalid(problems)
    return sum(scores.values())


async def submit_scores(session: AsyncSession, principal: Principal, assignment_id: int, body: ScoreSheetCreate,
                        now: datetime) -> MyAssignmentRead:
    assignment, application, program = await _my_assignment(session, principal, assignment_id)
    if assignment.declaration is None:
        raise errors.DeclarationRequired()
    if assignment.declaration == "conflict":
        raise errors.ExpertConflicted()
    if application.state != State.expert_review:
        raise errors.ReviewClosed()
    total = _checked_scores(program, body.scores)
    repo = ReviewRepository(session)
    sheet = await repo.sheet(assignment.id)
    before = None if sheet is None else {"scores": sheet.scores, "total": sheet.total}
    if sheet is None:
        sheet = await repo.add(ScoreSheet(assignment_id=assignment.id, scores=body.scores, total=total,
                                          comment=body.comment, submitted_at=now))
    else:
        sheet.scores, sheet.total, sheet.comment, sheet.submitted_at = body.scores, total, body.comment, now
    await record_change(session, AuditLog, actor=principal.actor, action="expert.score", entity_type="application",
                        entity_id=application.id, before=before, after={"scores": body.scores, "total": total})
    await session.flush()
    return _mine(assignment, application, program, sheet)
