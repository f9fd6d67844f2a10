"""Rendered public catalog pages (the task list and a task's detail), kept as JSON bytes for at most
`ttl_seconds`. The catalog is read far more than it changes, and a page costs milliseconds to build (progress
of every deliverable, then validation and serialisation) but microseconds to resend.

Freshness: every write request this process answers forgets all pages (agencies/after_writes.py), so a caller
sees its own report at once; a change made elsewhere (another worker or replica, the plan loader) shows within
`ttl_seconds`. A page being rendered while a write lands is not kept (the generation check), so it cannot
outlive the write. `ttl_seconds = 0` turns the cache off."""

import asyncio
import time
from collections.abc import Awaitable, Callable, Hashable

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.database import Database
from servicekit.unit_of_work import transaction

JSON = "application/json"


class RenderedPages:
    def __init__(self, ttl_seconds: float, max_entries: int = 2048) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries  # the task list is keyed by its filters; bound what searches can fill
        self._entries: dict[Hashable, tuple[float, bytes]] = {}
        self._rendering: dict[Hashable, asyncio.Future[bytes]] = {}
        self._generation = 0

    def forget_all(self) -> None:
        # Renders in flight may have read the state before the write: later requests must not join them.
        self._entries.clear()
        self._rendering.clear()
        self._generation += 1

    async def respond(self, key: Hashable, render: Callable[[], Awaitable[BaseModel]]) -> Response:
        """The page under `key`, rendered by `render` when not kept. Concurrent misses of one key share a
        single render; an error is not kept and reaches each caller from its own render."""
        if self.ttl_seconds <= 0:
            return _json(await render())
        now = time.monotonic()
        kept = self._entries.get(key)
        if kept is not None and kept[0] > now:
            return Response(kept[1], media_type=JSON)
        in_flight = self._rendering.get(key)
        if in_flight is not None:
            try:
                return Response(await asyncio.shield(in_flight), media_type=JSON)
            except asyncio.CancelledError:
                if not in_flight.cancelled():
                    raise  # this request was cancelled, not the render it waited for
            except Exception:  # noqa: BLE001, S110 - that render failed; this request renders on its own
                pass
            return _json(await render())
        return await self._render(key, render)

    async def _render(self, key: Hashable, render: Callable[[], Awaitable[BaseModel]]) -> Response:
        generation = self._generation
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._rendering[key] = future
        try:
            body = _body(await render())
        except Exception as error:
            future.set_exception(error)
            future.exception()  # marked retrieved: nobody may be waiting
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            if self._rendering.get(key) is future:
                del self._rendering[key]
        future.set_result(body)
        if generation == self._generation:
            self._keep(key, body)
        return Response(body, media_type=JSON)

    def _keep(self, key: Hashable, body: bytes) -> None:
        now = time.monotonic()
        if len(self._entries) >= self.max_entries:
            self._entries = {k: v for k, v in self._entries.items() if v[0] > now}
            if len(self._entries) >= self.max_entries:
                return
        self._entries[key] = (now + self.ttl_seconds, body)


def _body(model: BaseModel) -> bytes:
    return model.__pydantic_serializer__.to_json(model)


def _json(model: BaseModel) -> Response:
    return Response(_body(model), media_type=JSON)


@dataclass(frozen=True)
class PageRequest:
    """What a cached endpoint needs: the kept pages, and the database to read only when a page must be built
    (a resent page opens no session at all)."""

    pages: RenderedPages
    database: Database

    async def respond(self, key: Hashable, render: Callable[[AsyncSession], Awaitable[BaseModel]]) -> Response:
        async def build() -> BaseModel:
            async with transaction(self.database, write=False) as session:
                return await render(session)

        return await self.pages.respond(key, build)


async def page_request(request: Request) -> PageRequest:
    return PageRequest(request.app.state.rendered_pages, request.app.state.database)
