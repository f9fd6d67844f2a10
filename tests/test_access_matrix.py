"""Every endpoint × every kind of caller, through the gateway of the real platform. Each cell's expected
status class is asserted, and an endpoint without a row fails the test: a new endpoint must say who may
call it. Bodies are valid where a row needs them to be, so "allowed" cells prove a real success.

Roles: anonymous; applicants A and B; a reviewer of agency X (省人力资源社会保障厅, lead of task 5) and of
agency Y (省统计局, no part in task 5); an API key of X with every scope, and one key of X per scope holding
that scope alone; a revoked key of X; an expired and a forged access token; an admin. Classes: "ok" = 2xx; "pass" = through authentication and
authorization (any status but 401/403, and never 5xx); 401; 403."""

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.identity.tokens import AccessTokens
from servicekit.identity import Principal
from servicekit.settings import keys_dir

pytestmark = pytest.mark.platform

AGENCY_X, AGENCY_Y = "prov-hrss-dept", "prov-statistics-bureau"
ALL_SCOPES = ["reports:write", "reports:review", "applications:review", "applications:read", "funding:read"]
# A key of agency X holding one scope only: where a route needs another scope it must be refused (403).
SCOPED_KEYS = {f"key_{scope}": scope for scope in ALL_SCOPES}
ROLES = ["anonymous", "applicant_a", "applicant_b", "reviewer_x", "reviewer_y", "key_x", *SCOPED_KEYS,
         "revoked_key", "expired_token", "forged_token", "admin"]
BAD_CREDENTIALS = {"revoked_key": 401, "expired_token": 401, "forged_token": 401}


def expect(default, **cells) -> dict[str, object]:
    """Every role gets `default` unless named; bad credentials are 401 wherever credentials are read."""
    table = {role: default for role in ROLES}
    table.update(BAD_CREDENTIALS)
    table.update(cells)
    return table


PUBLIC = expect("ok")
PUBLIC_IGNORING_CREDENTIALS = expect("pass", revoked_key="pass", expired_token="pass", forged_token="pass")
# Sign-in forms answer the credentials in the body, whoever calls: bogus ones are 401 for everybody.
CREDENTIAL_FORM = expect(401, revoked_key=401, expired_token=401, forged_token=401)
# Any caller with credentials: a user, or an API key (which is told its own agency and scopes).
ANY_CALLER = expect("ok", anonymous=401)
ADMIN = expect(403, anonymous=401, admin="pass")
STAFF = expect("pass", anonymous=401, applicant_a=403, applicant_b=403)
AGENCY_STAFF = expect("ok", anonymous=401, applicant_a=403, applicant_b=403)
WEBHOOK_MANAGER = expect(403, anonymous=401, admin="pass")


@dataclass
class Row:
    method: str
    template: str
    path: str
    expected: dict[str, object]
    body: object = None  # or a function of the role, when two roles may both succeed
    headers: dict[str, str] = field(default_factory=dict)
    # The scope an agency key needs here (or a tuple of scopes it needs together). Every route an agency key
    # may use names it (or NO_SCOPE), and the one-scope keys' cells follow: a key whose one scope is all the
    # route needs gets what key_x gets, the others 403.
    scope: str | tuple[str, ...] | None = None
    # A service's known failure to meet this row, named so the row is a strict xfail until it is fixed.
    known_gap: str | None = None

    def __post_init__(self) -> None:
        self.expected = dict(self.expected)
        needed = set() if self.scope in (None, NO_SCOPE) else set(
            (self.scope,) if isinstance(self.scope, str) else self.scope)
        for role, scope in SCOPED_KEYS.items():
            full = self.expected["key_x"]
            keys_get_in = full not in (401, 403)
            self.expected[role] = 403 if keys_get_in and not needed <= {scope} else full


# Said of a route an agency key may use without any particular scope (public reads, for instance).
NO_SCOPE = "none"


