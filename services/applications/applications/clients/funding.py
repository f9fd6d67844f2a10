"""A typed client of the funding service: its funding rules and their computation. Every amount this service
shows or records is the rule's own computation, asked of funding (kept for a few seconds, never copied into
a table as a rule); when funding does not answer, the caller gets 503 `funding_unavailable`."""

import json
import logging
import time
from typing import Any

import httpx
from pydantic import BaseModel

from applications.errors import FundingRefused, FundingUnavailable
from servicekit.batching import Batcher
from servicekit.http_client import async_client
from servicekit.identity import INTERNAL_TOKEN_HEADER, Principal, TokenSigner

logger = logging.getLogger(__name__)

TOKEN_REUSE_SECONDS = 30


class FundingRule(BaseModel):
    """What this service reads of a rule (funding's RuleRead)."""

    code: str
    version: int
    plan_code: str
    task_number: int
    kind: str
    name: str
    name_en: str
    quote: str
    payer: str
    per: str
    quota: int | None
    quota_approximate: bool
    params: dict[str, Any]
    lead_agencies: list[str]


class RuleAmount(BaseModel):
    """What the rule grants for some inputs (funding's RuleComputation, trimmed)."""

    rule_code: str
    rule_version: int
    amount_fen: int
    is_maximum: bool
    explanation_zh: str
    explanation_en: str


