"""A typed client of the agencies service's internal approvals endpoint: an approval counted once towards the
deliverables derived from its program (per city where it has one), and uncounted when revoked."""

import time
from datetime import datetime
from typing import Any

import httpx

from applications.clients.funding import TOKEN_REUSE_SECONDS, SagaAnswer, saga_call
from servicekit.identity import INTERNAL_TOKEN_HEADER, Principal, TokenSigner


class AgenciesClient:
    def __init__(self, base_url: str, *, timeout: float, signer: TokenSigner | None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
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

    async def count(self, approval_id: str, program_code: str, application_id: int, city: str | None,
                    effective_at: datetime) -> SagaAnswer:
        body: dict[str, Any] = {"approval_id": approval_id, "program_code": program_code,
                                "application_id": str(application_id), "city": city,
                                "effective_at": effective_at.isoformat()}
        return await saga_call(self.http, "POST", "/internal/approvals", self._headers(), body)

    async def uncount(self, approval_id: str, effective_at: datetime) -> SagaAnswer:
        return await saga_call(self.http, "POST", f"/internal/approvals/{approval_id}/revoke", self._headers(),
                               {"effective_at": effective_at.isoformat()})
