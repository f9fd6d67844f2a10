"""/api/admin/api-keys: agency API keys, managed by admins and by an agency's own key admin."""

from typing import Annotated

from fastapi import APIRouter, Query

from fastapi.responses import JSONResponse

from gateway.deps import Idempotent, KeyManager, ReadSession, State, WriteSession
from gateway.keys import service
from gateway.keys.agency_directory import check_agency_exists
from gateway.keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyPage, ApiKeyRead
from gateway.types import AgencyFilter, ApiKeyId
from servicekit.pagination import PageParamsDep
from servicekit.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/admin", tags=["admin"], responses=PROBLEM_RESPONSES)


@router.get("/api-keys", response_model=ApiKeyPage, summary="List agency API keys")
async def list_api_keys(manager: KeyManager, session: ReadSession, params: PageParamsDep,
                        agency_code: AgencyFilter = None,
                        include_revoked: Annotated[bool, Query(description="Revoked keys too.")] = False) -> ApiKeyPage:
    """Keys without their secrets; an agency's own admin sees only that agency's keys."""
    if manager.agency_admin is not None:
        agency_code = manager.agency_admin.agency_code
    keys, total = await service.list_api_keys(session, params, agency_code, include_revoked)
    return ApiKeyPage(items=[ApiKeyRead.model_validate(k) for k in keys], total=total, page=params.page,
                      size=params.size)


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201, summary="Create an agency API key")
async def create_api_key(body: ApiKeyCreate, manager: KeyManager, state: State, session: WriteSession,
                         idempotent: Idempotent) -> ApiKeyCreated | JSONResponse:
    """The secret is in this response only; it is stored hashed (and, for a replay, sealed)."""
    async def create() -> ApiKeyCreated:
        service.check_key_manager(manager.principal, body.agency_code, manager.agency_admin)
        await check_agency_exists(state.upstreams, body.agency_code)
        key, secret = await service.create_api_key(session, manager.principal.actor, body.agency_code, body.name,
                                                   body.scopes)
        return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), secret=secret)

    return await idempotent.run(manager.principal.actor, body, create, status_code=201,
                                stored_as=state.sealer.sealing("secret"), replayed_as=state.sealer.opening("secret"))


@router.post("/api-keys/{key_id}/rotate", response_model=ApiKeyCreated, status_code=201,
             summary="Rotate an agency API key")
async def rotate_api_key(key_id: ApiKeyId, manager: KeyManager, state: State, session: WriteSession,
                         idempotent: Idempotent) -> ApiKeyCreated | JSONResponse:
    """A new key with the same agency and scopes; the old key stops working at once."""
    async def rotate() -> ApiKeyCreated:
        key = await service.get_api_key(session, key_id)
        service.check_key_manager(manager.principal, key.agency_code, manager.agency_admin)
        new_key, secret = await service.rotate_api_key(session, manager.principal.actor, key)
        return ApiKeyCreated(**ApiKeyRead.model_validate(new_key).model_dump(), secret=secret)

    return await idempotent.run(manager.principal.actor, None, rotate, status_code=201,
                                stored_as=state.sealer.sealing("secret"), replayed_as=state.sealer.opening("secret"))


@router.post("/api-keys/{key_id}/revoke", response_model=ApiKeyRead, summary="Revoke an agency API key")
async def revoke_api_key(key_id: ApiKeyId, manager: KeyManager, session: WriteSession) -> ApiKeyRead:
    """The key stops working with the next request."""
    key = await service.get_api_key(session, key_id)
    service.check_key_manager(manager.principal, key.agency_code, manager.agency_admin)
    return ApiKeyRead.model_validate(await service.revoke_api_key(session, manager.principal.actor, key))
