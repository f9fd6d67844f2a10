"""The gateway's ASGI app: servicekit's service app (sign-in, administration, health, the merged OpenAPI
document, the SPA) behind the dispatcher that sends every service's routes straight to the proxy."""

from datetime import timedelta

from brotli_asgi import BrotliMiddleware
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gateway import __version__
from gateway.config import SERVICE_DIR, GatewaySettings, get_settings
from gateway.deps import GatewayState
from gateway.health.api import router as health_router
from gateway.http_semantics import HeadAsGet, HttpSemantics
from gateway.identity.api import auth_router, users_router
from gateway.identity.authentication import Authenticator
from gateway.identity.sessions import SignInChecks
from gateway.identity.tokens import AccessTokens
from gateway.keys.api import router as keys_router
from gateway.proxy.api import docs_router, fallback_router
from gateway.proxy.dispatch import GatewayApp
from gateway.proxy.forward import ServiceProxy
from gateway.proxy.upstreams import build_upstreams
from gateway.rate_limit import RateLimiter
from gateway.sealed_answers import AnswerSealer
from gateway.web import SecurityHeaders
from servicekit.app import create_service_app
from servicekit.identity import TokenSigner
from servicekit.logging import RequestContextMiddleware
from servicekit.settings import keys_dir

# Smaller answers gain little from gzip and cost a header.
COMPRESS_FROM_BYTES = 1024


def create_api(settings: GatewaySettings, proxy: ServiceProxy) -> FastAPI:
    async def start(api: FastAPI) -> None:
        keys = keys_dir()
        private_pem, public_pem = (keys / "gateway.pem").read_bytes(), (keys / "gateway.pub").read_bytes()
        api.state.internal_signer = TokenSigner(private_pem)
        access_tokens = AccessTokens(private_pem, public_pem, timedelta(seconds=settings.access_token_ttl_seconds))
        sign_ins = SignInChecks(api.state.database, settings.session_check_seconds, settings.redis_url)
        limiter = RateLimiter(settings.rate_limit_storage)
        authenticator = Authenticator(api.state.database, access_tokens, sign_ins, limiter,
                                      settings.api_key_rate_limit)
        api.state.gateway = GatewayState(settings, access_tokens, sign_ins, limiter, authenticator, proxy.upstreams,
                                         AnswerSealer(private_pem))
        for upstream in proxy.upstreams.values():
            await upstream.start()

    async def stop(api: FastAPI) -> None:
        for upstream in proxy.upstreams.values():
            await upstream.close()
        await api.state.gateway.sign_ins.close()

    api = create_service_app(
        settings=settings,
        service_dir=SERVICE_DIR,
        title="Talent Plan Platform API (人才计划平台)",
        description="Sign-in, administration and health at the gateway; every service's routes under "
        "/api/<service>/. Authenticate with `Authorization: Bearer <access token>` (people) or "
        "`X-API-Key: <key>` (agencies).",
        version=__version__,
        routers=[auth_router, users_router, keys_router, health_router, docs_router, fallback_router],
        on_startup=[start],
        on_shutdown=[stop],
        request_context=False,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    return api


def create_app(settings: GatewaySettings | None = None) -> ASGIApp:
    settings = settings or get_settings()
    proxy = ServiceProxy(build_upstreams(settings.service_urls(), settings), max_body_bytes=settings.max_body_bytes)
    app: ASGIApp = GatewayApp(create_api(settings, proxy), proxy, settings.max_body_bytes)
    # Compression sees each answer as HttpSemantics leaves it (ETag of the uncompressed body, 304s, problems
    # naming the public path); a HEAD is answered as the GET would be, compressed headers included. Brotli
    # (inner) answers clients that take it; gzip (outer) leaves an answer brotli encoded alone, and takes the rest.
    app = BrotliMiddleware(HttpSemantics(app), quality=5, minimum_size=COMPRESS_FROM_BYTES, gzip_fallback=False)
    app = HeadAsGet(GZipMiddleware(app, minimum_size=COMPRESS_FROM_BYTES, compresslevel=6))
    if settings.cors_origins:
        app = CORSMiddleware(app, allow_origins=settings.cors_origins, allow_methods=["*"],
                             allow_headers=["Authorization", "X-API-Key", "Content-Type", "Idempotency-Key",
                                            "Accept-Language", "X-Request-ID", "If-None-Match"],
                             expose_headers=["X-Request-ID", "ETag", "Idempotent-Replay", "Deprecation", "Link",
                                             "Retry-After"])
    app = RequestContextMiddleware(SecurityHeaders(app, hsts_max_age=settings.hsts_max_age),
                                   access_log=settings.access_log)
    # The caller's address and scheme as a trusted reverse proxy reports them, and from nobody else (uvicorn
    # is started with --no-proxy-headers, so this is the only place X-Forwarded-* are read).
    return ProxyHeadersMiddleware(app, trusted_hosts=settings.trusted_proxies) if settings.trusted_proxies else app


app = create_app()
