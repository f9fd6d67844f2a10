"""Fixtures for tests that run the real platform: every service and the gateway as processes, on this
run's backend (SQLite files, or one fresh PostgreSQL database per service)."""

from collections.abc import Iterator

import pytest

from devtools.processes import Platform, running_platform

# servicekit's fixtures (frozen_clock, …) for every test of the repository.
pytest_plugins = ["servicekit.pytest_fixtures"]


# The longest test files (each a minute or more of one worker), measured on both backends. They are handed out
# first, so pytest-xdist's workers end on short tests and finish together instead of one waiting on the other.
# Only files with databases of their own (a platform, a fresh database): the applications service's tests share
# one database per worker and some commit, so they keep the order they were written for.
LONG_FIRST = ("tests/test_browser.py", "tests/test_api_fuzz.py", "tests/test_api_contract.py", "tests/test_approvals_replicas.py",
              "services/funding/tests/test_funding_chaos.py", "services/funding/tests/test_funding_model.py",
              "tests/test_access_matrix.py", "services/funding/tests/test_funding_races.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: n for n, path in enumerate(LONG_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(LONG_FIRST)))  # stable: same order within


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    """The whole platform, shared by the tests of one pytest process (each xdist worker that runs such a test
    starts its own); a test that stops a service restarts it."""
    # Tests sign in often from one address (and fail on purpose); the login limits are tested in gateway/tests.
    # Webhook receivers in tests listen on loopback, and a retry schedule of days takes seconds.
    with running_platform(extra_env={"GATEWAY_LOGIN_RATE_LIMIT": "10000/minute",
                                     "GATEWAY_LOGIN_FAILURE_LIMIT": "10000/minute",
                                     "AGENCIES_WEBHOOK_ALLOW_PRIVATE_HOSTS": "true",
                                     "AGENCIES_WEBHOOK_RETRY_SCALE": "0.00001"}) as running:
        yield running


@pytest.fixture(scope="session", autouse=True)
def identity_keys(tmp_path_factory) -> None:
    """Every test run has its own identity keys (and the applications service's personal-data keys), shared with
    the processes it starts (TPP_KEYS_DIR)."""
    import os

    from applications.crypto import ensure_data_keys
    from servicekit.testing import prepare_identity_keys

    folder = tmp_path_factory.mktemp("keys")
    prepare_identity_keys(folder)
    ensure_data_keys(folder)
    os.environ["TPP_KEYS_DIR"] = str(folder)


@pytest.fixture(scope="session")
def platform_admin(platform) -> tuple[str, str]:
    """An admin of the running platform, made the way the first start makes one: (username, password)."""
    import asyncio

    from gateway.bootstrap import create_admin

    return "platform-admin", asyncio.run(create_admin(platform.database_urls["gateway"], "platform-admin",
                                                      actor="test:setup"))


@pytest.fixture(scope="module")
def platform_admin_headers(platform, platform_admin) -> dict[str, str]:
    """The platform admin's Authorization header, signed in once per module (an access token lives 15 minutes,
    less than a whole run)."""
    import httpx

    signed_in = httpx.post(f"{platform.gateway_url}/api/v1/auth/login", timeout=30,
                           json={"username": platform_admin[0], "password": platform_admin[1]})
    return {"Authorization": f"Bearer {signed_in.raise_for_status().json()['access_token']}"}
