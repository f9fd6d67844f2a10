"""One replay rule for every creating POST of the merged document (a POST with a 201 answer): the same
`Idempotency-Key` and body get the stored answer (same status and body, `Idempotent-Replay: true`); the same
key with another body is a 409 naming the fields that differ. The operations are read from the document, so a
new creating POST fails here until it says how it takes a key and, where it can be made cheaply, is replayed."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from applications_flow import PERSON_FORM, PERSONAL, application_on_notice, open_call_now

pytestmark = pytest.mark.platform

# Take the header (checked below from the document) but need more set-up than this test's budget (their own
# services' tests replay some of them). The funding three take the key as the id of the transfer they post, so a
# reuse with another body is the ledger's 409 transfer_id_reused, which names the differing fields too.
NOT_REPLAYED_HERE = {
    ("POST", "/api/v1/applications/programs"), ("POST", "/api/v1/applications/calls"),
    ("POST", "/api/v1/applications/applications/{application_id}/experts"),
    ("POST", "/api/v1/applications/applications/{application_id}/attachments"),
    ("POST", "/api/v1/applications/calls/{call_id}/notices"), ("POST", "/api/v1/agencies/supervision/escalations"),
    ("POST", "/api/v1/funding/budgets/{program_code}/{fiscal_year}/adjustments"),
    ("POST", "/api/v1/funding/awards/{award_id}/disbursements"), ("POST", "/api/v1/funding/awards/{award_id}/release"),
}
# The ledger's operations replay by their own ids too; here they run under a budget no other test of the platform
# uses (a matching rule, so that an award can also be matched).
MATCHING_RULE, MATCHING_YEAR = "t04-national-project-matching", 2020


def free_quarter(reported: dict[str, int]) -> tuple[str, int]:
    """A quarter the platform's other tests left free, and a cumulative value that fits between their values
    before and after it (one report per period, and a cumulative figure never goes down)."""
    quarters = [f"{year}-Q{q}" for year in (2018, 2019, 2020) for q in (1, 2, 3, 4)]
    for n, quarter in enumerate(quarters):
        if quarter in reported:
            continue
        low = max((reported[q] for q in quarters[:n] if q in reported), default=0)
        high = min((reported[q] for q in quarters[n + 1:] if q in reported), default=10**9)
        if low < high:
            return quarter, low
    raise AssertionError(f"no free quarter left on the deliverable: {reported}")


@dataclass
class Attempt:
    path: str
    body: dict | None
    headers: dict[str, str]
    changed: tuple[str, dict | None]  # the field that differs, and the other body (None: another path)
    other_path: str | None = None


@pytest.fixture(scope="module")
def document(platform) -> dict:
    return httpx.get(f"{platform.gateway_url}/api/v1/openapi.json", timeout=30).json()


def creating_posts(document: dict) -> list[tuple[str, str]]:
    return sorted(("POST", path) for path, item in document["paths"].items()
                  if "post" in item and "201" in item["post"]["responses"])


@pytest.fixture(scope="module")
def gateway(platform):
    with httpx.Client(base_url=platform.gateway_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def admin(platform_admin_headers) -> dict[str, str]:
    return platform_admin_headers


def _key(gateway, admin, scopes: list[str]) -> dict:
    created = gateway.post("/api/v1/admin/api-keys", headers=admin, json={
        "agency_code": "prov-hrss-dept", "name": f"replay-{uuid.uuid4().hex[:6]}", "scopes": scopes})
    return created.raise_for_status().json()


def _applicant(gateway) -> dict[str, str]:
    username = f"replay-{uuid.uuid4().hex[:8]}"
    gateway.post("/api/v1/auth/register", json={"username": username, "password": "a-long-password",
                                               "display_name": "重放测试"}).raise_for_status()
    signed_in = gateway.post("/api/v1/auth/login", json={"username": username, "password": "a-long-password"})
    return {"Authorization": f"Bearer {signed_in.raise_for_status().json()['access_token']}"}


def _recipes(platform, gateway, admin) -> dict[tuple[str, str], Callable[[], Attempt]]:
    def register() -> Attempt:
        body = {"username": f"replay-{uuid.uuid4().hex[:8]}", "password": "a-long-password", "display_name": "甲"}
        return Attempt("/api/v1/auth/register", body, {}, ("body.display_name", {**body, "display_name": "乙"}))

    def create_user() -> Attempt:
        body = {"username": f"replay-{uuid.uuid4().hex[:8]}", "display_name": "重放", "role": "applicant"}
        return Attempt("/api/v1/admin/users", body, admin, ("body.role", {**body, "role": "admin"}))

    def create_key() -> Attempt:
        body = {"agency_code": "prov-hrss-dept", "name": "重放", "scopes": ["reports:write"]}
        return Attempt("/api/v1/admin/api-keys", body, admin, ("body.scopes", {**body, "scopes": ["funding:read"]}))

    def rotate_key() -> Attempt:
        first, second = _key(gateway, admin, ["funding:read"]), _key(gateway, admin, ["funding:read"])
        return Attempt(f"/api/v1/admin/api-keys/{first['id']}/rotate", None, admin, ("path", None),
                       other_path=f"/api/v1/admin/api-keys/{second['id']}/rotate")

    def report() -> Attempt:
        key = {"X-API-Key": _key(gateway, admin, ["reports:write"])["secret"]}
        reported = {r["period"]: r["value"] for r in gateway.get(
            "/api/v1/agencies/deliverables/t05-doctors-postdocs/reports", params={"size": 100}).json()["items"]}
        period, value = free_quarter(reported)
        body = {"period": period, "value": value, "unit": "人", "narrative": "重放", "evidence": []}
        return Attempt("/api/v1/agencies/deliverables/t05-doctors-postdocs/reports", body, key,
                       ("body.value", {**body, "value": value + 1}))

    def start_application() -> Attempt:
        with httpx.Client(base_url=platform.service_url("applications"), timeout=30) as service:
            call = open_call_now(service, "t02-young-top")
        body = {"call_id": call["id"], "nominating_agency": "city-shenyang", "form_data": PERSON_FORM,
                "personal": PERSONAL}
        return Attempt("/api/v1/applications/applications", body, _applicant(gateway),
                       ("body.nominating_agency", {**body, "nominating_agency": "city-dalian"}))

    def object_to_notice() -> Attempt:
        made = application_on_notice(platform.service_url("applications"))
        body = {"application_id": made["application_id"], "filer_name": "重放异议人", "filer_contact": "13800138000",
                "reason": "重放：核查。"}
        return Attempt(f"/api/v1/applications/notices/{made['notice_id']}/objections", body, {},
                       ("body.reason", {**body, "reason": "重放：另一理由。"}))

    def webhook_endpoint() -> Attempt:
        # A public address (no receiver needed: the event type chosen is not one these tests cause).
        body = {"url": "https://1.1.1.1/tpp-hook", "event_types": ["webhook.endpoint_disabled"],
                "description": "重放", "agency_code": "prov-hrss-dept"}
        return Attempt("/api/v1/agencies/webhooks/endpoints", body, admin,
                       ("body.description", {**body, "description": "重放（另一个）"}))

    def rotate_webhook_secret() -> Attempt:
        made = [gateway.post("/api/v1/agencies/webhooks/endpoints", headers=admin, json={
            "url": "https://1.1.1.1/tpp-hook", "event_types": ["webhook.endpoint_disabled"],
            "description": "轮换", "agency_code": "prov-hrss-dept"}).json()["id"] for _ in range(2)]
        return Attempt(f"/api/v1/agencies/webhooks/endpoints/{made[0]}/rotate-secret", None, admin, ("path", None),
                       other_path=f"/api/v1/agencies/webhooks/endpoints/{made[1]}/rotate-secret")

    funding = "/api/v1/funding"

    def accounts() -> tuple[int, int]:
        made = [gateway.post(f"{funding}/accounts", headers=admin, json={
            "code": f"replay-{uuid.uuid4().hex[:12]}", "kind": "other"}).raise_for_status().json()["id"]
            for _ in range(2)]
        return made[0], made[1]

    def transfer_body(pending: bool = False) -> dict:
        debit, credit = accounts()
        return {"id": f"replay-{uuid.uuid4().hex}", "debit_account_id": debit, "credit_account_id": credit,
                "amount": 100, "pending": pending}

    def stored_transfer(pending: bool) -> str:
        body = transfer_body(pending)
        return gateway.post(f"{funding}/transfers", headers=admin, json=body).raise_for_status().json()["id"]

    def reservation_body() -> dict:
        budget_path = f"{funding}/budgets/{MATCHING_RULE}/{MATCHING_YEAR}"
        budget = gateway.get(budget_path, headers=admin)
        appropriated = budget.json()["figures"]["appropriated"] if budget.status_code == 200 else 0
        gateway.put(budget_path, headers={**admin, "Idempotency-Key": f"replay-{uuid.uuid4().hex}"},
                    json={"amount_fen": appropriated + 1_000_000, "reason": "重放测试"}).raise_for_status()
        return {"approval_id": f"replay-{uuid.uuid4().hex[:16]}", "program_code": MATCHING_RULE,
                "fiscal_year": MATCHING_YEAR, "city_code": "city-shenyang", "grantee_name": "重放",
                "amount_fen": 100_000}

    def reserved() -> str:
        body = reservation_body()
        gateway.post(f"{funding}/reservations", headers=admin, json=body).raise_for_status()
        return body["approval_id"]  # the award's id too

    def open_account() -> Attempt:
        body = {"code": f"replay-{uuid.uuid4().hex[:12]}", "kind": "other", "name": "甲"}
        return Attempt(f"{funding}/accounts", body, admin, ("body.name", {**body, "name": "乙"}))

    def transfer() -> Attempt:
        body = transfer_body()
        return Attempt(f"{funding}/transfers", body, admin, ("body.amount", {**body, "amount": 101}))

    def batch() -> Attempt:
        one = transfer_body()
        return Attempt(f"{funding}/transfers/batch", {"transfers": [one]}, admin,
                       ("body.transfers", {"transfers": [{**one, "amount": 101}]}))

    def post_pending() -> Attempt:
        return Attempt(f"{funding}/transfers/{stored_transfer(pending=True)}/post", {}, admin,
                       ("body.amount", {"amount": 50}))

    def void_pending() -> Attempt:
        return Attempt(f"{funding}/transfers/{stored_transfer(pending=True)}/void", {}, admin,
                       ("body.id", {"id": f"replay-{uuid.uuid4().hex}"}))

    def reverse() -> Attempt:
        return Attempt(f"{funding}/transfers/{stored_transfer(pending=False)}/reverse", {"reason": "甲"}, admin,
                       ("body.reason", {"reason": "乙"}))

    def reserve() -> Attempt:
        body = reservation_body()
        return Attempt(f"{funding}/reservations", body, admin, ("body.amount_fen", {**body, "amount_fen": 90_000}))

    def commit_reservation() -> Attempt:
        first, second = reserved(), reserved()
        return Attempt(f"{funding}/reservations/{first}/post", None, admin, ("path", None),
                       other_path=f"{funding}/reservations/{second}/post")

    def release_reservation() -> Attempt:
        first, second = reserved(), reserved()
        return Attempt(f"{funding}/reservations/{first}/void", None, admin, ("path", None),
                       other_path=f"{funding}/reservations/{second}/void")

    def match() -> Attempt:
        award = reserved()
        gateway.post(f"{funding}/reservations/{award}/post", headers=admin).raise_for_status()
        body = {"event_id": f"replay-{uuid.uuid4().hex[:16]}", "base_amount_fen": 1_000}
        return Attempt(f"{funding}/awards/{award}/matches", body, admin,
                       ("body.base_amount_fen", {**body, "base_amount_fen": 2_000}))

    return {("POST", f"{funding}/accounts"): open_account, ("POST", f"{funding}/transfers"): transfer,
            ("POST", f"{funding}/transfers/batch"): batch,
            ("POST", f"{funding}/transfers/{{transfer_id}}/post"): post_pending,
            ("POST", f"{funding}/transfers/{{transfer_id}}/void"): void_pending,
            ("POST", f"{funding}/transfers/{{transfer_id}}/reverse"): reverse,
            ("POST", f"{funding}/reservations"): reserve,
            ("POST", f"{funding}/reservations/{{approval_id}}/post"): commit_reservation,
            ("POST", f"{funding}/reservations/{{approval_id}}/void"): release_reservation,
            ("POST", f"{funding}/awards/{{award_id}}/matches"): match,
            ("POST", "/api/v1/auth/register"): register, ("POST", "/api/v1/admin/users"): create_user,
            ("POST", "/api/v1/admin/api-keys"): create_key,
            ("POST", "/api/v1/admin/api-keys/{key_id}/rotate"): rotate_key,
            ("POST", "/api/v1/agencies/deliverables/{code}/reports"): report,
            ("POST", "/api/v1/applications/applications"): start_application,
            ("POST", "/api/v1/applications/notices/{notice_id}/objections"): object_to_notice,
            ("POST", "/api/v1/agencies/webhooks/endpoints"): webhook_endpoint,
            ("POST", "/api/v1/agencies/webhooks/endpoints/{endpoint_id}/rotate-secret"): rotate_webhook_secret}


def test_every_creating_post_says_how_it_takes_a_key(document, platform, gateway, admin):
    recipes = _recipes(platform, gateway, admin)
    without_header = [op for op in creating_posts(document)
                      if not any(p.get("in") == "header" and p.get("name") == "Idempotency-Key"
                                  for p in document["paths"][op[1]]["post"].get("parameters", []))]
    assert without_header == []
    unaccounted = [op for op in creating_posts(document)
                   if op not in recipes and op not in NOT_REPLAYED_HERE]
    assert unaccounted == [], "a creating POST with no replay recipe here"
    stale = (NOT_REPLAYED_HERE | set(recipes)) - set(creating_posts(document))
    assert stale == set()


@pytest.mark.parametrize("operation", [
    ("POST", "/api/v1/auth/register"), ("POST", "/api/v1/admin/users"), ("POST", "/api/v1/admin/api-keys"),
    ("POST", "/api/v1/admin/api-keys/{key_id}/rotate"), ("POST", "/api/v1/agencies/deliverables/{code}/reports"),
    ("POST", "/api/v1/applications/applications"), ("POST", "/api/v1/applications/notices/{notice_id}/objections"),
    ("POST", "/api/v1/agencies/webhooks/endpoints"),
    ("POST", "/api/v1/agencies/webhooks/endpoints/{endpoint_id}/rotate-secret"),
    ("POST", "/api/v1/funding/accounts"), ("POST", "/api/v1/funding/transfers"),
    ("POST", "/api/v1/funding/transfers/batch"), ("POST", "/api/v1/funding/transfers/{transfer_id}/post"),
    ("POST", "/api/v1/funding/transfers/{transfer_id}/void"),
    ("POST", "/api/v1/funding/transfers/{transfer_id}/reverse"), ("POST", "/api/v1/funding/reservations"),
    ("POST", "/api/v1/funding/reservations/{approval_id}/post"),
    ("POST", "/api/v1/funding/reservations/{approval_id}/void"),
    ("POST", "/api/v1/funding/awards/{award_id}/matches"),
])
def test_a_creating_post_replays_its_first_answer_and_names_what_a_reuse_changed(platform, gateway, admin, operation):
    attempt = _recipes(platform, gateway, admin)[operation]()
    headers = {**attempt.headers, "Idempotency-Key": f"replay-{uuid.uuid4().hex}"}
    first = gateway.post(attempt.path, json=attempt.body, headers=headers)
    assert first.status_code == 201, first.text[:300]
    again = gateway.post(attempt.path, json=attempt.body, headers=headers)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["idempotent-replay"] == "true" and "idempotent-replay" not in first.headers
    field, other_body = attempt.changed
    reused = gateway.post(attempt.other_path or attempt.path, json=other_body if other_body else attempt.body,
                          headers=headers)
    assert reused.status_code == 409, reused.text[:300]
    assert reused.json()["code"] == "idempotency_key_reused"
    assert [error["field"] for error in reused.json()["errors"]] == [field]
