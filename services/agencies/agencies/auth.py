"""Who may call what: the role and scope checks behind the caller aliases in deps.py. Object-level checks (an
agency acts only on what it owns or leads) are the services' own."""

from typing import Annotated

from fastapi import Depends

from agencies.errors import EventRelayNotAllowed, NotWebhookManager, ServiceNotAllowed
from servicekit.identity import Principal, require_role

REPORT_WRITE_SCOPE = "reports:write"
REPORT_REVIEW_SCOPE = "reports:review"

reporter = require_role("agency", "reviewer", scope=REPORT_WRITE_SCOPE)
report_reviewer = require_role("agency", "reviewer", scope=REPORT_REVIEW_SCOPE)
admin = require_role("admin")
# An agency's system reads what it is chased for with the scope it reports with.
supervision_viewer = require_role("admin", "reviewer", "agency", scope=REPORT_WRITE_SCOPE)


async def applications_service(principal: Annotated[Principal, Depends(require_role("service"))]) -> Principal:
    """Approvals are recorded by the applications service alone, not by any other service."""
    if principal.subject != "applications":
        raise ServiceNotAllowed()
    return principal


WEBHOOK_MANAGE_SCOPE = "webhooks:manage"
event_reader = require_role("admin", "reviewer", "agency")


async def webhook_manager(principal: Annotated[Principal, Depends(require_role("admin", "reviewer"))]) -> Principal:
    """An admin, or the agency's key admin (the gateway gives that reviewer the scope `webhooks:manage`)."""
    if principal.role == "reviewer" and (WEBHOOK_MANAGE_SCOPE not in principal.scopes or not principal.agency):
        raise NotWebhookManager()
    return principal


async def event_relay(principal: Annotated[Principal, Depends(require_role("service"))]) -> Principal:
    """Events are relayed by the services that record them in an outbox."""
    if principal.subject not in ("applications", "funding"):
        raise EventRelayNotAllowed()
    return principal
