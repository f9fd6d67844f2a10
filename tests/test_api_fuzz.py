"""API robustness through the gateway, on a platform of its own (what the fuzzer changes stays there):

* schemathesis generates requests for every operation of the merged OpenAPI document and sends the first of
  each operation as every kind of caller (anonymous, applicant, reviewer, expert, agency key, admin), the others
  as half of them in turn (an operation with no inputs may have one example only), with every check it has; a
  stateful run follows the links it infers between operations;
* our own edge-value fuzzer sends what generated data rarely reaches: integers past 64 bits, nulls, the first
  and last instants, NaN and Infinity, lone surrogates and NUL, deep nesting, bodies of the wrong shape, and
  chunked bodies with no length.

Any 5xx, or an answer that breaks the documented schema (status, content type, body), fails. Example counts are
bounded (FUZZ_EXAMPLES, default 3; schemathesis' coverage phase is left to the edge fuzzer) to keep CI time
in check; the totals are printed."""

import asyncio
import itertools
import json
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)
from schemathesis.core.parameters import ParameterLocation

from devtools.processes import Platform, running_platform
from gateway.bootstrap import create_admin
from servicekit.testing import backend_under_test

# Once per run, in the PostgreSQL pass: the stricter database (its JSON parser refused what SQLite stored), and
# the test command's time stays in bounds. On one xdist worker, so its platform is started once.
pytestmark = [pytest.mark.platform, pytest.mark.xdist_group("fuzz"),
              pytest.mark.skipif(backend_under_test() != "postgresql",
                                 reason="the fuzz harness runs in the PostgreSQL pass of the test command")]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
ROLES = ["anonymous", "applicant", "reviewer", "expert", "agency_key", "admin"]
# Every check schemathesis has, but two that judge business answers as schema errors: positive_data_acceptance
# (a valid-looking body for an application that does not exist is rightly a 404/409/422) and
# object_level_authorization (the access matrix tests who may see what, with real objects).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance, negative_data_rejection, ignored_auth, missing_required_header,
          unsupported_method, use_after_free, ensure_resource_availability]
# As admin these would take away the fuzzer's own callers (deactivate them, revoke their keys); the gateway's
# own tests and the edge fuzzer below cover them.
ADMIN_SKIPS = {("PATCH", "/api/v1/admin/users/{user_id}"), ("POST", "/api/v1/admin/api-keys/{key_id}/revoke"),
               ("POST", "/api/v1/admin/api-keys/{key_id}/rotate")}
# Operations known to take some invalid input (each with its reason): their negative-data check is left out
# until the service is fixed. None today; what the harness found so far has tests at the end of this file.
KNOWN_LAX_INPUT: dict[tuple[str, str], str] = {}
TALLY: Counter = Counter()
# Each operation's examples so far: which half of the callers sends the next one.
TURNS: dict[tuple[str, str], Iterator[int]] = {}


@pytest.fixture(scope="module")
def fuzz_platform() -> Iterator[Platform]:
    env = {"GATEWAY_LOGIN_RATE_LIMIT": "100000/minute", "GATEWAY_LOGIN_FAILURE_LIMIT": "100000/minute",
           "GATEWAY_API_KEY_RATE_LIMIT": "100000/minute"}
    with running_platform(extra_env=env) as running:
        yield running
    print(f"\nfuzz totals: {dict(TALLY)}")


