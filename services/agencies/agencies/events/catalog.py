"""Every event type the feed carries: who records it and what it says (the OpenAPI `webhooks` section and
`GET /events/types` are built from this list)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    source: str
    summary_zh: str
    summary_en: str
    payload: dict  # an example of `data`


REPORT = {"report_id": 17, "deliverable_code": "t05-doctors-postdocs", "agency": "city-dalian", "period": "2019-Q2",
          "value": 120.0, "unit": "人", "status": "returned"}
APPLICATION = {"application_id": 42, "program_code": "p-leading-talent", "status": "nominated"}

EVENT_TYPES: tuple[EventType, ...] = (
    EventType("report.submitted", "agencies", "进展报告已报送", "A progress report was submitted",
              {**REPORT, "status": "pending"}),
    EventType("report.accepted", "agencies", "进展报告已通过审核", "A progress report was accepted",
              {**REPORT, "status": "accepted"}),
    EventType("report.returned", "agencies", "进展报告被退回", "A progress report was returned", REPORT),
    EventType("escalation.raised", "agencies", "督办升级", "An overdue report was escalated",
              {"escalation_id": 3, "deliverable_code": "t05-doctors-postdocs", "agency": "city-dalian",
               "period": "2019-Q2", "level": "reminder", "step": 1}),
    EventType("deliverable.status_changed", "agencies", "目标任务进度状态变化",
              "A deliverable's status colour changed",
              {"deliverable_code": "t05-doctors-postdocs", "previous_status": "red", "status": "amber",
               "value": 120.0, "percent": 12.0}),
    EventType("application.submitted", "applications", "申报已提交", "An application was submitted",
              {**APPLICATION, "status": "submitted"}),
    EventType("application.nominated", "applications", "申报已推荐", "An application was nominated", APPLICATION),
    EventType("application.returned", "applications", "申报被退回修改", "An application was returned for revision",
              {**APPLICATION, "status": "returned"}),
    EventType("application.recommended", "applications", "申报经评审推荐", "An application was recommended",
              {**APPLICATION, "status": "recommended"}),
    EventType("notice.published", "applications", "申报进入公示", "An application was put on public notice",
              {**APPLICATION, "status": "public_notice"}),
    EventType("application.objection_filed", "applications", "公示期收到异议", "An objection was filed",
              {**APPLICATION, "status": "on_hold"}),
    EventType("application.approved", "applications", "申报已批准", "An application was approved",
              {**APPLICATION, "status": "approved"}),
    EventType("application.rejected", "applications", "申报未获批准", "An application was rejected",
              {**APPLICATION, "status": "rejected"}),
    EventType("application.revoked", "applications", "批准已撤销", "An approval was revoked",
              {**APPLICATION, "status": "revoked"}),
    EventType("award.disbursed", "funding", "资金已拨付", "An award was disbursed",
              {"award_id": "a-1", "application_id": "42", "program_code": "p-leading-talent",
               "amount_fen": 100000000}),
    EventType("webhook.endpoint_disabled", "agencies", "Webhook 端点已停用", "A webhook endpoint was disabled",
              {"endpoint_id": 1, "url": "https://example.gov.cn/hooks", "reason": "retries_exhausted"}),
)
EVENT_TYPE_NAMES = frozenset(t.name for t in EVENT_TYPES)
