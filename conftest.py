"""Fixtures for tests that run the real platform: every service and the gateway as processes, on this
run's backend (SQLite files, or one fresh PostgreSQL database per service)."""

import contextlib
import importlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.processes import SERVICES, Platform, free_port
from servicekit.testing import migrated_database


@contextlib.contextmanager
def running_platform(workers: int = 1, extra_env: dict[str, str] | None = None) -> Iterator[Platform]:
    with tempfile.TemporaryDirectory(prefix="tpp-platform-") as folder, contextlib.ExitStack() as stack:
        urls = {
            name: stack.enter_context(migrated_database(importlib.import_module(f"{name}.config").SERVICE_DIR, name))
            for name in SERVICES
        }
        platform = Platform(
            ports={name: free_port() for name in (*SERVICES, "gateway")},
            database_urls=urls,
            extra_env={"TPP_DATA_DIR": folder, **(extra_env or {})},
            log_dir=Path(folder),
            workers=workers,
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


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    """The whole platform, shared by the tests of one run; a test that stops a service restarts it."""
    with running_platform() as running:
        yield running
