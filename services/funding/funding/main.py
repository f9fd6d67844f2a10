from fastapi import FastAPI

from funding import __version__
from funding.config import SERVICE_DIR, FundingSettings, get_settings
from servicekit.app import create_service_app


def create_app(settings: FundingSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or get_settings(),
        service_dir=SERVICE_DIR,
        title="Funding service (资金台账服务)",
        description="A double-entry ledger in integer fen: budgets, funding rules, awards and disbursements.",
        version=__version__,
        routers=[],
    )


app = create_app()
