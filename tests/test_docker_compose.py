"""docker-compose.yml is not run here (no Docker engine), so it is checked against the code it starts:
every command, port, health check and environment variable must name something real."""

import importlib
import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.database_agnostic

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = ["agencies", "applications", "funding"]
APP_PROCESSES = [*SERVICES, "gateway"]
# Every container that runs one of them: a service's replicas are `<service>-<n>`.
CONTAINERS = [name for name in COMPOSE["services"] if name.split("-")[0] in APP_PROCESSES]


def command_of(name: str) -> str:
    command = COMPOSE["services"][name]["command"]
    return " ".join(command) if isinstance(command, list) else command


def uvicorn_target(name: str) -> tuple[str, str, int]:
    match = re.search(r"uvicorn (\S+):(\S+) .*--port (\d+)", command_of(name))
    assert match, f"{name}: command does not start uvicorn with a port"
    return match.group(1), match.group(2), int(match.group(3))


def routes_of(module_name: str, attribute: str) -> set[str]:
    app = getattr(importlib.import_module(module_name), attribute)
    while not hasattr(app, "openapi"):  # the gateway wraps its FastAPI app in middleware
        app = getattr(app, "api", None) or app.app
    return set(app.openapi()["paths"])


@pytest.mark.parametrize("name", CONTAINERS)
def test_command_starts_the_real_entry_point(name):
    module_name, attribute, _ = uvicorn_target(name)
    owner = name.split("-")[0]
    assert module_name == ("gateway.main" if owner == "gateway" else f"{owner}.main")
    assert callable(getattr(importlib.import_module(module_name), attribute))


@pytest.mark.parametrize("name", CONTAINERS)
def test_health_check_calls_a_real_route_on_the_served_port(name):
    module_name, attribute, port = uvicorn_target(name)
    check = " ".join(COMPOSE["services"][name]["healthcheck"]["test"])
    match = re.search(r"http://127\.0\.0\.1:(\d+)(/[\w/]*)", check)
    assert match, f"{name}: health check has no local URL"
    assert int(match.group(1)) == port
    assert match.group(2) in routes_of(module_name, attribute)
    published = COMPOSE["services"][name].get("expose", []) + [
        p.split(":")[-1] for p in COMPOSE["services"][name].get("ports", [])
    ]
    assert str(port) in published


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_has_its_own_database_and_runs_its_migrations(name):
    environment = COMPOSE["services"][name]["environment"]
    settings_class = next(v for k, v in vars(importlib.import_module(f"{name}.config")).items()
                          if k.endswith("Settings") and k != "ServiceSettings")
    variable = f"{settings_class.model_config['env_prefix']}DATABASE_URL"
    assert variable in environment
    assert environment[variable].endswith(f"@postgres:5432/{name}")
    assert f"python -m devtools.migrate {name} &&" in command_of(name)
    assert importlib.util.find_spec("devtools.migrate") is not None
    assert f"CREATE DATABASE {name};" in (ROOT / "docker" / "postgres-init.sql").read_text()
    assert environment["TPP_KEYS_DIR"] == "/keys"


def test_gateway_points_at_every_replica_of_each_service():
    from gateway.config import GatewaySettings

    environment = COMPOSE["services"]["gateway"]["environment"]
    settings = GatewaySettings(**{f"{name}_url": environment[f"GATEWAY_{name.upper()}_URL"] for name in SERVICES})
    for name in SERVICES:
        replicas = [c for c in CONTAINERS if c.split("-")[0] == name]
        assert settings.service_urls()[name] == [f"http://{c}:{uvicorn_target(c)[2]}" for c in replicas]


def test_replicas_are_shown_and_start_after_the_first_has_migrated():
    for name in ("applications", "funding"):
        replica = f"{name}-2"
        assert command_of(replica) == command_of(name)
        assert COMPOSE["services"][replica]["depends_on"][name]["condition"] == "service_healthy"
        assert COMPOSE["services"][replica]["environment"] == COMPOSE["services"][name]["environment"]


def test_gateway_migrates_bootstraps_and_shares_limits_in_redis():
    from gateway.config import GatewaySettings

    command = command_of("gateway")
    assert "python -m devtools.migrate gateway && python -m gateway.bootstrap &&" in command
    assert importlib.util.find_spec("gateway.bootstrap") is not None
    environment = COMPOSE["services"]["gateway"]["environment"]
    assert environment["GATEWAY_DATABASE_URL"].endswith("@postgres:5432/gateway")
    assert "rate_limit_storage" in GatewaySettings.model_fields
    assert environment["GATEWAY_RATE_LIMIT_STORAGE"] == "async+redis://redis:6379"
    assert "redis_url" in GatewaySettings.model_fields
    assert environment["GATEWAY_REDIS_URL"] == "redis://redis:6379/0"
    assert "redis" in COMPOSE["services"]
    # X-Forwarded-* are read by the gateway from its configured proxies, never by uvicorn from anybody.
    assert "--no-proxy-headers" in command
    assert "trusted_proxies" in GatewaySettings.model_fields and "GATEWAY_TRUSTED_PROXIES" in environment


def test_each_container_mounts_only_its_own_keys():
    """The keys step writes one volume per process (devtools.keys layout); a container mounts its own alone,
    read-only, so no service can read the gateway's signing key."""
    from devtools.keys import PROCESSES

    keys = COMPOSE["services"]["keys"]
    assert "python -m devtools.keys" in " ".join(keys["command"]) and keys["environment"]["TPP_KEYS_DIR"] == "/keys"
    assert sorted(keys["volumes"]) == sorted(f"keys-{p}:/keys/{p}" for p in PROCESSES)
    for name in CONTAINERS:
        definition = COMPOSE["services"][name]
        owner = name.split("-")[0]
        assert definition["environment"]["TPP_KEYS_DIR"] == "/keys"
        assert [v for v in definition["volumes"] if v.startswith("keys")] == [f"keys-{owner}:/keys:ro"]
        assert definition["depends_on"]["keys"]["condition"] == "service_completed_successfully"


def test_restart_policies_volume_and_no_committed_secrets():
    text = (ROOT / "docker-compose.yml").read_text()
    for name in [*CONTAINERS, "postgres", "redis"]:
        assert COMPOSE["services"][name]["restart"] == "unless-stopped"
        assert "healthcheck" in COMPOSE["services"][name]
    assert "pgdata:/var/lib/postgresql/data" in COMPOSE["services"]["postgres"]["volumes"]
    # Every password comes from the environment (.env), and .env.example names each variable used.
    for password in re.findall(r"postgres:([^@\s]+)@", text):
        assert password == "${POSTGRES_PASSWORD}"
    example = (ROOT / ".env.example").read_text()
    for variable in set(re.findall(r"\$\{(\w+)", text)):
        assert f"{variable}=" in example
    assert ".env" in (ROOT / ".gitignore").read_text().split()