@pytest.fixture(scope="module")
def identities(fuzz_platform) -> dict[str, dict[str, str]]:
    admin = "fuzz-admin", asyncio.run(create_admin(fuzz_platform.database_urls["gateway"], "fuzz-admin",
                                                   actor="test:fuzz"))
    with httpx.Client(base_url=fuzz_platform.gateway_url, timeout=30) as client:
        def token(username: str, password: str) -> dict[str, str]:
            response = client.post("/api/auth/login", json={"username": username, "password": password})
            response.raise_for_status()
            return {"Authorization": f"Bearer {response.json()['access_token']}"}

        admin_headers = token(*admin)
        headers = {"anonymous": {}, "admin": admin_headers}
        client.post("/api/auth/register", json={"username": "fuzz-applicant", "password": "a-long-password",
                                                "display_name": "模糊测试申报人"}).raise_for_status()
        headers["applicant"] = token("fuzz-applicant", "a-long-password")
        for role, extra in (("reviewer", {"agency_code": "prov-hrss-dept"}), ("expert", {})):
            created = client.post("/api/admin/users", headers=admin_headers, json={
                "username": f"fuzz-{role}", "display_name": role, "role": role, **extra})
            created.raise_for_status()
            headers[role] = token(created.json()["username"], created.json()["initial_password"])
        key = client.post("/api/admin/api-keys", headers=admin_headers, json={
            "agency_code": "prov-hrss-dept", "name": "fuzz", "scopes": ["reports:write", "reports:review",
                                                                         "applications:review", "applications:read",
                                                                         "funding:read"]})
        key.raise_for_status()
        headers["agency_key"] = {"X-API-Key": key.json()["secret"]}
    return headers


@pytest.fixture(scope="module")
def api_schema(fuzz_platform):
    loaded = schemathesis.openapi.from_url(f"{fuzz_platform.gateway_url}/api/openapi.json")
    loaded.config.phases.coverage.enabled = False
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_survives_generated_input_as_every_caller(case, identities):
    operation = (case.method.upper(), case.operation.path)
    checks = [c for c in CHECKS if c is not negative_data_rejection] if operation in KNOWN_LAX_INPUT else CHECKS
    turn = next(TURNS.setdefault(operation, itertools.count()))
    for role in ROLES if turn == 0 else ROLES[turn % 2::2]:
        if role == "admin" and operation in ADMIN_SKIPS:
            continue
        chosen = checks
        if identities[role] and case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER):
            # The case left out or spoilt a header (the credential among them) that this caller's own headers
            # put right: it is no longer the invalid request the check expects to see refused.
            chosen = [c for c in checks if c is not negative_data_rejection]
        case.call_and_validate(headers={**identities[role], "Idempotency-Key": uuid.uuid4().hex}, checks=chosen)
        TALLY[f"schemathesis:{role}"] += 1


def test_stateful_sequences_hold_as_admin(api_schema, identities):
    machine = api_schema.as_state_machine()

    class AsAdmin(machine):
        def get_call_kwargs(self, case):
            return {"headers": {**identities["admin"], "Idempotency-Key": uuid.uuid4().hex}}

        def before_call(self, case):
            if (case.method.upper(), case.operation.path) in ADMIN_SKIPS:
                # Leave the fuzzer's own callers alone; aim it at nothing that exists instead.
                case.path_parameters = {name: 2**31 - 1 for name in case.path_parameters or {}}
            TALLY["stateful:admin"] += 1

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                                     content_type_conformance, response_schema_conformance])

    AsAdmin.run(settings=settings(max_examples=EXAMPLES * 2, stateful_step_count=6, deadline=None,
                                  suppress_health_check=list(HealthCheck)))


# --- our own edge values ---------------------------------------------------------------------------------

EDGE_PATH_VALUES = ["9223372036854775808", "99999999999999999999", "-1", "0", "NaN", "%ED%A0%80"]
EDGE_QUERY_VALUES = ["9223372036854775808", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "NaN",
                     "Infinity", "%ED%A0%80", "%00", "x" * 5000]
# JSON texts, raw: NaN and Infinity are what Python's json accepts and strict parsers do not.
EDGE_JSON_VALUES = ["null", "9223372036854775808", "1e400", "NaN", "-Infinity", '"\\udb8d"', '"\\u0000"',
                    '"0001-01-01T00:00:00+14:00"', '"9999-12-31T23:59:59-14:00"', "{}", '"' + "长" * 20000 + '"',
                    "[" * 900 + "]" * 900]
# Fields per body given each edge value (as admin, who gets past authorization to validation).
EDGE_FIELDS = 4
EDGE_BODIES = ["null", "[]", '"text"', "1e400", "NaN", "{" + '"a":{' * 900 + "}" * 901, "{bad json"]


def _operations(document: dict) -> list[tuple[str, str, dict]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in ("get", "post", "put", "patch", "delete")]


