import asyncio

import httpx
from fastapi import FastAPI

from applications import __version__
from applications.audit_api import router as audit_router
from applications.calendar.api import router as calendar_router
from applications.calls.api import router as calls_router
from applications.clients.agencies import AgenciesClient
from applications.clients.funding import FundingClient, FundingSaga
from applications.config import SERVICE_DIR, ApplicationsSettings, get_settings
from applications.crypto import PersonalDataCipher
from applications.decisions.api import router as decisions_router
from applications.decisions.reconciler import Reconciler
from applications.decisions.saga import Saga
from applications.decisions.service import JoinedApprovals
from applications.filings.api import router as filings_router
from applications.models import OutboxEvent
from applications.notices.api import router as notices_router
from applications.programs.api import router as programs_router
from applications.reviews.api import router as reviews_router
from servicekit import clock
from servicekit.app import create_service_app, stop_task
from servicekit.outbox import OutboxRelay
from servicekit.settings import keys_dir


def create_app(settings: ApplicationsSettings | None = None,
               funding_transport: httpx.AsyncBaseTransport | None = None,
               agencies_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`funding_transport` and `agencies_transport` let tests run the real services in the same process."""
    settings = settings or get_settings()

    async def start(app: FastAPI) -> None:
        app.state.cipher = PersonalDataCipher.from_folder(keys_dir())
        app.state.funding = FundingClient(settings.funding_url, timeout=settings.funding_timeout_seconds,
                                          cache_seconds=settings.funding_cache_seconds,
                                          signer=app.state.service_signer, transport=funding_transport)
        app.state.agencies = AgenciesClient(settings.agencies_url, timeout=settings.agencies_timeout_seconds,
                                            signer=app.state.service_signer, transport=agencies_transport)
        app.state.saga = Saga(app.state, FundingSaga(app.state.funding), app.state.agencies,
                              lease_seconds=settings.saga_lease_seconds)
        app.state.joined_approvals = JoinedApprovals(app.state.saga)
        app.state.reconciler = Reconciler(app.state.saga, settings.stale_reservation_seconds)
        app.state.event_relay = OutboxRelay(app.state, OutboxEvent, app.state.agencies.relay_events)
        app.state.event_relay_task = (asyncio.create_task(app.state.event_relay.work_forever(
            settings.event_relay_interval_seconds, clock.now)) if settings.event_relay else None)
        app.state.saga_worker = None
        if settings.saga_worker:
            app.state.saga_worker = asyncio.create_task(app.state.saga.work_forever(
                settings.saga_worker_interval_seconds,
                reconcile=lambda: app.state.reconciler.run("periodic", "service:applications"),
                reconcile_every=settings.reconcile_every_seconds))
        if settings.openapi_at_startup:  # the gateway fetches it with a short timeout, and building it takes a while
            app.openapi()

    async def stop(app: FastAPI) -> None:
        await stop_task(app.state.saga_worker)
        await stop_task(app.state.event_relay_task)
        await app.state.funding.close()
        await app.state.agencies.close()

    return create_service_app(
        settings=settings,
        service_dir=SERVICE_DIR,
        title="Applications service (申报服务)",
        description="Funding programs and their forms, calls with quotas and allocations, applications and their "
        "workflow (nomination, formal review, expert review, public notice), and objections.",
        version=__version__,
        routers=[programs_router, calls_router, filings_router, decisions_router, reviews_router, notices_router,
                 calendar_router, audit_router],
        on_startup=[start],
        on_shutdown=[stop],
    )


app = create_app()
