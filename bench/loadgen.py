"""Load generation for the benchmarks: wrk when installed (apt-get install wrk), which costs the machine
least; a small aiohttp loop otherwise. Both report requests/s and p50/p99 latency in milliseconds."""

import asyncio
import re
import shutil
import subprocess
import time
from dataclasses import dataclass

import aiohttp


@dataclass
class Result:
    label: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str

    def line(self) -> str:
        return (f"{self.label:<42} {self.requests_per_s:>9.0f} req/s   p50 {self.p50_ms:>7.2f} ms   "
                f"p99 {self.p99_ms:>7.2f} ms   errors {self.errors}   ({self.tool})")


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(label: str, url: str, connections: int, seconds: float, threads: int = 2,
            script: str | None = None) -> Result:
    """`script`: a wrk Lua script (a file path), e.g. to send a different POST body each request."""
    output = subprocess.run(
        ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds:g}s", "--latency",
         *(["-s", script] if script else []), url],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    total_errors = int(errors.group(1)) if errors else 0
    if socket_errors:
        total_errors += sum(int(g) for g in socket_errors.groups())
    return Result(label, rps, _ms(*p50.groups()), _ms(*p99.groups()), total_errors, "wrk")


async def _python_load(url: str, connections: int, seconds: float) -> tuple[int, list[float], int]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as session:
        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                async with session.get(url) as response:
                    await response.read()
                    if response.status >= 400:
                        errors += 1
                latencies.append((time.perf_counter() - started) * 1000)

        await asyncio.gather(*(worker() for _ in range(connections)))
    return len(latencies), latencies, errors


def run_python(label: str, url: str, connections: int, seconds: int) -> Result:
    count, latencies, errors = asyncio.run(_python_load(url, connections, seconds))
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    return Result(label, count / seconds, pick(0.50), pick(0.99), errors, "python")


def measure(label: str, url: str, connections: int = 50, seconds: int = 10) -> Result:
    # A short warm-up first, so connection set-up and first-request caches are not measured.
    if shutil.which("wrk"):
        run_wrk(label, url, connections, 2)
        return run_wrk(label, url, connections, seconds)
    run_python(label, url, connections, 2)
    return run_python(label, url, connections, seconds)


def gateway_admin(gateway_database_url: str, gateway_url: str) -> dict[str, str]:
    """Headers of an administrator signed in at the gateway: the user is made in the gateway's database (as
    `manage.py` makes the first admin), then signs in with its password like anyone."""
    import httpx

    from gateway.identity import service
    from servicekit.database import Database
    from servicekit.unit_of_work import transaction

    async def create() -> str:
        database = Database(gateway_database_url)
        try:
            async with transaction(database, write=True) as session:
                _, password = await service.create_user(session, actor="bench", username="bench-admin",
                                                        display_name="压测管理员", role="admin", password=None)
            return password
        finally:
            await database.dispose()

    password = asyncio.run(create())
    response = httpx.post(f"{gateway_url}/api/auth/login", timeout=30,
                          json={"username": "bench-admin", "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