def rows() -> list[Row]:
    t5 = "t05-doctors-postdocs"
    return [
        # gateway
        Row("POST", "/api/auth/register", "/api/auth/register", PUBLIC_IGNORING_CREDENTIALS,
            {"username": "", "password": "", "display_name": ""}),
        Row("POST", "/api/auth/login", "/api/auth/login", CREDENTIAL_FORM,
            {"username": "nobody", "password": "nothing-here"}),
        Row("POST", "/api/auth/refresh", "/api/auth/refresh", CREDENTIAL_FORM, {"refresh_token": "x"}),
        Row("POST", "/api/auth/logout", "/api/auth/logout", PUBLIC_IGNORING_CREDENTIALS, {"refresh_token": "x"}),
        Row("GET", "/api/auth/me", "/api/auth/me", ANY_CALLER, scope=NO_SCOPE),
        Row("GET", "/api/admin/users", "/api/admin/users", ADMIN),
        Row("POST", "/api/admin/users", "/api/admin/users", ADMIN, {"username": "x"}),
        Row("PATCH", "/api/admin/users/{user_id}", "/api/admin/users/999999", ADMIN, {}),
        Row("GET", "/api/admin/api-keys", "/api/admin/api-keys", ADMIN),
        Row("POST", "/api/admin/api-keys", "/api/admin/api-keys", ADMIN, {"agency_code": AGENCY_Y}),
        Row("POST", "/api/admin/api-keys/{key_id}/rotate", "/api/admin/api-keys/999999/rotate", ADMIN),
        Row("POST", "/api/admin/api-keys/{key_id}/revoke", "/api/admin/api-keys/999999/revoke", ADMIN),
        Row("GET", "/api/health", "/api/health", PUBLIC_IGNORING_CREDENTIALS),
        Row("GET", "/healthz", "/healthz", PUBLIC_IGNORING_CREDENTIALS),
        Row("GET", "/readyz", "/readyz", PUBLIC_IGNORING_CREDENTIALS),
        # every service's health
        *[Row("GET", f"/api/{s}/{probe}", f"/api/{s}/{probe}", PUBLIC)
          for s in ("agencies", "applications", "funding") for probe in ("healthz", "readyz")],
        # agencies: the public catalog
        Row("GET", "/api/agencies/plans", "/api/agencies/plans", PUBLIC),
        Row("GET", "/api/agencies/plans/{code}", "/api/agencies/plans/liaoning-2018-2020", PUBLIC),
        Row("GET", "/api/agencies/tasks", "/api/agencies/tasks?q=博士后", PUBLIC),
        Row("GET", "/api/agencies/tasks/{plan_code}/{number}", "/api/agencies/tasks/liaoning-2018-2020/5", PUBLIC),
        Row("GET", "/api/agencies/deliverables/{code}", f"/api/agencies/deliverables/{t5}", PUBLIC),
        Row("GET", "/api/agencies/agencies", "/api/agencies/agencies", PUBLIC),
        Row("GET", "/api/agencies/agencies/{code}", f"/api/agencies/agencies/{AGENCY_X}", PUBLIC),
        Row("GET", "/api/agencies/matrix", "/api/agencies/matrix?plan=liaoning-2018-2020", PUBLIC),
        Row("GET", "/api/agencies/matrix.csv", "/api/agencies/matrix.csv?plan=liaoning-2018-2020", PUBLIC),
        Row("GET", "/api/agencies/matrix.xlsx", "/api/agencies/matrix.xlsx?plan=liaoning-2018-2020", PUBLIC),
        # agencies: progress reports (object level: only owners of the deliverable report on it)
        Row("POST", "/api/agencies/deliverables/{code}/reports", f"/api/agencies/deliverables/{t5}/reports",
            expect(403, anonymous=401, reviewer_x="ok", key_x="ok"),
            lambda role: {"period": {"reviewer_x": "2019-Q1", "key_reports:write": "2019-Q3"}.get(role, "2019-Q2"),
                          "value": 100, "unit": "人", "narrative": "访问矩阵测试", "evidence": []},
            scope="reports:write"),
        Row("GET", "/api/agencies/deliverables/{code}/reports", f"/api/agencies/deliverables/{t5}/reports", PUBLIC),
        Row("GET", "/api/agencies/reports", "/api/agencies/reports", PUBLIC),
        Row("GET", "/api/agencies/reports/{report_id}", "/api/agencies/reports/999999", expect("pass")),
        Row("POST", "/api/agencies/reports/{report_id}/accept", "/api/agencies/reports/999999/accept",
            expect("pass", anonymous=401, applicant_a=403, applicant_b=403, admin=403), {"comment": "好"},
            scope="reports:review"),
        Row("POST", "/api/agencies/reports/{report_id}/return", "/api/agencies/reports/999999/return",
            expect("pass", anonymous=401, applicant_a=403, applicant_b=403, admin=403), {"comment": "请补充"},
            scope="reports:review"),
        Row("GET", "/api/agencies/supervision/overdue", "/api/agencies/supervision/overdue", STAFF,
            scope="reports:write"),
        Row("POST", "/api/agencies/supervision/escalations", "/api/agencies/supervision/escalations", ADMIN, {}),
        Row("GET", "/api/agencies/supervision/escalations", "/api/agencies/supervision/escalations", STAFF,
            scope="reports:write"),
        Row("GET", "/api/agencies/audit", "/api/agencies/audit", ADMIN),
        # agencies: the event feed (each agency its own events) and webhooks (admins, an agency's key admin)
        Row("GET", "/api/agencies/events", "/api/agencies/events", AGENCY_STAFF, scope=NO_SCOPE),
        Row("GET", "/api/agencies/events/types", "/api/agencies/events/types", PUBLIC),
        Row("GET", "/api/agencies/webhooks/endpoints", "/api/agencies/webhooks/endpoints", WEBHOOK_MANAGER),
        Row("POST", "/api/agencies/webhooks/endpoints", "/api/agencies/webhooks/endpoints", WEBHOOK_MANAGER,
            {"url": "ftp://nowhere"}),
        *[Row(method, f"/api/agencies/webhooks/endpoints/{{endpoint_id}}{rest}",
              f"/api/agencies/webhooks/endpoints/999999{rest}".replace("{delivery_id}", "999999"), WEBHOOK_MANAGER,
              body)
          for method, rest, body in [("GET", "", None), ("PATCH", "", {}), ("DELETE", "", None),
                                     ("POST", "/rotate-secret", None), ("GET", "/deliveries", None),
                                     ("POST", "/deliveries/{delivery_id}/redeliver", None)]],
        # funding: the ledger itself is for admins; the saga's reservation API for admins and the
        # applications service (which never comes through the gateway); reports and rules are public.
        *[Row(method, f"/api/funding{template}", f"/api/funding{path}", ADMIN, body)
          for method, template, path, body in [
              ("POST", "/accounts", "/accounts", {}),
              ("GET", "/accounts", "/accounts", None),
              ("GET", "/accounts/{account_id}", "/accounts/999999", None),
              ("GET", "/accounts/{account_id}/transfers", "/accounts/999999/transfers", None),
              ("POST", "/accounts/{account_id}/close", "/accounts/999999/close", None),
              ("POST", "/transfers", "/transfers", {}),
              ("GET", "/transfers", "/transfers", None),
              ("POST", "/transfers/batch", "/transfers/batch", {}),
              ("POST", "/transfers/expire", "/transfers/expire", None),
              ("GET", "/transfers/{transfer_id}", "/transfers/no-such-transfer", None),
              ("POST", "/transfers/{transfer_id}/post", "/transfers/no-such-transfer/post", {}),
              ("POST", "/transfers/{transfer_id}/void", "/transfers/no-such-transfer/void", {}),
              ("POST", "/transfers/{transfer_id}/reverse", "/transfers/no-such-transfer/reverse", {}),
              ("GET", "/ledger/trial-balance", "/ledger/trial-balance", None),
              ("GET", "/ledger/verify", "/ledger/verify", None),
              ("POST", "/ledger/checkpoints", "/ledger/checkpoints", None),
              ("GET", "/ledger/checkpoints", "/ledger/checkpoints", None),
              ("GET", "/ledger/checkpoints/{seq}", "/ledger/checkpoints/999999", None),
              ("GET", "/ledger/signing-key", "/ledger/signing-key", None),
              ("GET", "/transfers/{transfer_id}/proof", "/transfers/no-such-transfer/proof", None),
              ("POST", "/ledger/verifications", "/ledger/verifications", None),
              ("GET", "/ledger/verifications/latest", "/ledger/verifications/latest", None),
              ("GET", "/ledger/verifications/{run_id}", "/ledger/verifications/999999", None),
              ("POST", "/rules/import", "/rules/import", {}),
              ("POST", "/budgets/import", "/budgets/import", {}),
              ("PUT", "/budgets/{program_code}/{fiscal_year}", "/budgets/t05-postdoc-workstation/2019", {}),
              ("POST", "/budgets/{program_code}/{fiscal_year}/adjustments",
               "/budgets/t05-postdoc-workstation/2019/adjustments", {}),
              ("POST", "/fiscal-years/{fiscal_year}/close", "/fiscal-years/2000/close", None),
              ("POST", "/reservations", "/reservations", {}),
              ("POST", "/reservations/batch", "/reservations/batch", {}),
              ("POST", "/reservations/batch/post", "/reservations/batch/post", {}),
              ("GET", "/reservations/{approval_id}", "/reservations/no-such-approval", None),
              ("POST", "/reservations/{approval_id}/post", "/reservations/no-such-approval/post", {}),
              ("POST", "/reservations/{approval_id}/void", "/reservations/no-such-approval/void", {}),
              ("POST", "/reconcile", "/reconcile", {}),
              ("POST", "/awards/{award_id}/disbursements", "/awards/no-such-award/disbursements", {}),
              ("POST", "/awards/{award_id}/matches", "/awards/no-such-award/matches", {}),
              ("POST", "/awards/{award_id}/release", "/awards/no-such-award/release", {"reason": "访问矩阵测试"}),
          ]],
        Row("GET", "/api/funding/budgets", "/api/funding/budgets", STAFF, scope="funding:read"),
        Row("GET", "/api/funding/budgets/{program_code}/{fiscal_year}",
            "/api/funding/budgets/t05-postdoc-workstation/2019", {**STAFF, "reviewer_y": 403}, scope="funding:read"),
        Row("GET", "/api/funding/awards", "/api/funding/awards", STAFF, scope="funding:read"),
        Row("GET", "/api/funding/awards/{award_id}", "/api/funding/awards/no-such-award", STAFF,
            scope="funding:read"),
        Row("GET", "/api/funding/reports/awards", "/api/funding/reports/awards?program_code=t05-postdoc-workstation",
            expect("pass", anonymous=401, applicant_a=403, applicant_b=403, reviewer_y=403), scope="funding:read"),
        Row("GET", "/api/funding/reports/programs", "/api/funding/reports/programs", PUBLIC),
        Row("GET", "/api/funding/reports/agencies", "/api/funding/reports/agencies", PUBLIC),
        Row("GET", "/api/funding/reports/cities", "/api/funding/reports/cities", PUBLIC),
        Row("GET", "/api/funding/rules", "/api/funding/rules", PUBLIC),
        Row("GET", "/api/funding/rules/{code}", "/api/funding/rules/t01-outstanding", PUBLIC),
        Row("POST", "/api/funding/rules/{code}/compute", "/api/funding/rules/t01-outstanding/compute",
            expect("pass"), {}),
    ]


