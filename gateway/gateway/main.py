"""The gateway's ASGI app: service routes go straight to the proxy (after the caller is identified),
everything else to a small FastAPI app (sign-in, administration, health, the merged OpenAPI document and
docs, the SPA)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway import __version__
from gateway.auth_api import admin_router, auth_router
from gateway.authentication import Authenticator
from gateway.config import GatewaySettings, get_settings
from gateway.health import PlatformHealth, platform_health
from gateway.openapi_merge import fetch_service_documents, merge_documents
from gateway.proxy import ServiceProxy, send_problem
from gateway.rate_limit import RateLimiter
from gateway.security import AccessTokens
from gateway.spa import spa_response
from servicekit.app import operation_id, problem_aware_openapi
from servicekit.database import Database
from servicekit.identity import INTERNAL_TOKEN_HEADER, TokenSigner
from servicekit.logging import RequestContextMiddleware, configure_logging
from servicekit.problems import DomainError, NotFound, install_problem_handlers, problem_body, problem_for_status, wants_english
from servicekit.settings import keys_dir

INTERNAL_TOKEN = INTERNAL_TOKEN_HEADER.lower().encode()


class GatewayApp:
    """Dispatches before any routing: a proxied request never pays for FastAPI's router."""

    def __init__(self, api: FastAPI, proxy: ServiceProxy, settings: GatewaySettings) -> None:
        self.api = api
        self.proxy = proxy
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.api(scope, receive, send)
            return
        headers = {k: v for k, v in scope["headers"] if k in (b"authorization", b"x-api-key", b"content-length",
                                                              b"accept-language")}
        english = wants_english(headers.get(b"accept-language", b"").decode("latin-1"))
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.settings.max_body_bytes:
            await send_problem(send, 413, problem_for_status(413, english=english, instance=scope["path"]))
            return
        target = self.proxy.route(scope["path"])
        if target is None:
            await self.api(scope, receive, send)
            return
        state = self.api.state
        try:
            principal = await state.authenticator.identify(
                headers.get(b"authorization", b"").decode("latin-1") or None,
                headers.get(b"x-api-key", b"").decode("latin-1") or None,
            )
        except DomainError as error:
            body = problem_body(status=error.status, code=error.code, message_zh=error.message_zh,
                                message_en=error.message_en, english=english, instance=scope["path"],
                                extra=error.extra)
            retry = [(b"retry-after", str(error.extra["retry_after"]).encode())] if "retry_after" in error.extra else []
            await send_problem(send, error.status, body, retry)
            return
        identity = [] if principal.role == "public" else [(INTERNAL_TOKEN, state.internal_signer.sign(principal).encode())]
        await self.proxy.forward(scope, receive, send, *target, extra_headers=identity)


class SecurityHeaders:
    """Headers every response carries; the SPA and API never render inside another site's frame."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] == "/api/docs"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    (b"content-security-policy", DOCS_CSP if docs else APP_CSP),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


APP_CSP = (b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
           b"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
# Swagger UI's script and styles come from its CDN (see README, "What is not built yet").
DOCS_CSP = (b"default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
            b"style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            b"script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; frame-ancestors 'none'")


def create_api(settings: GatewaySettings, proxy: ServiceProxy) -> FastAPI:
    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        keys = keys_dir()
        private_pem, public_pem = (keys / "gateway.pem").read_bytes(), (keys / "gateway.pub").read_bytes()
        api.state.database = Database(settings.resolved_database_url())
        api.state.internal_signer = TokenSigner(private_pem)
        api.state.access_tokens = AccessTokens(private_pem, public_pem,
                                               timedelta(seconds=settings.access_token_ttl_seconds))
        api.state.limiter = RateLimiter(settings.rate_limit_storage)
        api.state.authenticator = Authenticator(api.state.database, api.state.access_tokens, api.state.limiter,
                                                settings.api_key_rate_limit)
        await proxy.start()
        try:
            yield
        finally:
            await proxy.close()
            await api.state.database.dispose()

    api = FastAPI(
        title="Talent Plan Platform API (人才计划平台)",
        description="Sign-in, administration and health at the gateway; every service's routes under "
        "/api/<service>/. Authenticate with `Authorization: Bearer <access token>` (people) or "
        "`X-API-Key: <key>` (agencies).",
        version=__version__,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    api.state.settings = settings
    api.state.proxy = proxy
    install_problem_handlers(api)
    api.include_router(auth_router)
    api.include_router(admin_router)

    @api.get("/api/health", response_model=PlatformHealth, tags=["platform"], summary="Platform health")
    async def get_platform_health() -> PlatformHealth:
        """The gateway and each service: up, down (unreachable) or not ready (database not migrated)."""
        assert proxy.session is not None
        return await platform_health(proxy.session, settings.service_urls(), settings.health_timeout)

    own_openapi = problem_aware_openapi(api, lambda: get_openapi(
        title=api.title, version=api.version, description=api.description, routes=api.routes))

    @api.get("/api/openapi.json", include_in_schema=False)
    async def get_merged_openapi() -> JSONResponse:
        assert proxy.session is not None
        services = await fetch_service_documents(proxy.session, settings.service_urls(), settings.health_timeout)
        return JSONResponse(merge_documents(own_openapi(), services))

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
        max_body_bytes=settings.max_body_bytes,
    )
    app: ASGIApp = GatewayApp(create_api(settings, proxy), proxy, settings)
    if settings.cors_origins:
        app = CORSMiddleware(app, allow_origins=settings.cors_origins, allow_methods=["*"],
                             allow_headers=["Authorization", "X-API-Key", "Content-Type", "Idempotency-Key",
                                            "Accept-Language", "X-Request-ID"], expose_headers=["X-Request-ID"])
    return RequestContextMiddleware(SecurityHeaders(app), access_log=settings.access_log)


app = create_app()
