"""Joining concurrent calls into fewer, larger ones ("smart batching"): with fewer than `in_flight` calls out, an
item goes at once (no waiting at low load); otherwise it waits for one to come back, and everything that waited
goes out together, up to `max_items` a call. Used where the items are independent at the other end (each its
own outcome), so joining them changes no answer, only the number of round trips and transactions."""

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """`send(items)` answers one result per item, in order. Only items with the same `group` (e.g. the same
    caller) go out together."""

    def __init__(self, send: Callable[[list[Item]], Awaitable[list[Result]]], *, in_flight: int = 2,
                 max_items: int = 100) -> None:
        self.send = send
        self.max_items = max_items
        self.slots = asyncio.Semaphore(in_flight)
        self.waiting: list[tuple[Hashable, list[Item], asyncio.Future]] = []

    async def __call__(self, items: list[Item], group: Hashable = None) -> list[Result]:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((group, items, future))
        async with self.slots:
            # Unless another call took these items out with its own (then they are on their way already).
            if any(entry[2] is future for entry in self.waiting):
                await self._send_waiting(group)
        return await future

    async def _send_waiting(self, group: Hashable) -> None:
        taken, count = [], 0
        for entry in list(self.waiting):
            if entry[0] != group or (taken and count + len(entry[1]) > self.max_items):
                continue
            self.waiting.remove(entry)
            taken.append(entry)
            count += len(entry[1])
        try:
            results = await self.send([item for _, items, _ in taken for item in items])
        except BaseException as error:
            for _, _, future in taken:
                if not future.done():
                    future.set_exception(error)
            raise
        start = 0
        for _, items, future in taken:
            if not future.done():
                future.set_result(results[start:start + len(items)])
            start += len(items)