@dataclass
class Callers:
    headers: dict[str, dict[str, str]]


async def prepare_callers(gateway_url: str, admin: tuple[str, str]) -> Callers:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
        async def token(username: str, password: str) -> dict[str, str]:
            response = await client.post("/api/auth/login", json={"username": username, "password": password})
            response.raise_for_status()
            return {"Authorization": f"Bearer {response.json()['access_token']}"}

        admin_headers = await token(*admin)
        headers = {"anonymous": {}, "admin": admin_headers}
        for role in ("applicant_a", "applicant_b"):
            username = f"{role}-{uuid.uuid4().hex[:6]}"
            created = await client.post("/api/auth/register", json={
                "username": username, "password": "a-long-password", "display_name": role})
            created.raise_for_status()
            headers[role] = await token(username, "a-long-password")
        for role, agency in (("reviewer_x", AGENCY_X), ("reviewer_y", AGENCY_Y)):
            created = await client.post("/api/admin/users", headers=admin_headers, json={
                "username": f"{role}-{uuid.uuid4().hex[:6]}", "display_name": role, "role": "reviewer",
                "agency_code": agency})
            created.raise_for_status()
            headers[role] = await token(created.json()["username"], created.json()["initial_password"])
        key_scopes = {"key_x": ALL_SCOPES, "revoked_key": ALL_SCOPES,
                      **{role: [scope] for role, scope in SCOPED_KEYS.items()}}
        for role, scopes in key_scopes.items():
            created = await client.post("/api/admin/api-keys", headers=admin_headers, json={
                "agency_code": AGENCY_X, "name": role, "scopes": scopes})
            created.raise_for_status()
            headers[role] = {"X-API-Key": created.json()["secret"]}
            if role == "revoked_key":
                (await client.post(f"/api/admin/api-keys/{created.json()['id']}/revoke",
                                   headers=admin_headers)).raise_for_status()
    admin_principal = Principal(subject="user:1", role="admin")
    public_pem = (keys_dir() / "gateway.pub").read_bytes()
    expired = AccessTokens((keys_dir() / "gateway.pem").read_bytes(), public_pem, timedelta(seconds=-60))
    stranger = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption())
    forged = AccessTokens(stranger, public_pem, timedelta(minutes=5))
    headers["expired_token"] = {"Authorization": f"Bearer {expired.issue(admin_principal, session='s', version=0)}"}
    headers["forged_token"] = {"Authorization": f"Bearer {forged.issue(admin_principal, session='s', version=0)}"}
    return Callers(headers)


