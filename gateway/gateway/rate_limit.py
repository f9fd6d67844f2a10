"""Rate limits with the `limits` library (moving window): in memory on the embedded default, in Redis when
GATEWAY_RATE_LIMIT_STORAGE says so, so that several gateway replicas share one count."""

import math
import time

from limits import parse, storage
from limits.aio.strategies import MovingWindowRateLimiter

from gateway.errors import RateLimited


class RateLimiter:
    def __init__(self, storage_uri: str) -> None:
        options = {"implementation": "redispy"} if "redis" in storage_uri else {}
        self.storage = storage.storage_from_string(storage_uri, **options)
        self.strategy = MovingWindowRateLimiter(self.storage)

    async def hit(self, rate: str, *identifiers: str) -> None:
        """Count one request against `rate` (e.g. "10/minute") for these identifiers; 429 when over."""
        limit = parse(rate)
        if not await self.strategy.hit(limit, *identifiers):
            await self._refuse(rate, *identifiers)

    async def check(self, rate: str, *identifiers: str) -> None:
        """429 if `rate` is used up for these identifiers, without counting anything."""
        if not await self.strategy.test(parse(rate), *identifiers):
            await self._refuse(rate, *identifiers)

    async def count(self, rate: str, *identifiers: str) -> None:
        """Count one event (a failed sign-in) against `rate`; refusing is left to `check`."""
        await self.strategy.hit(parse(rate), *identifiers)

    async def _refuse(self, rate: str, *identifiers: str) -> None:
        limit = parse(rate)
        stats = await self.strategy.get_window_stats(limit, *identifiers)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(f"请求过于频繁，请在 {retry_after} 秒后再试。",
                          f"Too many requests; try again in {retry_after} s.",
                          extra={"retry_after": retry_after, "limit": limit.amount})

    async def reset(self) -> None:
        await self.storage.reset()
