"""The merged OpenAPI document as an integrator takes it: Spectral (spectral:oas) and Redocly lint it with no
error and no warning, openapi-python-client generates a client from it with no warning, and the README's
agency example runs through that generated client against the running platform."""

import importlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from servicekit.openapi import exemplary_media

ROOT = Path(__file__).resolve().parents[1]
NODE_BIN = ROOT / "frontend" / "node_modules" / ".bin"
VENV_BIN = Path(sys.executable).parent
AGENCY, DELIVERABLE = "prov-hrss-dept", "t05-doctors-postdocs"

# The document is the same on either database: checked once, in the SQLite pass.
pytestmark = pytest.mark.database_agnostic


@pytest.fixture(scope="module")
def document(platform) -> dict:
    response = httpx.get(f"{platform.gateway_url}/api/openapi.json", timeout=60)
    response.raise_for_status()
    return response.json()


@pytest.fixture(scope="module")
def agency_key(platform, platform_admin) -> str:
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        login = client.post("/api/v1/auth/login", json={"username": platform_admin[0], "password": platform_admin[1]})
        login.raise_for_status()
        created = client.post("/api/v1/admin/api-keys", json={"agency_code": AGENCY, "name": "contract test",
                                                           "scopes": ["reports:write"]},
                              headers={"Authorization": f"Bearer {login.json()['access_token']}"})
        created.raise_for_status()
        return created.json()["secret"]


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [(method, path, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if isinstance(operation, dict)]


def test_every_operation_has_security_examples_and_documented_headers(document):
    missing = []
    for method, path, operation in operations(document):
        where = f"{method.upper()} {path}"
        if "security" not in operation:
            missing.append(f"{where}: security")
        body = [media for media in operation.get("requestBody", {}).get("content", {}).values() if exemplary_media(media)]
        if body and not any("example" in media for media in body):
            missing.append(f"{where}: request example")
        answers = [media for code, response in operation["responses"].items() if code[0] == "2"
                   for media in response.get("content", {}).values() if exemplary_media(media)]
        if answers and not any("example" in media for media in answers):
            missing.append(f"{where}: response example")
        if any("X-Request-ID" not in response.get("headers", {}) for response in operation["responses"].values()):
            missing.append(f"{where}: X-Request-ID")
        keys_may_call = any("apiKeyAuth" in requirement for requirement in operation.get("security", []))
        if keys_may_call and "429" not in operation["responses"]:
            missing.append(f"{where}: 429")
    assert missing == []
    schemas = document["components"]["schemas"]
    assert all(schema.get("title") == name for name, schema in schemas.items())
    shared = {"Problem", "FieldProblem", "Health", "Readiness"}
    assert shared <= set(schemas)
    assert [f"{service}{name}" for service in ("Agencies", "Applications", "Funding") for name in shared
            if f"{service}{name}" in schemas] == []
    assert document["info"]["title"].isascii() and document["info"]["license"] and document["info"]["contact"]
    declared = {tag["name"] for tag in document["tags"] if tag.get("description")}
    assert {tag for _, _, operation in operations(document) for tag in operation["tags"]} <= declared
    # Money bounds are JSON Schema keywords, not pydantic's.
    amount = schemas["FundingTransferCreate"]["properties"]["amount"]
    assert (amount["exclusiveMinimum"], amount["maximum"]) == (0, 9_000_000_000_000_000)
    # A ledger replay answers as the first time (201, the same body), flagged Idempotent-Replay.
    transfer = document["paths"]["/api/v1/funding/transfers"]["post"]
    assert "200" not in transfer["responses"] and "Idempotent-Replay" in transfer["responses"]["201"]["headers"]
    assert any(p["name"] == "Idempotency-Key" for p in transfer["parameters"])
    report = document["paths"]["/api/v1/agencies/deliverables/{code}/reports"]["post"]
    assert report["security"] == [{"bearerAuth": ["reviewer"]}, {"apiKeyAuth": ["reports:write"]}]


def test_linters_and_the_generated_client(document, platform, agency_key, tmp_path):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: Spectral and Redocly run on it (CI installs it)")
    assert (NODE_BIN / "spectral").exists() and (NODE_BIN / "redocly").exists(), \
        "the linters are not installed: run `python3 -c 'import manage; manage.ensure_frontend()'`"
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(document, ensure_ascii=False))
    environment = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}", "REDOCLY_TELEMETRY": "off",
                   "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    commands = {
        "spectral": [NODE_BIN / "spectral", "lint", source, "--ruleset", ROOT / "devtools" / "spectral.yaml",
                     "--format", "json", "--quiet"],
        "redocly": [NODE_BIN / "redocly", "lint", source, "--format", "json"],
        "generator": [VENV_BIN / "openapi-python-client", "generate", "--path", source, "--meta", "none",
                      "--output-path", tmp_path / "tpp_client", "--config",
                      ROOT / "devtools" / "openapi-python-client.yaml"],
    }
    running = {name: subprocess.Popen([str(part) for part in command], cwd=tmp_path, env=environment,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for name, command in commands.items()}
    outputs = {name: process.communicate(timeout=180) for name, process in running.items()}

    spectral_out, spectral_err = outputs["spectral"]
    assert json.loads(spectral_out or "[]") == [], spectral_err
    redocly_out, _ = outputs["redocly"]
    assert json.loads(redocly_out)["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, redocly_out
    generator_out, generator_err = outputs["generator"]
    assert running["generator"].returncode == 0, generator_out + generator_err
    assert "warning" not in (generator_out + generator_err).lower(), generator_out + generator_err
    assert "not in PATH" not in generator_out + generator_err

    run_the_agency_example(tmp_path, platform.gateway_url, agency_key)


def run_the_agency_example(folder: Path, gateway_url: str, key: str) -> None:
    """The README's agency example, written against the generated client."""
    sys.path.insert(0, str(folder))
    try:
        client_module = importlib.import_module("tpp_client")
        from tpp_client.api.agencies_catalog import agencies_catalog_get_deliverable, agencies_catalog_list_tasks
        from tpp_client.api.agencies_progress import agencies_progress_submit_report
        from tpp_client.models import (
            AgenciesCatalogListTasksRoleType0,
            AgenciesReportCreate,
            AgenciesReportRead,
            Problem,
        )
    finally:
        sys.path.remove(str(folder))
    api = client_module.AuthenticatedClient(base_url=gateway_url, token=key, prefix="", auth_header_name="X-API-Key",
                                            raise_on_unexpected_status=True)
    with api:
        tasks = agencies_catalog_list_tasks.sync(client=api, agency=AGENCY, role=AgenciesCatalogListTasksRoleType0.LEAD)
        assert tasks.total >= 1 and all(task.number for task in tasks.items)
        deliverable = agencies_catalog_get_deliverable.sync(DELIVERABLE, client=api)
        report = AgenciesReportCreate(period="2020-Q4", value=8200, unit=deliverable.unit,
                                      narrative="第四季度新增博士后进站", evidence=[])
        key_of_report = f"contract-{uuid.uuid4().hex[:8]}"
        first = agencies_progress_submit_report.sync_detailed(DELIVERABLE, client=api, body=report,
                                                              idempotency_key=key_of_report)
        assert first.status_code == 201 and isinstance(first.parsed, AgenciesReportRead), first.content
        again = agencies_progress_submit_report.sync_detailed(DELIVERABLE, client=api, body=report,
                                                              idempotency_key=key_of_report)
        assert again.status_code == 201 and again.headers["Idempotent-Replay"] == "true"
        assert isinstance(again.parsed, AgenciesReportRead) and again.parsed.id == first.parsed.id
        report.value = 8300
        reused = agencies_progress_submit_report.sync_detailed(DELIVERABLE, client=api, body=report,
                                                               idempotency_key=key_of_report)
        assert reused.status_code == 409 and isinstance(reused.parsed, Problem)
        assert reused.parsed.code == "idempotency_key_reused" and reused.parsed.status == 409


def test_the_spa_types_are_generated_from_the_current_document(tmp_path):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: openapi-typescript runs on it (CI installs it)")
    regenerated = tmp_path / "schema.d.ts"
    subprocess.run([sys.executable, "-m", "devtools.openapi", "--spa-types", str(regenerated)], cwd=ROOT, check=True,
                   timeout=180)
    committed = ROOT / "frontend" / "src" / "api" / "schema.d.ts"
    assert regenerated.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8"), \
        "the SPA's API types are stale: run `python -m devtools.openapi --spa-types`, then `npx tsc --noEmit`"


def test_the_documented_security_agrees_with_the_access_matrix(document):
    """Each operation's `security` (derived from its dependencies) against what the access matrix tests."""
    from test_access_matrix import NO_SCOPE, rows
    from test_access_matrix_applications import application_rows

    disagreements = []
    for row in [*rows(), *application_rows()]:
        # The rows call the unversioned alias of each documented /api/v1 path.
        security = document["paths"][row.template.replace("/api/", "/api/v1/", 1)][row.method.lower()]["security"]
        key_scopes = next((r["apiKeyAuth"] for r in security if "apiKeyAuth" in r), None)
        open_to_all = security == [] or {} in security
        credential_form = row.expected["admin"] == 401  # sign-in forms: 401 is the body's credentials, not auth
        if not credential_form and open_to_all != (row.expected["anonymous"] not in (401, 403)):
            disagreements.append(f"{row.method} {row.template}: anonymous {row.expected['anonymous']}, {security}")
        if row.scope not in (None, NO_SCOPE):
            needed = sorted((row.scope,) if isinstance(row.scope, str) else row.scope)
            # A scope checked inside the handler (with the record in hand) is not in the document: it names the
            # one its dependency requires.
            if not key_scopes or not set(key_scopes) <= set(needed):
                disagreements.append(f"{row.method} {row.template}: scope {needed}, {security}")
    assert disagreements == [], "\n".join(disagreements)
