from fastapi import FastAPI

from agencies import __version__
from agencies.config import SERVICE_DIR, AgenciesSettings, get_settings
from servicekit.app import create_service_app


def create_app(settings: AgenciesSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or get_settings(),
        service_dir=SERVICE_DIR,
        title="Agencies service (责任矩阵服务)",
        description="The plan as data: tasks, agencies, the responsibility matrix, deliverables, progress "
        "reports and supervision.",
        version=__version__,
        routers=[],
    )


app = create_app()
