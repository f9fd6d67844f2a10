"""create_service_app(): what every service's main.py builds on."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from servicekit.database import Database
from servicekit.health import health_router
from servicekit.identity import load_verifier, service_signer
from servicekit.logging import RequestContextMiddleware, configure_logging
from servicekit.media_types import RequireBodyMediaType
from servicekit.openapi import complete_document
from servicekit.problems import PROBLEM_MEDIA_TYPE, Problem, install_problem_handlers, problem_catalog_router
from servicekit.settings import ServiceSettings, keys_dir
from servicekit.unit_of_work import RetryTransactions

Hook = Callable[[FastAPI], Awaitable[None]]


def operation_id(route: APIRoute) -> str:
    """Stable `{tag}-{name}` ids, so generated clients keep their names."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}".replace("_", "-")


async def stop_task(task: "asyncio.Task | None", timeout: float = 5.0) -> None:
    """Stop a background worker started at startup (None: it was not started), waiting at most `timeout` for it
    to unwind: a task cancelled inside a database driver's call may wait on the server's answer."""
    if task is not None:
        task.cancel()
        await asyncio.wait({task}, timeout=timeout)
        if task.done() and not task.cancelled():
            with contextlib.suppress(Exception):
                task.result()


def create_service_app(
    *,
    settings: ServiceSettings,
    service_dir: Path,
    title: str,
    description: str,
    version: str,
    routers: Sequence[APIRouter],
    on_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
    request_context: bool = True,
    **fastapi_options: Any,
) -> FastAPI:
    """`request_context=False` leaves request ids and access logs to an outer layer (the gateway's, which also
    sees the requests it proxies); `fastapi_options` go to FastAPI (e.g. `openapi_url=None`)."""
    configure_logging(settings.service_name, settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.database = Database(settings.resolved_database_url(), pool_size=settings.database_pool_size)
        keys = keys_dir()
        app.state.token_verifier = load_verifier(
            keys / "gateway.pub", {name: keys / f"service-{name}.pub" for name in settings.trusted_services}
        )
        app.state.service_signer = service_signer(settings.service_name)
        for hook in on_startup:
            await hook(app)
        try:
            yield
        finally:
            for hook in on_shutdown:
                await hook(app)
            await app.state.database.dispose()

    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        **fastapi_options,
    )
    # `/things/` (an empty id) must be a 404, not a 307 to the collection: a client following the redirect
    # would create where it meant to act on one (found by fuzzing the funding service).
    app.router.redirect_slashes = False
    app.state.settings = settings
    install_problem_handlers(app)
    app.include_router(health_router(settings.service_name, version, service_dir))
    app.include_router(problem_catalog_router())
    for router in routers:
        app.include_router(router)
    app.add_middleware(RetryTransactions, max_attempts=settings.max_transaction_attempts,
                       max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequireBodyMediaType, routes=lambda: app.routes)
    if request_context:
        app.add_middleware(RequestContextMiddleware)
    app.openapi = problem_aware_openapi(app, app.openapi)  # type: ignore[method-assign]
    return app


def problem_aware_openapi(app: FastAPI, original: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """FastAPI documents errors as application/json with its own 422 shape; ours are problem+json
    everywhere, so rewrite every error response to say so (schemathesis checks this against reality)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem_schema.pop("$defs", {}).items():
            schemas.setdefault(name, definition)
        schemas["Problem"] = problem_schema
        problem_content = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                if any(str(code).startswith("2") for code in responses) and "4XX" not in responses:
                    responses["4XX"] = {"description": "Client error"}
                responses.setdefault("5XX", {"description": "Server error"})
                for code, response in responses.items():
                    if str(code)[0] in "45" and operation.get("operationId") != "health-ready":
                        response["content"] = problem_content
        # What a service posts to receivers (webhooks): a receiver's refusals are its own, not our 422 shape,
        # and it takes none of our credentials (the body is signed instead).
        for path_item in schema.get("webhooks", {}).values():
            for operation in path_item.values():
                operation["responses"] = {code: response for code, response in operation.get("responses", {}).items()
                                          if str(code)[0] not in "45"}
                operation["security"] = []
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        complete_document(app, schema)
        app.openapi_schema = schema
        return schema

    return openapi
