"""The gateway's ASGI app: service routes go straight to the proxy, everything else to a small FastAPI app
(health, the merged OpenAPI document and docs, the SPA)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway import __version__
from gateway.config import GatewaySettings, get_settings
from gateway.health import PlatformHealth, platform_health
from gateway.openapi_merge import fetch_service_documents, merge_documents
from gateway.proxy import ServiceProxy
from gateway.spa import spa_response
from servicekit.app import operation_id
from servicekit.logging import RequestContextMiddleware, configure_logging
from servicekit.problems import NotFound, install_problem_handlers


class GatewayApp:
    """Dispatches before any routing: a proxied request never pays for FastAPI's router."""

    def __init__(self, api: FastAPI, proxy: ServiceProxy) -> None:
        self.api = api
        self.proxy = proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            target = self.proxy.route(scope["path"])
            if target is not None:
                await self.proxy.forward(scope, receive, send, *target)
                return
        await self.api(scope, receive, send)


def create_api(settings: GatewaySettings, proxy: ServiceProxy) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await proxy.start()
        try:
            yield
        finally:
            await proxy.close()

    api = FastAPI(
        title="Talent Plan Platform API (人才计划平台)",
        description="The gateway and every service behind it. Service routes live under /api/<service>/.",
        version=__version__,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    install_problem_handlers(api)

    @api.get("/api/health", response_model=PlatformHealth, tags=["platform"], summary="Platform health")
    async def get_platform_health() -> PlatformHealth:
        """The gateway and each service: up, down (unreachable) or not ready (database not migrated)."""
        assert proxy.session is not None
        return await platform_health(proxy.session, settings.service_urls(), settings.health_timeout)

    @api.get("/api/openapi.json", include_in_schema=False)
    async def get_merged_openapi() -> JSONResponse:
        assert proxy.session is not None
        own = get_openapi(title=api.title, version=api.version, description=api.description, routes=api.routes)
        services = await fetch_service_documents(proxy.session, settings.service_urls(), settings.health_timeout)
        return JSONResponse(merge_documents(own, services))

    @api.get("/api/docs", include_in_schema=False)
    async def get_api_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="人才计划平台 API")

    @api.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown_api_route(rest: str) -> Any:
        raise NotFound(f"没有这个接口：/api/{rest}", f"No such API route: /api/{rest}")

    @api.get("/{path:path}", include_in_schema=False)
    async def serve_spa(path: str, request: Request) -> Response:
        return spa_response(settings.spa_dir, path)

    return api


def create_app(settings: GatewaySettings | None = None) -> ASGIApp:
    settings = settings or get_settings()
    configure_logging("gateway", settings.log_level, settings.log_format)
    proxy = ServiceProxy(
        settings.service_urls(),
        connect_timeout=settings.upstream_connect_timeout,
        read_timeout=settings.upstream_read_timeout,
        pool_size=settings.upstream_pool_size,
    )
    return RequestContextMiddleware(GatewayApp(create_api(settings, proxy), proxy), access_log=settings.access_log)


app = create_app()
