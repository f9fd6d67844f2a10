"""Annotated dependency aliases: callers by role and scope, the clock, the funding client, the cipher."""

from typing import Annotated

from fastapi import Depends, Request

from applications.clients.funding import FundingClient
from applications.config import ApplicationsSettings
from applications.crypto import PersonalDataCipher
from applications.decisions.saga import Saga
from applications.decisions.service import JoinedApprovals
from applications.models import IdempotencyRecord
from servicekit.clock import Now
from servicekit.idempotency import IdempotentPost, idempotent_post
from servicekit.identity import CurrentPrincipal, Principal, require_role
from servicekit.unit_of_work import ReadSession, WriteSession

__all__ = ["ActingCaller", "AdminCaller", "ApplicantCaller", "Cipher", "CurrentPrincipal", "ExpertCaller", "Funding",
           "Idempotent", "JoinedApprovalsDep", "Now", "ReadSession", "Reader", "SagaDep", "Settings", "StaffActor",
           "StaffReader", "WriteSession"]

READ_SCOPE = "applications:read"
REVIEW_SCOPE = "applications:review"

AdminCaller = Annotated[Principal, Depends(require_role("admin"))]
ApplicantCaller = Annotated[Principal, Depends(require_role("applicant"))]
ExpertCaller = Annotated[Principal, Depends(require_role("expert"))]
# Anyone signed in who may read applications (an agency key needs applications:read).
Reader = Annotated[Principal, Depends(require_role("applicant", "reviewer", "agency", "admin", "expert",
                                                   scope=READ_SCOPE))]
# Anyone signed in who may act on an application (an agency key needs applications:review).
ActingCaller = Annotated[Principal, Depends(require_role("applicant", "reviewer", "agency", "admin",
                                                       scope=REVIEW_SCOPE))]
# Agency staff and administrators.
StaffReader = Annotated[Principal, Depends(require_role("reviewer", "agency", "admin", scope=READ_SCOPE))]
StaffActor = Annotated[Principal, Depends(require_role("reviewer", "agency", "admin", scope=REVIEW_SCOPE))]


async def _funding(request: Request) -> FundingClient:
    return request.app.state.funding


async def _cipher(request: Request) -> PersonalDataCipher:
    return request.app.state.cipher


async def _saga(request: Request) -> Saga:
    return request.app.state.saga


async def _joined_approvals(request: Request) -> JoinedApprovals:
    return request.app.state.joined_approvals


async def _settings(request: Request) -> ApplicationsSettings:
    return request.app.state.settings


Funding = Annotated[FundingClient, Depends(_funding)]
Cipher = Annotated[PersonalDataCipher, Depends(_cipher)]
Settings = Annotated[ApplicationsSettings, Depends(_settings)]
SagaDep = Annotated[Saga, Depends(_saga)]
JoinedApprovalsDep = Annotated[JoinedApprovals, Depends(_joined_approvals)]

# A creating POST made idempotent per caller by its Idempotency-Key (servicekit's shared implementation).
Idempotent = Annotated[IdempotentPost, Depends(idempotent_post(IdempotencyRecord))]
