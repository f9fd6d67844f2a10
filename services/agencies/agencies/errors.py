"""The agencies service's domain errors: each carries its HTTP status, a stable code and zh-CN/en messages;
servicekit renders them as problem+json."""

from servicekit.problems import Conflict, DomainError, Forbidden, NotFound, Unprocessable

# --- not found -----------------------------------------------------------------------------------------


class PlanNotFound(NotFound):
    code = "plan_not_found"
    message_zh = "未找到该计划。"
    message_en = "No plan has this code."


class TaskNotFound(NotFound):
    code = "task_not_found"
    message_zh = "未找到该任务。"
    message_en = "The plan has no task with this number."


class AgencyNotFound(NotFound):
    code = "agency_not_found"
    message_zh = "未找到该单位。"
    message_en = "No agency has this code."


class DeliverableNotFound(NotFound):
    code = "deliverable_not_found"
    message_zh = "未找到该目标任务（交付指标）。"
    message_en = "No deliverable has this code."


class ReportNotFound(NotFound):
    code = "report_not_found"
    message_zh = "未找到该进展报告。"
    message_en = "No progress report has this id."


class ApprovalNotFound(NotFound):
    code = "approval_not_found"
    message_zh = "未找到该审批记录。"
    message_en = "No approval has this id."


# --- who may do what -------------------------------------------------------------------------------------


class CallerWithoutAgency(Forbidden):
    code = "caller_without_agency"
    message_zh = "当前身份未绑定任何单位，不能代表单位操作。"
    message_en = "Your identity is not bound to an agency, so you cannot act for one."


class NotTaskOwner(Forbidden):
    code = "not_task_owner"
    message_zh = "贵单位不是该任务的牵头单位或责任单位，不能报送此项进展。"
    message_en = "Your agency neither leads nor shares this task, so it cannot report on it."


class NotTaskLead(Forbidden):
    code = "not_task_lead"
    message_zh = "只有该任务的牵头单位可以审核进展报告。"
    message_en = "Only a lead agency of the task may review its progress reports."


class OtherAgencyOnly(Forbidden):
    code = "other_agency_forbidden"
    message_zh = "只能查看本单位的督办事项。"
    message_en = "You may only see your own agency's supervision items."


class ServiceNotAllowed(Forbidden):
    code = "service_not_allowed"
    message_zh = "只有申报服务可以登记审批结果。"
    message_en = "Only the applications service may record approvals."


# --- bad input -------------------------------------------------------------------------------------------


class RoleNeedsAgency(Unprocessable):
    code = "role_filter_needs_agency"
    message_zh = "按角色（牵头/责任）筛选时须同时指定单位。"
    message_en = "Filtering by role (lead/responsible) needs an agency as well."


class UnitMismatch(Unprocessable):
    code = "unit_mismatch"
    message_zh = "报送的计量单位与目标任务的单位不一致。"
    message_en = "The reported unit differs from the deliverable's unit."


class PeriodNotScheduled(Unprocessable):
    code = "period_not_scheduled"
    message_zh = "报送期不在该目标任务的报送周期内。"
    message_en = "The period is not one of this deliverable's reporting periods."


class PeriodNotStarted(Unprocessable):
    code = "period_not_started"
    message_zh = "报送期尚未开始，不能报送。"
    message_en = "The period has not begun yet, so it cannot be reported on."


class CumulativeValueDecreased(Unprocessable):
    code = "cumulative_value_decreased"
    message_zh = "累计值不能低于本单位此前已报送（待审核或已采纳）的累计值。"
    message_en = "A cumulative value cannot be lower than your agency's earlier pending or accepted value."


class CumulativeValueAboveLater(Unprocessable):
    code = "cumulative_value_above_later"
    message_zh = "累计值不能高于本单位较晚报送期（待审核或已采纳）的累计值。"
    message_en = "A cumulative value cannot exceed your agency's pending or accepted value for a later period."


class UnknownCity(Unprocessable):
    code = "unknown_city"
    message_zh = "城市代码无效。"
    message_en = "The city code names no city."


class EffectiveAtInvalid(Unprocessable):
    code = "effective_at_invalid"
    message_zh = "生效时间须带时区，且不能晚于当前时间。"
    message_en = "effective_at must carry its offset and must not be in the future."


class AsOfOutsidePlan(Unprocessable):
    code = "as_of_outside_plan"
    message_zh = "评判日期须在计划的实施期内。"
    message_en = "as_of must lie within the plan's period."