@pytest.fixture(scope="module")
def callers(platform, platform_admin) -> Callers:
    return asyncio.run(prepare_callers(platform.gateway_url, platform_admin))


def matches(expected: object, status: int) -> bool:
    if status >= 500:
        return False
    if expected == "ok":
        return 200 <= status < 300
    if expected == "pass":
        return status not in (401, 403)
    return status == expected


def test_every_route_open_to_agency_keys_names_its_scope():
    from test_access_matrix_applications import application_rows

    # Routes open to anonymous callers need no scope; every other route an agency key gets through says which.
    unnamed = [f"{row.method} {row.template}" for row in [*rows(), *application_rows()]
               if row.expected["key_x"] not in (401, 403) and row.expected["anonymous"] in (401, 403)
               and row.scope is None]
    assert unnamed == []


def test_every_documented_operation_has_a_row(platform):
    document = httpx.get(f"{platform.gateway_url}/api/openapi.json").json()
    # The rows call the unversioned alias of each documented /api/v1 path.
    documented = {(method.upper(), path.replace("/api/v1/", "/api/", 1)) for path, item in document["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")}
    from test_access_matrix_applications import application_rows

    covered = {(row.method, row.template) for row in [*rows(), *application_rows()]}
    assert sorted(documented - covered) == [], "endpoints without an access row"
    assert sorted(covered - documented) == [], "rows for endpoints that do not exist"


