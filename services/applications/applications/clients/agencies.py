"""A typed client of the agencies service's internal approvals endpoint: an approval counted once towards the
deliverables derived from its program (per city where it has one), and uncounted when revoked."""

from datetime import datetime
from typing import Any

from applications.clients.funding import SagaAnswer, ServiceClient, answers_of_batch, saga_call
from servicekit.outbox import post_event_batch


def count_body(approval_id: str, program_code: str, application_id: int, city: str | None,
               effective_at: datetime) -> dict[str, Any]:
    return {"approval_id": approval_id, "program_code": program_code, "application_id": str(application_id),
            "city": city, "effective_at": effective_at.isoformat()}


class AgenciesClient(ServiceClient):
    async def count(self, approval_id: str, program_code: str, application_id: int, city: str | None,
                    effective_at: datetime) -> SagaAnswer:
        body = count_body(approval_id, program_code, application_id, city, effective_at)
        return await saga_call(self.http, "POST", "/internal/approvals", self._headers(), body)

    async def count_many(self, bodies: list[dict[str, Any]]) -> dict[str, SagaAnswer]:
        """Several approvals counted in one request, each with its own answer."""
        answer = await saga_call(self.http, "POST", "/internal/approvals/batch", self._headers(),
                                 {"approvals": bodies}, items=len(bodies))
        return answers_of_batch(answer, [b["approval_id"] for b in bodies], "approval")

    async def uncount(self, approval_id: str, effective_at: datetime) -> SagaAnswer:
        return await saga_call(self.http, "POST", f"/internal/approvals/{approval_id}/revoke", self._headers(),
                               {"effective_at": effective_at.isoformat()})

    async def relay_events(self, events: list[dict[str, Any]]) -> None:
        """The outbox's events, to the agencies' feed."""
        await post_event_batch(self.http, self._headers(), events)
