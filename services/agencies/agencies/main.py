import asyncio

import httpx
from fastapi import FastAPI

from agencies import __version__
from agencies.audit.api import router as audit_router
from agencies.catalog.cache import TaskCache
from agencies.after_writes import AfterWrites
from agencies.catalog.pages import RenderedPages
from agencies.catalog.api import router as catalog_router
from agencies.config import SERVICE_DIR, AgenciesSettings, get_settings
from agencies.events.api import internal_router as events_internal_router
from agencies.events.api import router as events_router
from agencies.events.openapi import install_webhooks
from agencies.progress.api import internal_router as approvals_router
from agencies.progress.api import router as progress_router
from agencies.supervision.api import router as supervision_router
from agencies.webhooks.api import router as webhooks_router
from agencies.webhooks.delivery import WebhookWorker
from servicekit.app import create_service_app


def create_app(settings: AgenciesSettings | None = None,
               webhook_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def start(app: FastAPI) -> None:
        app.state.task_cache = TaskCache(settings.catalog_revision_check_seconds)
        app.state.webhooks = WebhookWorker(app.state, settings, transport=webhook_transport)
        app.state.webhook_worker = (asyncio.create_task(app.state.webhooks.work_forever())
                                    if settings.webhook_worker else None)

    async def stop(app: FastAPI) -> None:
        await app.state.webhooks.finish(app.state.webhook_worker)
        await app.state.webhooks.close()

    app = create_service_app(
        settings=settings,
        service_dir=SERVICE_DIR,
        title="Agencies service (责任矩阵服务)",
        description="The plan as data: tasks, agencies, the responsibility matrix, deliverables, progress "
        "reports and supervision.",
        version=__version__,
        routers=[catalog_router, progress_router, supervision_router, audit_router, events_router, webhooks_router,
                 approvals_router, events_internal_router],
        on_startup=[start],
        on_shutdown=[stop],
    )
    install_webhooks(app.webhooks)
    app.state.rendered_pages = RenderedPages(settings.catalog_page_seconds)

    def wake_webhooks() -> None:
        worker = getattr(app.state, "webhooks", None)  # absent until the app has started
        if worker is not None:
            worker.wake()

    app.add_middleware(AfterWrites, hooks=[app.state.rendered_pages.forget_all, wake_webhooks])
    return app


app = create_app()
