"""The reverse proxy to the services, as plain ASGI on each service's own pooled aiohttp session.

aiohttp rather than httpx here because it was measured: a FastAPI proxy on httpx.AsyncClient kept a small
fraction of direct throughput (httpcore's pool scan), aiohttp several times more on a trivial route."""

import asyncio
import logging
from collections.abc import AsyncIterator

import aiohttp
from starlette.types import Message, Receive, Scope, Send
from yarl import URL

from gateway.proxy.upstreams import Upstream
from servicekit.problems import DomainError, problem_for_status, send_problem, wants_english
from servicekit.request_context import current_request_id
from servicekit.unit_of_work import BodyTooLarge, read_body_start

logger = logging.getLogger("gateway.proxy")

# Never forwarded: hop-by-hop headers (RFC 9110 §7.6.1), which are for one connection only, and the
# caller's credentials, which the gateway has already turned into an internal token (or refused). An
# X-Internal-Token sent by the caller is dropped, so nobody can claim an identity the gateway did not check.
NOT_FORWARDED = {
    b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailer",
    b"transfer-encoding", b"upgrade", b"host", b"content-length", b"authorization", b"x-api-key",
    b"x-internal-token", b"cookie", b"x-request-id", b"x-forwarded-for", b"x-forwarded-proto",
}
# Dropped from responses: hop-by-hop, and what our own server (uvicorn) sets again.
UPSTREAM_ONLY_RESPONSE_HEADERS = {b"connection", b"keep-alive", b"transfer-encoding", b"x-request-id", b"date", b"server"}
# Bodies up to this size are read whole (so a refused connection can be retried on another replica) and sent
# with a Content-Length; bigger or unsized ones stream.
BUFFERED_BODY_LIMIT = 1024 * 1024


async def _stream_body(receive: Receive, limit: int, first: bytes = b""):  # noqa: ANN202 - for aiohttp
    """A body too large to read whole, passed on as it arrives (after `first`, read already) and counted
    (servicekit.read_body's limit)."""
    seen = len(first)
    if first:
        yield first
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


async def _read_or_stream_body(receive: Receive, limit: int) -> bytes | AsyncIterator[bytes]:
    """The body read whole while it stays within BUFFERED_BODY_LIMIT, chunked or not; a bigger one passed on as
    it arrives. Read whole before the service answers: a service may answer without reading it (a 401), and a
    connection closed with unread data is reset, which can lose that answer on its way to the client."""
    body, more = await read_body_start(receive, limit, stop_after=BUFFERED_BODY_LIMIT)
    return _stream_body(receive, limit, body) if more else body


def _upstream_problem(status: int, english: bool, path: str, service: str) -> dict:
    zh = {502: f"{service} 服务不可用，请稍后再试。", 504: f"{service} 服务响应超时，请稍后再试。"}[status]
    en = {502: f"The {service} service is unavailable; try again later.",
          504: f"The {service} service did not answer in time; try again later."}[status]
    body = problem_for_status(status, english=english, instance=path, detail_zh=zh, detail_en=en)
    body["service"] = service
    return body


async def send_domain_error(send: Send, error: DomainError, *, english: bool, instance: str) -> None:
    headers = [(k.lower().encode(), v.encode()) for k, v in (error.headers() or {}).items()]
    await send_problem(send, error.to_problem(english=english, instance=instance), headers)


class ServiceProxy:
    def __init__(self, upstreams: dict[str, Upstream], *, max_body_bytes: int) -> None:
        self.upstreams = upstreams
        self.max_body_bytes = max_body_bytes

    async def forward(self, scope: Scope, receive: Receive, send: Send, service: str, prefix_length: int,
                      extra_headers: list[tuple[bytes, bytes]] = ()) -> None:
        upstream = self.upstreams[service]
        raw_path = (scope.get("raw_path") or scope["path"].encode()).split(b"?", 1)[0]
        target = raw_path[prefix_length:].decode("latin-1") or "/"
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
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

        try:
            with upstream.admitted():
                data = None
                if scope["method"] not in ("GET", "HEAD", "OPTIONS", "DELETE") or content_length:
                    data = await _read_or_stream_body(receive, self.max_body_bytes)
                await self._send_to_a_replica(scope, send, upstream, target, headers, data, english)
        except DomainError as error:
            await send_domain_error(send, error, english=english, instance=scope["path"])
        except BodyTooLarge:
            await send_problem(send, problem_for_status(413, english=english, instance=scope["path"]))

    async def _send_to_a_replica(self, scope: Scope, send: Send, upstream: Upstream, target: str,
                                 headers: list[tuple[str, str]], data: object, english: bool) -> None:
        assert upstream.session is not None, "proxy not started"
        replicas = upstream.in_turn()
        for attempt, replica in enumerate(replicas):
            url = URL(replica.url + target, encoded=True)
            started = False
            try:
                async with upstream.session.request(scope["method"], url, headers=headers, data=data,
                                                    allow_redirects=False) as response:
                    response_headers = [(k.lower(), v) for k, v in response.raw_headers
                                        if k.lower() not in UPSTREAM_ONLY_RESPONSE_HEADERS]
                    await send({"type": "http.response.start", "status": response.status,
                                "headers": response_headers})
                    started = True
                    if response.content_length is not None and response.content_length <= BUFFERED_BODY_LIMIT:
                        await send({"type": "http.response.body", "body": await response.read()})
                    else:
                        async for chunk in response.content.iter_any():
                            await send({"type": "http.response.body", "body": chunk, "more_body": True})
                        await send({"type": "http.response.body", "body": b""})
                replica.succeeded()
                return
            except BodyTooLarge:
                if not started:
                    raise
                return
            except aiohttp.ClientConnectorError as exc:
                # Nothing was sent: another replica may take the request, if the body can be sent again.
                upstream.failed(replica)
                logger.warning("upstream refused", extra={"service": upstream.name, "replica": replica.url,
                                                          "error": type(exc).__name__})
                if attempt + 1 < len(replicas) and not started and (data is None or isinstance(data, bytes)):
                    continue
                if not started:
                    await send_problem(send, _upstream_problem(502, english, scope["path"], upstream.name))
                return
            except (TimeoutError, asyncio.TimeoutError, aiohttp.ServerTimeoutError):
                upstream.failed(replica)
                logger.warning("upstream timed out", extra={"service": upstream.name, "replica": replica.url})
                if not started:
                    await send_problem(send, _upstream_problem(504, english, scope["path"], upstream.name))
                return
            except aiohttp.ClientError as exc:
                if isinstance(exc.__cause__, BodyTooLarge) or isinstance(exc.__context__, BodyTooLarge):
                    if not started:
                        raise BodyTooLarge() from exc
                    return
                upstream.failed(replica)
                logger.warning("upstream unavailable", extra={"service": upstream.name, "error": type(exc).__name__})
                if not started:
                    await send_problem(send, _upstream_problem(502, english, scope["path"], upstream.name))
                return
