"""Each service the gateway routes to, as a bulkhead of its own: its own connection pool and timeouts, a cap
on the requests in flight to it (more are refused at once with 503 and Retry-After, so a hung service holds
only its own share of the gateway), and its replicas taken in turn, a failing one left out of rotation for a
while and then tried again."""

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp

from gateway.errors import UpstreamBusy, UpstreamUnavailable


class Replica:
    def __init__(self, url: str) -> None:
        self.url = url
        self.failures = 0
        self.down_until = 0.0

    def available(self, now: float) -> bool:
        return self.down_until <= now

    def succeeded(self) -> None:
        self.failures = 0
        self.down_until = 0.0


class Upstream:
    def __init__(self, name: str, urls: list[str], *, max_in_flight: int, connect_timeout: float,
                 read_timeout: float, failure_threshold: int, retry_seconds: float) -> None:
        if not urls:
            raise ValueError(f"no address configured for the {name} service")
        self.name = name
        self.replicas = [Replica(url) for url in urls]
        self.max_in_flight = max_in_flight
        self.failure_threshold = failure_threshold
        self.retry_seconds = retry_seconds
        self.in_flight = 0
        self._turn = 0
        self.timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout + 1, sock_connect=connect_timeout,
                                             sock_read=read_timeout)
        self.session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=self.max_in_flight, keepalive_timeout=30, enable_cleanup_closed=True)
        # The caller's Content-Type goes on as it came, and none is made up for a body that came without one
        # (aiohttp's default, application/octet-stream, would make the service refuse it with 415).
        self.session = aiohttp.ClientSession(connector=connector, timeout=self.timeout, auto_decompress=False,
                                             skip_auto_headers=("User-Agent", "Content-Type"))

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """One request's place in the bulkhead; 503 at once when the service already has its fill."""
        if self.in_flight >= self.max_in_flight:
            raise UpstreamBusy(extra={"service": self.name, "retry_after": 1})
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1

    def in_turn(self) -> list[Replica]:
        """The replicas in rotation, starting with the one whose turn it is; 503 when none is."""
        now = time.monotonic()
        count = len(self.replicas)
        start = self._turn % count
        self._turn += 1
        ordered = [self.replicas[(start + i) % count] for i in range(count)]
        chosen = [replica for replica in ordered if replica.available(now)]
        if not chosen:
            retry_after = max(1, math.ceil(min(r.down_until for r in self.replicas) - now))
            raise UpstreamUnavailable(extra={"service": self.name, "retry_after": retry_after})
        return chosen

    def failed(self, replica: Replica) -> None:
        """A failure to connect or to answer in time; enough of them in a row take the replica out of rotation."""
        replica.failures += 1
        if replica.failures >= self.failure_threshold:
            replica.down_until = time.monotonic() + self.retry_seconds

    def any_url(self) -> str:
        """An address for a side request (an existence check): the next in turn, or the first if all rest."""
        try:
            return self.in_turn()[0].url
        except UpstreamUnavailable:
            return self.replicas[0].url


def build_upstreams(service_urls: dict[str, list[str]], settings) -> dict[str, Upstream]:  # noqa: ANN001
    return {
        name: Upstream(name, urls, max_in_flight=settings.upstream_max_in_flight,
                       connect_timeout=settings.upstream_connect_timeout,
                       read_timeout=settings.upstream_read_timeout,
                       failure_threshold=settings.upstream_failure_threshold,
                       retry_seconds=settings.upstream_retry_seconds)
        for name, urls in service_urls.items()
    }
