import asyncio

import httpx
from fastapi import FastAPI

from funding import __version__
from funding.awards.api import router as awards_router
from funding.budgets.api import router as budgets_router
from funding.config import SERVICE_DIR, FundingSettings, get_settings
from funding.faults import inject_fault
from funding.ledger.api import router as ledger_router
from funding.models import OutboxEvent
from funding.reports.api import router as reports_router
from funding.rules.api import router as rules_router
from funding.verification.api import router as verification_router
from funding.verification.background import start_background, stop_background
from servicekit import clock
from servicekit.app import create_service_app, stop_task
from servicekit.http_client import async_client
from servicekit.identity import INTERNAL_TOKEN_HEADER, Principal
from servicekit.outbox import OutboxRelay, post_event_batch


def create_app(settings: FundingSettings | None = None,
               agencies_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`agencies_transport` lets tests run the agencies service in the same process."""
    settings = settings or get_settings()

    async def start_relay(app: FastAPI) -> None:
        """The outbox's events to the agencies' feed, signed as this service."""
        app.state.agencies_http = async_client(base_url=settings.agencies_url,
                                                    timeout=settings.agencies_timeout_seconds,
                                                    transport=agencies_transport)

        async def send(events: list[dict]) -> None:
            signer = app.state.service_signer
            headers = ({INTERNAL_TOKEN_HEADER: signer.sign(Principal(subject="funding", role="service"))}
                       if signer else {})
            await post_event_batch(app.state.agencies_http, headers, events)

        app.state.event_relay = OutboxRelay(app.state, OutboxEvent, send)
        app.state.event_relay_task = (asyncio.create_task(app.state.event_relay.work_forever(
            settings.event_relay_interval_seconds, clock.now)) if settings.event_relay else None)

    async def stop_relay(app: FastAPI) -> None:
        await stop_task(app.state.event_relay_task)
        await app.state.agencies_http.aclose()

    app = create_service_app(
        settings=settings,
        service_dir=SERVICE_DIR,
        title="Funding service (资金台账服务)",
        description="A double-entry ledger in integer fen: budgets, funding rules, reservations for the approval "
        "saga, awards, disbursements and reports.",
        version=__version__,
        routers=[ledger_router, verification_router, rules_router, budgets_router, awards_router, reports_router],
        on_startup=[start_background, start_relay],
        on_shutdown=[stop_relay, stop_background],
    )
    if settings.fault_injection:
        app.state.before_commit = inject_fault
    return app


app = create_app()
