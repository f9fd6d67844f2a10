"""Annotated dependency aliases: sessions, the clock, callers by role and scope, the catalog's caches, and
idempotent POSTs."""

from typing import Annotated

from fastapi import Depends

from agencies import auth
from agencies.catalog.cache import TaskCache, task_cache
from agencies.catalog.pages import PageRequest, page_request
from agencies.models import IdempotencyRecord
from servicekit.clock import Now, Today
from servicekit.idempotency import IdempotentPost, idempotent_post
from servicekit.identity import Principal
from servicekit.unit_of_work import ReadSession, WriteSession

__all__ = [
    "AdminCaller", "ApplicationsCaller", "EventReader", "EventRelay", "Idempotent", "Now", "Pages", "ReadSession",
    "ReportReviewer", "Reporter", "SupervisionViewer", "TaskCacheDep", "Today", "WebhookManager", "WriteSession",
]

Reporter = Annotated[Principal, Depends(auth.reporter)]
ReportReviewer = Annotated[Principal, Depends(auth.report_reviewer)]
AdminCaller = Annotated[Principal, Depends(auth.admin)]
SupervisionViewer = Annotated[Principal, Depends(auth.supervision_viewer)]
ApplicationsCaller = Annotated[Principal, Depends(auth.applications_service)]
EventReader = Annotated[Principal, Depends(auth.event_reader)]
WebhookManager = Annotated[Principal, Depends(auth.webhook_manager)]
EventRelay = Annotated[Principal, Depends(auth.event_relay)]

Idempotent = Annotated[IdempotentPost, Depends(idempotent_post(IdempotencyRecord))]
TaskCacheDep = Annotated[TaskCache, Depends(task_cache)]
Pages = Annotated[PageRequest, Depends(page_request)]