class ReportedOnWhilePlanRuns(Unprocessable):
    code = "reported_on_while_plan_runs"
    message_zh = "计划仍在实施，报告以实际报送日为准，不能另填报送日期；补录报送日期仅适用于已结束的计划。"
    message_en = ("The plan is still running, so a report is dated the day it is filed; reported_on is only for "
                  "back-filling the record of a plan that has ended.")


class ReportedOnOutOfRange(Unprocessable):
    code = "reported_on_out_of_range"
    message_zh = "报送日期须在报送期开始之后，且不晚于今天。"
    message_en = "reported_on must lie between the start of the period and today."


class NotAnEscalationTarget(Unprocessable):
    code = "not_a_reporting_agency"
    message_zh = "该单位对这一目标任务没有报送义务。"
    message_en = "This agency owes no reports on this deliverable."


# --- conflicts with the current state --------------------------------------------------------------------


class DeliverableIsDerived(Conflict):
    code = "deliverable_is_derived"
    message_zh = "该目标任务的进展由审批结果自动统计，不接受人工报送。"
    message_en = "This deliverable's progress is counted from approvals; it does not take reports."


class ReportAlreadyPending(Conflict):
    code = "report_already_pending"
    message_zh = "本单位该报送期已有待审核的报告，请等待审核后再报。"
    message_en = "Your agency already has a report for this period awaiting review."


class ReportNotPending(Conflict):
    code = "report_not_pending"
    message_zh = "该报告已审核，不能再次审核。"
    message_en = "This report has already been reviewed."


class ApprovalIdReused(Conflict):
    code = "approval_id_reused"
    message_zh = "该审批编号已登记过不同的内容。"
    message_en = "This approval id was already recorded with different content."


class NotOverdue(Conflict):
    code = "not_overdue"
    message_zh = "该报送事项未逾期，无需督办。"
    message_en = "This report is not overdue, so there is nothing to escalate."


class PlanEnded(Conflict):
    code = "plan_ended"
    message_zh = "该计划已结束，按期末结果评判，不再督办。"
    message_en = "The plan has ended: it is judged by its final result and is no longer escalated."


class EscalationOutOfOrder(Conflict):
    code = "escalation_out_of_order"
    message_zh = "督办须按 提醒 → 约谈 → 函询 → 通报 逐级进行，不能跳级或回退。"
    message_en = "Escalation goes one step at a time: reminder → interview → inquiry → public notice."


# --- events and webhooks -------------------------------------------------------------------------------


class CursorExpired(DomainError):
    status = 410
    code = "cursor_expired"
    message_zh = "游标已过期：其后的部分事件已超过保留期被清理。请重新同步（读取当前数据，再从不带 after 的事件流开始）。"
    message_en = ("The cursor has expired: events after it are past the retention period and gone. Resynchronise "
                  "(read the current state, then read the feed again without `after`).")


class EventTypeUnknown(Unprocessable):
    code = "event_type_unknown"
    message_zh = "未知的事件类型。"
    message_en = "Unknown event type."


class EventsNotVisible(Forbidden):
    code = "events_not_visible"
    message_zh = "只有单位（API 密钥或工作人员）和管理员可以读取事件。"
    message_en = "Only agencies (API keys or staff) and admins may read events."


class NotWebhookManager(Forbidden):
    code = "not_webhook_manager"
    message_zh = "只有管理员或本单位的密钥管理员可以管理 Webhook。"
    message_en = "Only an admin or the agency's key admin may manage webhooks."


class WebhookEndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"
    message_zh = "未找到该 Webhook 端点。"
    message_en = "No webhook endpoint has this id."


class WebhookDeliveryNotFound(NotFound):
    code = "webhook_delivery_not_found"
    message_zh = "未找到该投递记录。"
    message_en = "This endpoint has no delivery with this id."


class WebhookUrlNotAllowed(Unprocessable):
    code = "webhook_url_not_allowed"
    message_zh = "Webhook 地址须为 http(s)，且不得指向本机、内网或平台内部服务。"
    message_en = "A webhook URL must be http(s) and must not point at loopback, private or internal addresses."


class EventRelayNotAllowed(Forbidden):
    code = "event_relay_not_allowed"
    message_zh = "只有申报服务和资金服务可以转发事件。"
    message_en = "Only the applications and funding services may relay events."
