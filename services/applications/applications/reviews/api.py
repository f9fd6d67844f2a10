"""Expert review (专家评审): the reviewing agency assigns experts and reads their scores; an expert declares
conflicts of interest and scores on the program's score sheet."""

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from applications.deps import ExpertCaller, Idempotent, Now, ReadSession, StaffActor, StaffReader, WriteSession
from applications.filings.service import load_visible
from applications.reviews import service
from applications.reviews.schemas import (
    AssignmentCreate,
    AssignmentRead,
    DeclarationCreate,
    MyAssignmentRead,
    ReviewSummary,
    ScoreSheetCreate,
)
from applications.types import ApplicationId, AssignmentId
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(tags=["reviews"], responses=PROBLEM_RESPONSES)


@router.post("/applications/{application_id}/experts", response_model=AssignmentRead, status_code=201,
             summary="Assign an expert")
async def assign_expert(application_id: ApplicationId, body: AssignmentCreate, caller: StaffActor,
                        session: WriteSession, now: Now,
                        idempotent: Idempotent) -> AssignmentRead | JSONResponse:
    """As the reviewing agency, in formal or expert review: an expert (a user with the role expert) to score it."""
    application, program, standing = await load_visible(session, caller, application_id, lock=True)

    async def work() -> AssignmentRead:
        return await service.assign_expert(session, caller, application, program, standing, body, now)

    return await idempotent.run(caller.actor, body, work, status_code=201)


@router.delete("/applications/{application_id}/experts/{assignment_id}", status_code=204, response_class=Response,
               summary="Remove an expert")
async def remove_expert(application_id: ApplicationId, assignment_id: AssignmentId, caller: StaffActor,
                        session: WriteSession) -> Response:
    """As the reviewing agency: take back an assignment the expert has not scored (e.g. after a conflict)."""
    application, _, standing = await load_visible(session, caller, application_id, lock=True)
    await service.remove_assignment(session, caller, application, standing, assignment_id)
    return Response(status_code=204)


@router.get("/applications/{application_id}/reviews", response_model=ReviewSummary, summary="Read expert reviews")
async def read_reviews(application_id: ApplicationId, caller: StaffReader, session: ReadSession) -> ReviewSummary:
    """As the reviewing agency: the experts, their declarations and score sheets, and how many are complete."""
    application, program, standing = await load_visible(session, caller, application_id)
    return await service.review_summary(session, application, program, standing)


@router.get("/reviews/assignments", response_model=list[MyAssignmentRead], summary="List my review assignments")
async def list_my_assignments(caller: ExpertCaller, session: ReadSession) -> list[MyAssignmentRead]:
    """As an expert: what you are assigned, with who applies (to judge conflicts) and the score sheet."""
    return await service.my_assignments(session, caller)


@router.post("/reviews/assignments/{assignment_id}/declaration", response_model=MyAssignmentRead,
             summary="Declare conflicts of interest")
async def declare(assignment_id: AssignmentId, body: DeclarationCreate, caller: ExpertCaller, session: WriteSession,
                  now: Now) -> MyAssignmentRead:
    """As the expert, once: no conflict (the file then opens to you, personal data masked) or a conflict."""
    return await service.declare(session, caller, assignment_id, body, now)


@router.put("/reviews/assignments/{assignment_id}/score-sheet", response_model=MyAssignmentRead,
            summary="Submit my score sheet")
async def submit_score_sheet(assignment_id: AssignmentId, body: ScoreSheetCreate, caller: ExpertCaller,
                             session: WriteSession, now: Now) -> MyAssignmentRead:
    """As the expert, after declaring no conflict and while in expert review: points per criterion and an opinion."""
    return await service.submit_scores(session, caller, assignment_id, body, now)
