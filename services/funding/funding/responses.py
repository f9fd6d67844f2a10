"""Responses for stored ledger outcomes: 201 the first time, 200 with `Idempotent-Replay: true` after; a stored
business rejection is the same problem+json (409) each time, flagged the same way when replayed."""

from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from servicekit.problems import DomainError, problem_body, problem_response, wants_english

REPLAY_HEADER = "Idempotent-Replay"


def stored_outcome(request: Request, *, replay: bool, body: Any, error: DomainError | None = None,
                   extra: dict[str, Any] | None = None, status: int = 201) -> Response:
    headers = {REPLAY_HEADER: "true"} if replay else {}
    if error is not None:
        content = problem_body(
            status=error.status, code=error.code, message_zh=error.message_zh, message_en=error.message_en,
            english=wants_english(request.headers.get("accept-language")), instance=request.url.path,
            extra={**error.extra, **(extra or {}), "replay": replay},
        )
        return problem_response(error.status, content, headers)
    status = 200 if replay else status
    if isinstance(body, BaseModel):  # pydantic's own serialiser: several times faster than jsonable_encoder
        return Response(body.__pydantic_serializer__.to_json(body), status_code=status, headers=headers,
                        media_type="application/json")
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers)
