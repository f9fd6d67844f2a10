"""The reverse proxy to the services, as a plain ASGI app on one pooled aiohttp session.

aiohttp rather than httpx here because it was measured: a FastAPI proxy on httpx.AsyncClient kept 0.05x of
direct throughput (httpcore's pool scan), on aiohttp 0.36-0.41x on a trivial route (issue 2)."""

import asyncio
import json
import logging

import aiohttp
from starlette.types import Message, Receive, Scope, Send

from servicekit.problems import PROBLEM_MEDIA_TYPE, problem_for_status, wants_english
from servicekit.request_context import current_request_id

logger = logging.getLogger("gateway.proxy")

# Never forwarded: hop-by-hop headers (RFC 9110 §7.6.1), which are for one connection only, and the
# caller's credentials, which the gateway has already turned into an internal token (or refused). An
# X-Internal-Token sent by the caller is dropped, so nobody can claim an identity the gateway did not check.
NOT_FORWARDED = {
    b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailer",
    b"transfer-encoding", b"upgrade", b"host", b"content-length", b"authorization", b"x-api-key",
    b"x-internal-token", b"cookie", b"x-request-id", b"x-forwarded-for",
}
# Dropped from responses: hop-by-hop, and what our own server (uvicorn) sets again.
UPSTREAM_ONLY_RESPONSE_HEADERS = {b"connection", b"keep-alive", b"transfer-encoding", b"x-request-id", b"date", b"server"}
# Bodies up to this size are read whole and sent with a Content-Length; bigger or unsized ones stream.
BUFFERED_BODY_LIMIT = 1024 * 1024


class ServiceProxy:
    def __init__(self, service_urls: dict[str, str], *, connect_timeout: float, read_timeout: float,
                 pool_size: int, max_body_bytes: int) -> None:
        self.service_urls = service_urls
        self.max_body_bytes = max_body_bytes
        self.timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout, sock_read=read_timeout)
        self.pool_size = pool_size
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=self.pool_size, keepalive_timeout=30, enable_cleanup_closed=True)
        self.session = aiohttp.ClientSession(
            connector=connector, timeout=self.timeout, auto_decompress=False, skip_auto_headers=("User-Agent",)
        )

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    def route(self, path: str) -> tuple[str, str] | None:
        """`/api/agencies/tasks` → ("agencies", "/tasks"); None when no service owns the path."""
        if not path.startswith("/api/"):
            return None
        name, _, rest = path[5:].partition("/")
        if name not in self.service_urls or rest == "internal" or rest.startswith("internal/"):
            # /internal/ routes are for service-to-service calls on the internal network, never the public.
            return None
        return name, "/" + rest

    async def forward(self, scope: Scope, receive: Receive, send: Send, service: str, upstream_path: str,
                      extra_headers: list[tuple[bytes, bytes]] = ()) -> None:
        assert self.session is not None, "proxy not started"
        url = self.service_urls[service] + upstream_path
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode("latin-1")
        headers: list[tuple[str, str]] = []
        content_length: int | None = None
        english = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                content_length = int(value) if value.isdigit() else None
            if name == b"accept-language":
                english = wants_english(value.decode("latin-1"))
            if name in NOT_FORWARDED:
                continue
            headers.append((name.decode("latin-1"), value.decode("latin-1")))
        for name, value in extra_headers:
            headers.append((name.decode("latin-1"), value.decode("latin-1")))
        request_id = current_request_id()
        if request_id:
            headers.append(("X-Request-ID", request_id))
        client = scope.get("client")
        if client:
            headers.append(("X-Forwarded-For", client[0]))

        data = None
        if scope["method"] not in ("GET", "HEAD", "OPTIONS", "DELETE") or content_length:
            if content_length is not None and content_length <= BUFFERED_BODY_LIMIT:
                data = await _read_body(receive)
            else:
                data = _stream_body(receive, self.max_body_bytes)

        started = False
        try:
            async with self.session.request(scope["method"], url, headers=headers, data=data,
                                            allow_redirects=False) as upstream:
                response_headers = [
                    (k.lower(), v) for k, v in upstream.raw_headers
                    if k.lower() not in UPSTREAM_ONLY_RESPONSE_HEADERS
                ]
                await send({"type": "http.response.start", "status": upstream.status, "headers": response_headers})
                started = True
                if upstream.content_length is not None and upstream.content_length <= BUFFERED_BODY_LIMIT:
                    await send({"type": "http.response.body", "body": await upstream.read()})
                    return
                async for chunk in upstream.content.iter_any():
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
        except BodyTooLarge:
            if not started:
                await send_problem(send, 413, problem_for_status(413, english=english, instance=scope["path"]))
        except (TimeoutError, asyncio.TimeoutError, aiohttp.ServerTimeoutError):
            logger.warning("upstream timed out", extra={"service": service, "path": upstream_path})
            if not started:
                await send_problem(send, 504, _upstream_problem(504, english, scope["path"], service))
        except aiohttp.ClientError as exc:
            if isinstance(exc.__cause__, BodyTooLarge) or isinstance(exc.__context__, BodyTooLarge):
                if not started:
                    await send_problem(send, 413, problem_for_status(413, english=english, instance=scope["path"]))
                return
            logger.warning("upstream unavailable", extra={"service": service, "error": type(exc).__name__})
            if not started:
                await send_problem(send, 502, _upstream_problem(502, english, scope["path"], service))


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message: Message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


class BodyTooLarge(Exception):
    """A streamed request body went past the gateway's size limit."""


async def _stream_body(receive: Receive, limit: int):  # noqa: ANN202 - async generator for aiohttp
    seen = 0
    while True:
        message: Message = await receive()
        body = message.get("body", b"")
        seen += len(body)
        if seen > limit:
            raise BodyTooLarge()
        if body:
            yield body
        if not message.get("more_body"):
            return


def _upstream_problem(status: int, english: bool, path: str, service: str) -> dict:
    zh = {502: f"{service} 服务不可用，请稍后再试。", 504: f"{service} 服务响应超时，请稍后再试。"}[status]
    en = {502: f"The {service} service is unavailable; try again later.",
          504: f"The {service} service did not answer in time; try again later."}[status]
    body = problem_for_status(status, english=english, instance=path, detail_zh=zh, detail_en=en)
    body["service"] = service
    return body


async def send_problem(send: Send, status: int, body: dict, headers: list[tuple[bytes, bytes]] = ()) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                            (b"content-length", str(len(payload)).encode()), *headers]})
    await send({"type": "http.response.body", "body": payload})
