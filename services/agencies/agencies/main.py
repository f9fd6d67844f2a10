from fastapi import FastAPI

from agencies import __version__
from agencies.audit.api import router as audit_router
from agencies.catalog.cache import TaskCache
from agencies.catalog.pages import ForgetPagesOnWrite, RenderedPages
from agencies.catalog.api import router as catalog_router
from agencies.config import SERVICE_DIR, AgenciesSettings, get_settings
from agencies.progress.api import internal_router as approvals_router
from agencies.progress.api import router as progress_router
from agencies.supervision.api import router as supervision_router
from servicekit.app import create_service_app


def create_app(settings: AgenciesSettings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def start_task_cache(app: FastAPI) -> None:
        app.state.task_cache = TaskCache(settings.catalog_revision_check_seconds)

    app = create_service_app(
        settings=settings,
        service_dir=SERVICE_DIR,
        title="Agencies service (责任矩阵服务)",
        description="The plan as data: tasks, agencies, the responsibility matrix, deliverables, progress "
        "reports and supervision.",
        version=__version__,
        routers=[catalog_router, progress_router, supervision_router, audit_router, approvals_router],
        on_startup=[start_task_cache],
    )
    app.state.rendered_pages = RenderedPages(settings.catalog_page_seconds)
    app.add_middleware(ForgetPagesOnWrite, pages=app.state.rendered_pages)
    return app


app = create_app()
