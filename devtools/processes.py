"""Starting and stopping the platform's processes: used by `manage.py start` and by cross-service tests."""

import contextlib
import ctypes
import importlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("agencies", "applications", "funding")
DEFAULT_PORTS = {"gateway": 8000, "agencies": 8101, "applications": 8102, "funding": 8103}


_PORTS_GIVEN: set[int] = set()
_PICK = random.SystemRandom()  # not the `random` module's state, which hypothesis seeds in its tests


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A port free right now, for a process to listen on. Not one the kernel hands out (`bind(0)` gave two
    services of one platform the same port, and outgoing connections take their local ports from that range
    too), never the same twice in this process, and drawn at random, so that other test processes rarely pick
    it at the same moment."""
    high = _ephemeral_low() - 1
    while True:
        port = _PICK.randint(10_000, high)
        if port in _PORTS_GIVEN:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _PORTS_GIVEN.add(port)
        return port


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if this process dies, even by SIGKILL, so nothing is left behind."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    popen: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self) -> None:
        stdout = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115 - lives with the process
        self.popen = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=stdout, stderr=subprocess.STDOUT
                                      if stdout else None, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
                                      start_new_session=True)

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.alive():
            self.popen.send_signal(sig)


@dataclass
class Platform:
    """Every service and the gateway as uvicorn processes on loopback; a service may run as several processes
    (replicas), which the gateway takes in turn. Process names are the service's name for its first replica
    and `<service>-<n>` for the others."""

    ports: dict[str, int]
    database_urls: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    workers: int = 1
    processes: dict[str, Process] = field(default_factory=dict)
    # Processes per service (1 when not named), and the port of each replica after the first.
    replicas: dict[str, int] = field(default_factory=dict)
    replica_ports: dict[str, int] = field(default_factory=dict)
    # Per-process key folders (devtools.keys); without it every process reads TPP_KEYS_DIR as it is.
    keys_root: Path | None = None

    def __post_init__(self) -> None:
        for name, count in self.replicas.items():
            for n in range(2, count + 1):
                self.replica_ports.setdefault(f"{name}-{n}", self.ports[name] + 100 * (n - 1))

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def service_url(self, name: str) -> str:
        """A process's address: a service's name is its first replica."""
        return f"http://127.0.0.1:{self.ports.get(name) or self.replica_ports[name]}"

    def replica_names(self, service: str) -> list[str]:
        return [service, *(f"{service}-{n}" for n in range(2, self.replicas.get(service, 1) + 1))]

    def process_names(self) -> tuple[str, ...]:
        return (*(p for name in SERVICES for p in self.replica_names(name)), "gateway")

    def environment(self, process: str = "gateway") -> dict[str, str]:
        env = {**os.environ, **self.extra_env}
        for name in SERVICES:
            env[f"GATEWAY_{name.upper()}_URL"] = ",".join(self.service_url(p) for p in self.replica_names(name))
        # The applications service asks funding for every amount, directly (not through the gateway).
        env["APPLICATIONS_FUNDING_URL"] = self.service_url("funding")
        for name, url in self.database_urls.items():
            env[f"{name.upper()}_DATABASE_URL"] = url
        if self.keys_root is not None:
            env["TPP_KEYS_DIR"] = str(self.keys_root / process.split("-")[0])
        return env

    def command(self, process: str) -> list[str]:
        name = process.split("-")[0]
        module = "gateway.main:app" if name == "gateway" else f"{name}.main:app"
        port = self.ports.get(process) or self.replica_ports[process]
        cmd = [sys.executable, "-m", "uvicorn", module, "--host", "127.0.0.1", "--port", str(port),
               "--no-access-log", "--timeout-graceful-shutdown", "5"]
        if name == "gateway":
            # The gateway reads X-Forwarded-* itself, from its configured proxies only (GATEWAY_TRUSTED_PROXIES).
            cmd.append("--no-proxy-headers")
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        return cmd

    def start(self, names: tuple[str, ...] | None = None) -> None:
        for name in names or self.process_names():
            log_path = self.log_dir / f"{name}.log" if self.log_dir else None
            process = Process(name, self.command(name), self.environment(name), log_path=log_path)
            process.start()
            self.processes[name] = process

    def stop(self, names: tuple[str, ...] | None = None, timeout: float = 10.0) -> None:
        chosen = [self.processes[n] for n in (names or tuple(self.processes)) if n in self.processes]
        for process in chosen:
            process.stop(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in chosen:
            if process.popen is None:
                continue
            try:
                process.popen.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait()

    def wait_ready(self, timeout: float = 60.0, names: tuple[str, ...] | None = None) -> None:
        """Until each named process answers its readiness URL; raises if one exits or time runs out."""
        deadline = time.monotonic() + timeout
        pending = list(names or self.process_names())
        while pending:
            name = pending[0]
            process = self.processes.get(name)
            if process is not None and not process.alive():
                raise RuntimeError(f"{name} exited with code {process.popen.returncode}; see its log")
            url = f"{self.gateway_url}/api/health" if name == "gateway" else f"{self.service_url(name)}/readyz"
            if _answers_200(url):
                pending.pop(0)
                continue
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} was not ready at {url} within {timeout:g} s")
            time.sleep(0.1)


def _answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_platform(workers: int = 1, extra_env: dict[str, str] | None = None, load_plan: bool = True,
                     replicas: dict[str, int] | None = None) -> Iterator[Platform]:
    """The whole platform on free ports and scratch databases of this run's backend (servicekit.testing),
    with the plan loaded as `manage.py start` loads it; `replicas` runs several processes of a service. Each
    process reads only its own keys (devtools.keys), made from this run's keys in TPP_KEYS_DIR."""
    from applications.crypto import ensure_data_keys
    from devtools.keys import distribute_keys
    from devtools.platform import load_plan_data
    from servicekit.settings import keys_dir
    from servicekit.testing import migrated_database, prepare_identity_keys

    prepare_identity_keys(keys_dir())
    ensure_data_keys(keys_dir())
    with tempfile.TemporaryDirectory(prefix="tpp-platform-") as folder, contextlib.ExitStack() as stack:
        urls = {
            name: stack.enter_context(migrated_database(importlib.import_module(f"{name}.config").SERVICE_DIR, name))
            for name in SERVICES
        }
        urls["gateway"] = stack.enter_context(migrated_database(ROOT / "gateway", "gateway"))
        if load_plan:
            load_plan_data(urls)
        replicas = replicas or {}
        platform = Platform(
            ports={name: free_port() for name in (*SERVICES, "gateway")},
            database_urls=urls,
            extra_env={"TPP_DATA_DIR": folder, **(extra_env or {})},
            log_dir=Path(folder),
            workers=workers,
            replicas=replicas,
            replica_ports={f"{name}-{n}": free_port() for name, count in replicas.items() for n in range(2, count + 1)},
            keys_root=distribute_keys(keys_dir(), Path(folder) / "keys"),
        )
        platform.start()
        try:
            platform.wait_ready(timeout=60)
            yield platform
        except BaseException:
            for log in Path(folder).glob("*.log"):
                print(f"--- {log.name}\n{log.read_text()[-4000:]}")
            raise
        finally:
            platform.stop()
