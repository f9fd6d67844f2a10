"""/healthz (the process answers) and /readyz (its database answers and is migrated to head)."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from servicekit.migrations import current_revisions, head_revisions


class Health(BaseModel):
    status: str
    service: str
    version: str


class Readiness(BaseModel):
    status: str
    service: str
    version: str
    database: str
    detail: str | None = None


def health_router(service_name: str, version: str, service_dir: Path) -> APIRouter:
    router = APIRouter(tags=["health"])
    expected_heads = head_revisions(service_dir)

    @router.get("/healthz", response_model=Health, operation_id="health-alive", summary="Liveness")
    async def alive() -> Health:
        """The process is up and serving requests."""
        return Health(status="ok", service=service_name, version=version)

    @router.get(
        "/readyz",
        response_model=Readiness,
        operation_id="health-ready",
        summary="Readiness",
        responses={503: {"model": Readiness, "description": "Database unreachable or not migrated."}},
    )
    async def ready(request: Request) -> JSONResponse:
        """The database is reachable and migrated to the newest revision."""
        database = request.app.state.database
        try:
            async with database.engine.connect() as connection:
                current = await current_revisions(connection)
        except Exception as exc:  # noqa: BLE001 - any failure to reach the database means not ready
            body = Readiness(status="not_ready", service=service_name, version=version, database="unreachable",
                             detail=type(exc).__name__)
            return JSONResponse(body.model_dump(), status_code=503)
        if current != expected_heads:
            body = Readiness(status="not_ready", service=service_name, version=version, database="not_migrated",
                             detail=f"at {sorted(current) or 'no revision'}, head is {sorted(expected_heads)}")
            return JSONResponse(body.model_dump(), status_code=503)
        return JSONResponse(Readiness(status="ok", service=service_name, version=version, database="ok").model_dump())

    return router
