"""The merged OpenAPI document and its docs page, and what answers paths no route claimed: a 404 problem
under /api/, the SPA everywhere else."""

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import compile_path

from gateway.deps import State
from gateway.errors import MethodNotAllowed
from gateway.http_semantics import accepts
from gateway.proxy.openapi import fetch_service_documents, merge_documents
from gateway.proxy.problems import ProblemCatalog, problem_page
from gateway.web import spa_response
from servicekit.problems import NotFound

SWAGGER_UI = "/swagger-ui"
docs_router = APIRouter(include_in_schema=False)
fallback_router = APIRouter(include_in_schema=False)


@docs_router.get("/api/openapi.json")
async def get_merged_openapi(request: Request, state: State) -> JSONResponse:
    # A service builds its document on first asking, which takes a while: more time than a health check.
    services = await fetch_service_documents(state.upstreams, state.settings.openapi_timeout)
    return JSONResponse(merge_documents(request.app.openapi(), services, str(request.base_url).rstrip("/")))


@docs_router.get("/api/docs")
async def get_api_docs() -> HTMLResponse:
    # Swagger UI from the SPA's build (frontend/vite.config.ts copies it there), so the page needs no internet;
    # no validator badge either, which would call swagger.io.
    return get_swagger_ui_html(openapi_url="/api/v1/openapi.json", title="人才计划平台 API",
                               swagger_js_url=f"{SWAGGER_UI}/swagger-ui-bundle.js",
                               swagger_css_url=f"{SWAGGER_UI}/swagger-ui.css",
                               swagger_favicon_url=f"{SWAGGER_UI}/favicon-32x32.png",
                               swagger_ui_parameters={"validatorUrl": None})


@docs_router.get("/api/problems/{code}")
async def get_problem_type(code: str, request: Request, state: State) -> Response:
    """What a problem code means: an HTML page for browsers, JSON for clients that ask for it."""
    if not hasattr(request.app.state, "problem_catalog"):
        request.app.state.problem_catalog = ProblemCatalog()
    entry = await request.app.state.problem_catalog.entry(code, state.upstreams, state.settings.openapi_timeout)
    accept = request.headers.get("accept", "")
    if accepts(accept, "application/json") and not accepts(accept, "text/html"):
        return JSONResponse(entry)
    return HTMLResponse(problem_page(entry), headers={"Cache-Control": "public, max-age=3600"})


def _documented_methods(request: Request) -> list[tuple[re.Pattern, set[str]]]:
    """The gateway's own documented routes as (path pattern, methods), read once from its OpenAPI document."""
    state = request.app.state
    if not hasattr(state, "documented_methods"):
        state.documented_methods = [(compile_path(path)[0], {m.upper() for m in item})
                                    for path, item in request.app.openapi()["paths"].items()]
    return state.documented_methods


@fallback_router.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
async def unknown_api_route(rest: str, request: Request) -> Any:
    """405 (with Allow) for a gateway route asked with another method, else 404."""
    allowed = sorted({method for pattern, methods in _documented_methods(request)
                      if pattern.match(request.url.path) for method in methods})
    if allowed:
        raise MethodNotAllowed(allowed)
    raise NotFound(f"没有这个接口：/api/{rest}", f"No such API route: /api/{rest}")


@fallback_router.get("/{path:path}")
async def serve_spa(path: str, state: State) -> Response:
    return spa_response(state.settings.spa_dir, path)
