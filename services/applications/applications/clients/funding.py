"""A typed client of the funding service: its funding rules and their computation. Every amount this service
shows or records is the rule's own computation, asked of funding (kept for a few seconds, never copied into
a table as a rule); when funding does not answer, the caller gets 503 `funding_unavailable`."""

import json
import time
from typing import Any

import httpx
from pydantic import BaseModel

from applications.errors import FundingRefused, FundingUnavailable
from servicekit.identity import INTERNAL_TOKEN_HEADER, Principal, TokenSigner

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


class FundingClient:
    def __init__(self, base_url: str, *, timeout: float, cache_seconds: float, signer: TokenSigner | None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        self.cache_seconds = cache_seconds
        self.signer = signer
        self._cache: dict[str, tuple[float, Any]] = {}
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
