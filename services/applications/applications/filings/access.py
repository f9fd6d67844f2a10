"""How a caller stands to one application — the one place object-level access is decided: who they are to it
(owner, nominator, reviewing agency, admin; anyone is `public`) and what they may see of it."""

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from applications.errors import ApplicationNotFound
from applications.filings.repository import FilingRepository
from applications.models import Application, ExpertAssignment, Program
from applications.workflow import Actor, State
from servicekit.identity import Principal

REVIEW_SCOPE = "applications:review"
View = Literal["full", "masked"]


@dataclass(frozen=True)
class Standing:
    actors: frozenset[Actor]
    view: View | None
    assignment: ExpertAssignment | None = None


def _acts_for(principal: Principal, agency: str) -> bool:
    """A reviewer of the agency, or its API key with the review scope."""
    if not principal.acts_for_agency(agency):
        return False
    return principal.role == "reviewer" or REVIEW_SCOPE in principal.scopes


async def standing(session: AsyncSession, principal: Principal, application: Application,
                   program: Program) -> Standing:
    actors = {Actor.public}
    view: View | None = None
    assignment = None
    if principal.role == "admin":
        actors.add(Actor.admin)
        view = "full"
    elif principal.role == "applicant" and principal.subject == application.applicant_subject:
        actors.add(Actor.owner)
        view = "full"
    elif principal.role in ("reviewer", "agency"):
        if application.state != State.draft and principal.acts_for_agency(application.nominating_agency):
            view = "full"
            if _acts_for(principal, application.nominating_agency):
                actors.add(Actor.nominator)
        if application.nominated_at is not None and principal.acts_for_agency(program.reviewing_agency):
            view = "full"
            if _acts_for(principal, program.reviewing_agency):
                actors.add(Actor.reviewing_agency)
    elif principal.role == "expert":
        assignment = await FilingRepository(session).assignment(application.id, principal.subject)
        if assignment is not None and assignment.declaration == "no_conflict":
            view = "masked"
    return Standing(frozenset(actors), view, assignment)


async def visible_standing(session: AsyncSession, principal: Principal, application: Application,
                           program: Program) -> Standing:
    """The caller's standing, or 404 for one who may not see the application (its existence is not told)."""
    found = await standing(session, principal, application, program)
    if found.view is None:
        raise ApplicationNotFound()
    return found
