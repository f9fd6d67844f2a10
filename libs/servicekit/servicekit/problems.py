"""RFC 9457 problem+json: typed domain errors and the handlers that render every 4xx/5xx the same way."""

import json
import logging
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from servicekit.request_context import current_request_id

logger = logging.getLogger("servicekit.problems")

PROBLEM_MEDIA_TYPE = "application/problem+json"
# Where the gateway documents each code (the public entry point; services are not reached directly).
PROBLEM_TYPE_BASE = "/api/v1/problems/"


STANDARD_MEMBERS = frozenset({"type", "title", "status", "code", "detail", "messages", "errors", "instance",
                              "request_id"})


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted path of the offending input, e.g. `body.amount_fen`.")
    message: str
    type: str


class Problem(BaseModel):
    """What every error response looks like."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "type": "/api/v1/problems/idempotency_key_reused", "title": "Conflict", "status": 409,
        "code": "idempotency_key_reused", "detail": "该幂等键已用于另一个不同内容的请求。",
        "messages": {"zh-CN": "该幂等键已用于另一个不同内容的请求。",
                     "en": "This Idempotency-Key was already used with a different request."},
        "errors": [], "instance": "/api/v1/agencies/deliverables/t05-doctors-postdocs/reports",
        "request_id": "9f1c2d4e5b6a7980"}]})

    type: str = Field(description="URI reference of the page documenting the problem type, "
                      "`/api/v1/problems/<code>`.")
    title: str = Field(description="Short English summary of the problem type.")
    status: int
    code: str = Field(description="Stable machine-readable code; safe to branch on.")
    detail: str = Field(description="Human message in the language asked for (zh-CN by default).")
    messages: dict[str, str] = Field(description="The message in every language we have: `zh-CN` and `en`.")
    errors: list[FieldProblem] = Field(default_factory=list)
    instance: str | None = None
    request_id: str | None = None


class DomainError(Exception):
    """Base of every error a service raises on purpose. Subclasses set status, code and both messages."""

    status: int = 400
    code: str = "bad_request"
    message_zh: str = "请求无效。"
    message_en: str = "The request is invalid."
    # True for the answer to a change that must stay (a stored rejection, a revoked token family): the unit of
    # work commits the transaction, then renders the error.
    commit_before_answer: bool = False

    def __init__(
        self,
        message_zh: str | None = None,
        message_en: str | None = None,
        *,
        errors: list[FieldProblem] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message_zh = message_zh or self.message_zh
        self.message_en = message_en or self.message_en
        self.errors = errors or []
        self.extra = extra or {}
        super().__init__(self.message_en)

    def to_problem(self, *, english: bool, instance: str | None, extra: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
        """The problem+json body of this error."""
        return problem_body(status=self.status, code=self.code, message_zh=self.message_zh,
                            message_en=self.message_en, english=english, errors=self.errors, instance=instance,
                            extra={**self.extra, **(extra or {})})

    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.extra["retry_after"])} if "retry_after" in self.extra else None


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message_zh = "未找到请求的资源。"
    message_en = "The requested resource was not found."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message_zh = "无权执行此操作。"
    message_en = "You are not allowed to do this."


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    message_zh = "需要有效的身份凭证。"
    message_en = "Valid credentials are required."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message_zh = "请求与当前状态冲突。"
    message_en = "The request conflicts with the current state."


class Unprocessable(DomainError):
    status = 422
    code = "unprocessable"
    message_zh = "请求内容无法处理。"
    message_en = "The request content cannot be processed."


_STATUS_CODES = {
    400: ("bad_request", "请求无效。", "The request is invalid."),
    401: ("unauthorized", "需要有效的身份凭证。", "Valid credentials are required."),
    403: ("forbidden", "无权执行此操作。", "You are not allowed to do this."),
    404: ("not_found", "未找到请求的资源。", "The requested resource was not found."),
    405: ("method_not_allowed", "不支持此请求方法。", "This method is not allowed here."),
    406: ("not_acceptable", "无法提供所请求的格式。", "The requested format cannot be provided."),
    409: ("conflict", "请求与当前状态冲突。", "The request conflicts with the current state."),
    413: ("payload_too_large", "请求内容过大。", "The request body is too large."),
    415: ("unsupported_media_type", "不支持的内容类型。", "Unsupported media type."),
    422: ("validation_failed", "请求参数校验失败。", "The request did not pass validation."),
    429: ("rate_limited", "请求过于频繁，请稍后再试。", "Too many requests; try again later."),
    500: ("internal_error", "服务器内部错误，请稍后再试。", "Internal server error; please try again later."),
    502: ("bad_gateway", "上游服务不可用。", "The upstream service is unavailable."),
    503: ("service_unavailable", "服务暂不可用。", "The service is temporarily unavailable."),
    504: ("gateway_timeout", "上游服务响应超时。", "The upstream service did not answer in time."),
}


def wants_english(accept_language: str | None) -> bool:
    """zh-CN unless the caller prefers English first."""
    if not accept_language:
        return False
    first = accept_language.split(",")[0].strip().lower()
    return first.startswith("en")


def problem_body(
    *,
    status: int,
    code: str,
    message_zh: str,
    message_en: str,
    english: bool = False,
    errors: list[FieldProblem] | None = None,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = Problem(
        type=PROBLEM_TYPE_BASE + code,
        title=title,
        status=status,
        code=code,
        detail=message_en if english else message_zh,
        messages={"zh-CN": message_zh, "en": message_en},
        errors=errors or [],
        instance=instance,
        request_id=current_request_id(),
    ).model_dump()
    if extra:
        # RFC 9457 §3.2: extension members must not redefine the standard ones; one that would is renamed.
        for name, value in extra.items():
            body[f"{name}_value" if name in STANDARD_MEMBERS else name] = value
    return body


def problem_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def problem_for_status(status: int, *, english: bool = False, instance: str | None = None,
                       detail_en: str | None = None, detail_zh: str | None = None) -> dict[str, Any]:
    code, zh, en = _STATUS_CODES.get(status, ("error", "请求失败。", "The request failed."))
    return problem_body(status=status, code=code, message_zh=detail_zh or zh, message_en=detail_en or en,
                        english=english, instance=instance)


def _field_path(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


_VALIDATION_MESSAGES_ZH = {
    "missing": "缺少必填字段",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能带小数",
    "float_parsing": "应为数字",
    "string_too_short": "长度不足",
    "string_too_long": "长度超出上限",
    "greater_than": "取值过小",
    "greater_than_equal": "取值过小",
    "less_than": "取值过大",
    "less_than_equal": "取值过大",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "json_invalid": "JSON 格式无效",
    "extra_forbidden": "不允许的字段",
    "string_pattern_mismatch": "格式不正确",
    "date_from_datetime_parsing": "日期格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "model_attributes_type": "应为对象",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "bool_parsing": "应为布尔值",
    "uuid_parsing": "应为 UUID",
    "url_parsing": "应为有效的网址",
    "value_error": "取值无效",
}


def render_domain_error(request: Request, exc: DomainError, *, extra: dict[str, Any] | None = None,
                        headers: dict[str, str] | None = None) -> JSONResponse:
    """The problem+json response for a domain error: the one renderer every service and the gateway use."""
    body = exc.to_problem(english=wants_english(request.headers.get("accept-language")),
                          instance=request.url.path, extra=extra)
    return problem_response(exc.status, body, {**(exc.headers() or {}), **(headers or {})} or None)


async def send_problem(send: Send, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:
    """A problem+json response sent from plain ASGI code (middleware, the gateway's dispatcher)."""
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": body["status"],
                "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                            (b"content-length", str(len(payload)).encode()), *headers]})
    await send({"type": "http.response.body", "body": payload})


def problem_catalog() -> dict[str, dict[str, Any]]:
    """Every code this process answers with and what it means, from the error classes it has loaded (the
    gateway's problem pages, `/api/v1/problems/<code>`, are built from every service's catalog)."""
    catalog = {code: {"status": status, "zh-CN": zh, "en": en} for status, (code, zh, en) in _STATUS_CODES.items()}
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        error = pending.pop()
        pending.extend(error.__subclasses__())
        catalog.setdefault(error.code, {"status": error.status, "zh-CN": error.message_zh, "en": error.message_en})
    return catalog


def problem_catalog_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/problems")
    async def list_problem_codes() -> dict[str, dict[str, Any]]:
        return problem_catalog()

    return router


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return render_domain_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        english = wants_english(request.headers.get("accept-language"))
        errors = []
        for error in exc.errors():
            message = error.get("msg", "invalid")
            if not english:
                message = f"{_VALIDATION_MESSAGES_ZH.get(error.get('type', ''), '取值无效')}（{message}）"
            errors.append(FieldProblem(field=_field_path(error.get("loc", ())), message=message,
                                       type=error.get("type", "value_error")))
        fields = "、".join(e.field for e in errors[:5])
        body = problem_body(
            status=422,
            code="validation_failed",
            message_zh=f"请求参数校验失败：{fields}",
            message_en=f"The request did not pass validation: {', '.join(e.field for e in errors[:5])}",
            english=english,
            errors=errors,
            instance=request.url.path,
        )
        return problem_response(422, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        english = wants_english(request.headers.get("accept-language"))
        body = problem_for_status(exc.status_code, english=english, instance=request.url.path)
        return problem_response(exc.status_code, body, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", extra={"path": request.url.path})
        english = wants_english(request.headers.get("accept-language"))
        return problem_response(500, problem_for_status(500, english=english, instance=request.url.path))


# Documented in every route's OpenAPI so clients know the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "Client error (problem+json)."},
    "5XX": {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": "Server error (problem+json)."},
}
