from fastapi import FastAPI

from applications import __version__
from applications.config import SERVICE_DIR, ApplicationsSettings, get_settings
from servicekit.app import create_service_app


def create_app(settings: ApplicationsSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or get_settings(),
        service_dir=SERVICE_DIR,
        title="Applications service (申报服务)",
        description="Funding programs, application cycles and quotas, applications, reviews and public notices (公示).",
        version=__version__,
        routers=[],
    )


app = create_app()
