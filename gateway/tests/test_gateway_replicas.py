"""Several processes of one service behind the gateway: taken in turn, and a killed one left out while the
others keep answering."""

import time

import httpx
import pytest

from devtools.processes import running_platform

pytestmark = [pytest.mark.platform, pytest.mark.database_agnostic]
BOTH = ("applications", "applications-2")


def served(platform, process: str) -> int:
    """Requests for programs this process logged."""
    return (platform.log_dir / f"{process}.log").read_text().count('"/programs"')


def served_once_logged(platform, processes: tuple[str, ...], total: int) -> list[int]:
    """What each process logged, once `total` requests are logged among them: a process writes its access-log
    line just after it has answered, so the last line can land a moment after the client has its response."""
    deadline = time.monotonic() + 10
    while sum(counts := [served(platform, p) for p in processes]) < total and time.monotonic() < deadline:
        time.sleep(0.1)
    return counts


def test_with_one_of_two_replicas_killed_requests_still_succeed():
    with running_platform(replicas={"applications": 2},
                          extra_env={"GATEWAY_UPSTREAM_RETRY_SECONDS": "1"}) as platform:
        url = f"{platform.gateway_url}/api/applications/programs"
        with httpx.Client(timeout=30) as client:
            assert [client.get(url).status_code for _ in range(10)] == [200] * 10
            # Taken in turn: each replica served half.
            assert served_once_logged(platform, BOTH, 10) == [5, 5]

            platform.processes["applications-2"].popen.kill()
            platform.processes["applications-2"].popen.wait()
            answers = [client.get(url) for _ in range(20)]
            answers += [client.post(url, json={}) for _ in range(4)]  # a body is sent again to the live one
            assert [a.status_code for a in answers] == [200] * 20 + [401] * 4
            health = client.get(f"{platform.gateway_url}/api/health").json()
            applications = next(s for s in health["services"] if s["name"] == "applications")
            assert applications["status"] == "up"
            assert (applications["replicas"], applications["replicas_up"]) == (2, 1)

            platform.start(("applications-2",))
            platform.wait_ready(names=("applications-2",))
            time.sleep(1.2)  # past the pause of a replica that failed
            before = [served(platform, p) for p in BOTH]
            assert [client.get(url).status_code for _ in range(6)] == [200] * 6
            assert served_once_logged(platform, BOTH, sum(before) + 6)[1] > before[1]


def test_the_start_command_runs_n_processes_of_a_service_on_ports_of_their_own():
    import argparse

    from devtools.platform import replica_counts
    from devtools.processes import DEFAULT_PORTS, Platform

    assert replica_counts("applications=2,funding=3") == {"applications": 2, "funding": 3}
    for wrong in ("gateway=2", "applications=0", "applications=two", "funding"):
        with pytest.raises(argparse.ArgumentTypeError):
            replica_counts(wrong)
    platform = Platform(ports=dict(DEFAULT_PORTS), replicas={"applications": 2})
    assert platform.process_names() == ("agencies", "applications", "applications-2", "funding", "gateway")
    environment = platform.environment("applications-2")
    assert environment["GATEWAY_APPLICATIONS_URL"] == "http://127.0.0.1:8102,http://127.0.0.1:8202"
    assert "--port" in platform.command("applications-2") and "8202" in platform.command("applications-2")