class ServiceClient:
    """An HTTP client of another service, signed as this one (a token reused for a while: signing costs more
    than a small request)."""

    def __init__(self, base_url: str, *, timeout: float, signer: TokenSigner | None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = async_client(base_url=base_url, timeout=timeout, transport=transport)
        self.signer = signer
        self._token: tuple[float, str] | None = None

    async def close(self) -> None:
        await self.http.aclose()

    def _headers(self) -> dict[str, str]:
        if self.signer is None:
            return {}
        if self._token is None or self._token[0] < time.monotonic():
            token = self.signer.sign(Principal(subject="applications", role="service"))
            self._token = (time.monotonic() + TOKEN_REUSE_SECONDS, token)
        return {INTERNAL_TOKEN_HEADER: self._token[1]}


class FundingClient(ServiceClient):
    def __init__(self, base_url: str, *, timeout: float, cache_seconds: float, signer: TokenSigner | None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(base_url, timeout=timeout, signer=signer, transport=transport)
        self.cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Any]] = {}

    async def _cached(self, key: str, fetch) -> Any:  # noqa: ANN001 - an async callable
        remembered = self._cache.get(key)
        if remembered is not None and remembered[0] > time.monotonic():
            return remembered[1]
        value = await fetch()
        self._cache[key] = (time.monotonic() + self.cache_seconds, value)
        return value

    async def _call(self, method: str, path: str, rule: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = await self.http.request(method, path, json=body, headers=self._headers())
        except httpx.HTTPError as exc:
            raise FundingUnavailable() from exc
        if response.status_code >= 500:
            raise FundingUnavailable()
        if response.status_code >= 400:
            try:
                problem = response.json()
                messages = problem.get("messages", {})
                raise FundingRefused(rule, messages.get("zh-CN", ""), messages.get("en", ""))
            except (ValueError, AttributeError) as exc:
                raise FundingUnavailable() from exc
        return response.json()

    async def rule(self, code: str) -> FundingRule:
        async def fetch() -> FundingRule:
            return FundingRule.model_validate(await self._call("GET", f"/rules/{code}", code))

        return await self._cached(f"rule:{code}", fetch)

    async def compute(self, code: str, inputs: dict[str, Any]) -> RuleAmount:
        async def fetch() -> RuleAmount:
            body = await self._call("POST", f"/rules/{code}/compute", code, inputs)
            return RuleAmount(rule_code=code, rule_version=body["rule"]["version"], amount_fen=body["amount_fen"],
                              is_maximum=body["is_maximum"], explanation_zh=body["explanation_zh"],
                              explanation_en=body["explanation_en"])

        return await self._cached(f"compute:{code}:{json.dumps(inputs, sort_keys=True)}", fetch)


# --- the approval saga's calls: never raise for an answer, so the saga decides what each one means ---------


class SagaAnswer(BaseModel):
    """What another service answered a saga step: done, refused for good (a 4xx, with its problem), or not
    reachable now (a 5xx, a timeout, a refused connection: try again later)."""

    outcome: str  # done, refused, unavailable
    status: int | None = None
    code: str | None = None
    message_zh: str = ""
    message_en: str = ""
    body: dict[str, Any] = {}

    @property
    def done(self) -> bool:
        return self.outcome == "done"

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"


# A batch is given this much more time per item than a single call (its items run one after another there).
BATCH_SECONDS_PER_ITEM = 0.1


async def saga_call(http: httpx.AsyncClient, method: str, path: str, headers: dict[str, str],
                    body: dict[str, Any] | None = None, items: int = 1) -> SagaAnswer:
    try:
        timeout = http.timeout
        if items > 1:
            timeout = httpx.Timeout((timeout.read or 5.0) + BATCH_SECONDS_PER_ITEM * items, connect=timeout.connect)
        response = await http.request(method, path, json=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return SagaAnswer(outcome="unavailable", message_en=type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - funding killed mid-answer can surface below httpx's own errors
        # Every step is idempotent and kept in the outbox: not knowing the answer is "unavailable, retry".
        logger.warning("funding call %s %s failed: %r", method, path, exc)
        return SagaAnswer(outcome="unavailable", message_en=type(exc).__name__)
    try:
        payload = response.json() if response.content else {}
    except ValueError:
        payload = {}
    if not isinstance(payload, dict):
        payload = {"items": payload}
    if response.status_code >= 500 or response.status_code == 429:
        return SagaAnswer(outcome="unavailable", status=response.status_code, code=payload.get("code"))
    if response.status_code >= 400:
        messages = payload.get("messages") or {}
        return SagaAnswer(outcome="refused", status=response.status_code, code=payload.get("code"),
                          message_zh=messages.get("zh-CN", payload.get("detail", "")),
                          message_en=messages.get("en", payload.get("detail", "")), body=payload)
    return SagaAnswer(outcome="done", status=response.status_code, body=payload)


def answers_of_batch(answer: SagaAnswer, ids: list[str], result_key: str) -> dict[str, SagaAnswer]:
    """Each item of a batch endpoint's answer (`items`: approval_id, status, `result_key`, problem) as the single
    endpoint's answer would be; a batch that failed as a whole is that failure for every id."""
    if not answer.done:
        return dict.fromkeys(ids, answer)
    answers = {}
    for item in answer.body.get("items", []):
        status, problem = item.get("status", 500), item.get("problem") or {}
        if status >= 500 or status == 429:
            one = SagaAnswer(outcome="unavailable", status=status, code=problem.get("code"))
        elif status >= 400:
            messages = problem.get("messages") or {}
            one = SagaAnswer(outcome="refused", status=status, code=problem.get("code"),
                             message_zh=messages.get("zh-CN", problem.get("detail", "")),
                             message_en=messages.get("en", problem.get("detail", "")), body=problem)
        else:
            one = SagaAnswer(outcome="done", status=status, body=item.get(result_key) or {})
        answers.setdefault(item.get("approval_id"), one)
    missing = SagaAnswer(outcome="unavailable", message_en="missing from the batch's answer")
    return {i: answers.get(i, missing) for i in ids}


class FundingSaga:
    """Funding's reservation API as the saga uses it: every call keyed by the approval id, so a retry after a
    crash or a lost answer finds what the first call did. Concurrent reservations of this process (single
    decisions arriving together) go to funding joined in batches."""

    def __init__(self, client: FundingClient) -> None:
        self.client = client
        self._reservations: Batcher[dict[str, Any], SagaAnswer] = Batcher(self._reserve_in_order)

    async def reserve(self, body: dict[str, Any]) -> SagaAnswer:
        return await saga_call(self.client.http, "POST", "/reservations", self.client._headers(), body)

    async def reserve_many(self, bodies: list[dict[str, Any]]) -> dict[str, SagaAnswer]:
        """Several reservations in one request and one transaction at funding, each with its own answer (joined
        with other callers' when requests are already out)."""
        answers = await self._reservations(bodies)
        return {body["approval_id"]: answer for body, answer in zip(bodies, answers, strict=True)}

    async def _reserve_in_order(self, bodies: list[dict[str, Any]]) -> list[SagaAnswer]:
        answers = await self._reserve_batch(bodies)
        return [answers[body["approval_id"]] for body in bodies]

    async def _reserve_batch(self, bodies: list[dict[str, Any]]) -> dict[str, SagaAnswer]:
        answer = await saga_call(self.client.http, "POST", "/reservations/batch", self.client._headers(),
                                 {"reservations": bodies}, items=len(bodies))
        return answers_of_batch(answer, [b["approval_id"] for b in bodies], "reservation")

    async def post_many(self, approval_ids: list[str]) -> dict[str, SagaAnswer]:
        """Several reservations posted (awards committed) in one request, each with its own answer."""
        answer = await saga_call(self.client.http, "POST", "/reservations/batch/post", self.client._headers(),
                                 {"approval_ids": approval_ids}, items=len(approval_ids))
        return answers_of_batch(answer, approval_ids, "reservation")

    async def post(self, approval_id: str) -> SagaAnswer:
        return await saga_call(self.client.http, "POST", f"/reservations/{approval_id}/post", self.client._headers())

    async def void(self, approval_id: str) -> SagaAnswer:
        return await saga_call(self.client.http, "POST", f"/reservations/{approval_id}/void", self.client._headers())

    async def read(self, approval_id: str) -> SagaAnswer:
        return await saga_call(self.client.http, "GET", f"/reservations/{approval_id}", self.client._headers())

    async def reconcile(self, approved: list[str], not_approved: list[str]) -> SagaAnswer:
        return await saga_call(self.client.http, "POST", "/reconcile", self.client._headers(),
                               {"approved": approved, "not_approved": not_approved})

    async def awards(self, program_code: str, page: int) -> SagaAnswer:
        return await saga_call(self.client.http, "GET", f"/awards?program_code={program_code}&page={page}&size=100",
                               self.client._headers())