def _fill_path(path: str, value: str | None = None, which: str | None = None) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if which is not None and name == which:
            return value
        return "1" if "id" in name or "year" in name or name == "number" else "x"

    return re.sub(r"\{(\w+)\}", fill, path)


def _body_properties(document: dict, operation: dict) -> list[str]:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    schema_ = content.get("schema", {})
    ref = schema_.get("$ref")
    if ref:
        schema_ = document["components"]["schemas"].get(ref.rsplit("/", 1)[1], {})
    return list(schema_.get("properties", {}))[:EDGE_FIELDS]


def _edge_requests(document: dict, method: str, path: str, operation: dict,
                   role: str) -> list[tuple[str, bytes | None, bool]]:
    """(url, raw body, send it chunked) for one operation and caller; bodies field by field only as admin."""
    requests: list[tuple[str, bytes | None, bool]] = []
    for name in re.findall(r"\{(\w+)\}", path):
        requests += [(_fill_path(path, value, name), None, False) for value in EDGE_PATH_VALUES]
    base = _fill_path(path)
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query":
            requests += [(f"{base}?{parameter['name']}={value}", None, False) for value in EDGE_QUERY_VALUES]
    if method in ("POST", "PUT", "PATCH"):
        requests += [(base, body.encode(), False) for body in EDGE_BODIES]
        if role == "admin":
            for field in _body_properties(document, operation):
                requests += [(base, f'{{"{field}": {value}}}'.encode(), False) for value in EDGE_JSON_VALUES]
        requests.append((base, json.dumps({"x": "y" * 100_000}).encode(), True))
    return requests


def _send(client: httpx.Client, method: str, url: str, headers: dict[str, str], content: bytes | None,
          chunked: bool) -> httpx.Response:
    headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    if content is not None:
        headers["Content-Type"] = "application/json"
        if chunked:
            def stream() -> Iterator[bytes]:
                for i in range(0, len(content), 4096):
                    yield content[i:i + 4096]
            return client.request(method, url, headers=headers, content=stream())
    return client.request(method, url, headers=headers, content=content)


def test_edge_values_on_every_operation_are_answered_with_a_4xx_problem(fuzz_platform, identities):
    document = httpx.get(f"{fuzz_platform.gateway_url}/api/openapi.json", timeout=30).json()
    work = []
    for method, path, operation in _operations(document):
        for role in ("anonymous", "agency_key", "admin"):
            if role == "admin" and (method, path) in ADMIN_SKIPS:
                continue
            work += [(method, url, role, content, chunked)
                     for url, content, chunked in _edge_requests(document, method, path, operation, role)]

    limits = httpx.Limits(max_connections=4)
    with httpx.Client(base_url=fuzz_platform.gateway_url, timeout=60, limits=limits) as client:
        def attempt(item: tuple) -> str | None:
            method, url, role, content, chunked = item
            response = _send(client, method, url, identities[role], content, chunked)
            problem = response.headers.get("content-type", "").startswith("application/problem+json")
            if response.status_code >= 500 or (response.status_code >= 400 and not problem):
                return (f"{method} {url[:120]} as {role} body={(content or b'')[:60]!r}: "
                        f"{response.status_code} {response.text[:160]}")
            return None

        with ThreadPoolExecutor(max_workers=4) as pool:
            failures = [failure for failure in pool.map(attempt, work) if failure]
    TALLY["edge"] += len(work)
    print(f"\nedge fuzzer: {len(work)} requests, {len(failures)} failures")
    assert failures == []


# --- what this harness found in the services, fixed and kept as tests ----------------------------------------


def test_funding_refuses_a_number_for_as_of(fuzz_platform, identities):
    response = httpx.get(f"{fuzz_platform.gateway_url}/api/funding/ledger/trial-balance", params={"as_of": "0.5"},
                         headers=identities["admin"], timeout=30)
    assert response.status_code == 422


def test_funding_refuses_a_boolean_for_an_integer(fuzz_platform, identities):
    response = httpx.post(f"{fuzz_platform.gateway_url}/api/funding/accounts", headers=identities["admin"],
                          timeout=30, json={"code": f"fuzz-{uuid.uuid4().hex[:8]}", "kind": "other", "name": "x",
                                            "normal_side": "credit", "ceiling": False})
    assert response.status_code == 422