def _with_known_gaps(table: list[Row]) -> list:
    return [pytest.param(row, id=f"{row.method} {row.template}",
                         marks=[pytest.mark.xfail(strict=True, reason=row.known_gap)] if row.known_gap else [])
            for row in table]


@pytest.mark.parametrize("row", _with_known_gaps(rows()))
def test_each_role_gets_the_expected_answer(platform, callers, row):
    failures = []
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        for role in ROLES:
            headers = {**callers.headers[role], **row.headers}
            if row.method in ("POST", "PUT", "PATCH") and row.expected[role] == "ok":
                headers["Idempotency-Key"] = f"access-{role}-{uuid.uuid4().hex[:8]}"
            body = row.body(role) if callable(row.body) else row.body
            response = client.request(row.method, row.path, headers=headers,
                                      json=body if row.method in ("POST", "PUT", "PATCH") else None)
            if not matches(row.expected[role], response.status_code):
                failures.append(f"{role}: expected {row.expected[role]}, got {response.status_code} "
                                f"{response.text[:160]}")
    assert failures == []


def test_internal_service_routes_are_not_reachable_through_the_gateway(platform, callers):
    for role in ("anonymous", "admin", "key_x"):
        response = httpx.post(f"{platform.gateway_url}/api/agencies/internal/approvals", json={},
                              headers=callers.headers[role])
        assert response.status_code == 404, role
