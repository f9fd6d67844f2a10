from fastapi import FastAPI

from funding import __version__
from funding.awards.api import router as awards_router
from funding.budgets.api import router as budgets_router
from funding.config import SERVICE_DIR, FundingSettings, get_settings
from funding.faults import inject_fault
from funding.ledger.api import router as ledger_router
from funding.reports.api import router as reports_router
from funding.rules.api import router as rules_router
from funding.verification.api import router as verification_router
from funding.verification.background import start_background, stop_background
from servicekit.app import create_service_app


def create_app(settings: FundingSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = create_service_app(
        settings=settings,
        service_dir=SERVICE_DIR,
        title="Funding service (资金台账服务)",
        description="A double-entry ledger in integer fen: budgets, funding rules, reservations for the approval "
        "saga, awards, disbursements and reports.",
        version=__version__,
        routers=[ledger_router, verification_router, rules_router, budgets_router, awards_router, reports_router],
        on_startup=[start_background],
        on_shutdown=[stop_background],
    )
    if settings.fault_injection:
        app.state.before_commit = inject_fault
    return app


app = create_app()
