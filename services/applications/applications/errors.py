"""The applications service's domain errors: each carries its HTTP status, a stable code and zh-CN/en
messages; servicekit renders them as problem+json."""

from datetime import date, datetime
from typing import Any

from servicekit.clock import CHINA_TIME
from servicekit.problems import Conflict, DomainError, FieldProblem, Forbidden, NotFound, Unprocessable


def cst(moment: datetime) -> str:
    """A moment as people in China read it: `2019-04-30 17:00`, China Standard Time."""
    return moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


# --- not found -----------------------------------------------------------------------------------------


class ProgramNotFound(NotFound):
    code = "program_not_found"
    message_zh = "未找到该资助项目。"
    message_en = "No program has this code."


class CalendarYearNotEntered(NotFound):
    code = "calendar_year_not_entered"

    def __init__(self, year: int) -> None:
        super().__init__(f"chinesecalendar 不含 {year} 年，管理员也尚未录入该年的节假日安排。",
                         f"chinesecalendar does not cover {year}, and no administrator has entered its holidays.",
                         extra={"year": year})


class FormNotFound(NotFound):
    code = "form_not_found"
    message_zh = "未找到该申报书版本。"
    message_en = "No form has this code and version."


class CallNotFound(NotFound):
    code = "call_not_found"
    message_zh = "未找到该申报批次。"
    message_en = "No call has this id."


class ApplicationNotFound(NotFound):
    code = "application_not_found"
    message_zh = "未找到该申报，或您无权查看。"
    message_en = "No application has this id, or you may not see it."


class AttachmentNotFound(NotFound):
    code = "attachment_not_found"
    message_zh = "未找到该附件。"
    message_en = "The application has no attachment with this id."


class AssignmentNotFound(NotFound):
    code = "assignment_not_found"
    message_zh = "未找到该评审任务。"
    message_en = "No expert assignment of yours has this id."


class NoticeNotFound(NotFound):
    code = "notice_not_found"
    message_zh = "未找到该公示。"
    message_en = "No public notice has this id."


class ObjectionNotFound(NotFound):
    code = "objection_not_found"
    message_zh = "未找到该异议。"
    message_en = "No objection has this id, or you may not see it."


# --- who may do what -----------------------------------------------------------------------------------


class ActionNotPermitted(Forbidden):
    code = "action_not_permitted"

    def __init__(self, action: str, label_zh: str, label_en: str) -> None:
        super().__init__(f"您无权对该申报执行「{label_zh}」。", f"You may not {label_en.lower()} this application.",
                         extra={"action": action})


class NotReviewingAgency(Forbidden):
    code = "not_reviewing_agency"
    message_zh = "只有该项目的评审单位（或管理员）可以执行此操作。"
    message_en = "Only the program's reviewing agency (or an administrator) may do this."


class DeclarationRequired(Forbidden):
    code = "declaration_required"
    message_zh = "请先声明与申报人无利益冲突，再查看申报材料或评分。"
    message_en = "Declare that you have no conflict of interest before you see the file or score it."


class ExpertConflicted(Forbidden):
    code = "expert_conflicted"
    message_zh = "您已声明存在利益冲突，不能查看或评审该申报。"
    message_en = "You declared a conflict of interest, so you may not see or score this application."


# --- bad input -----------------------------------------------------------------------------------------


class FormInvalid(Unprocessable):
    """Each problem is (field, message in Chinese, message in English, JSON Schema keyword); the field messages
    follow the language the caller asked for."""

    code = "form_invalid"

    def __init__(self, problems: list[tuple[str, str, str, str]]) -> None:
        self.problems = problems
        fields = [field for field, *_ in problems[:5]]
        super().__init__(f"申报书填写有误：{'、'.join(fields)}", f"The form has errors: {', '.join(fields)}")

    def to_problem(self, *, english: bool, instance: str | None, extra: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
        self.errors = [FieldProblem(field=field, message=en if english else zh, type=keyword)
                       for field, zh, en, keyword in self.problems]
        return super().to_problem(english=english, instance=instance, extra=extra)


class PersonalDataInvalid(Unprocessable):
    code = "personal_data_invalid"

    def __init__(self, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en,
                         errors=[FieldProblem(field=f"body.personal.{field}", message=message_zh, type="invalid")])


class NotEligible(Unprocessable):
    code = "not_eligible"

    def __init__(self, rule: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en, extra={"rule": rule})


class UnknownNominator(Unprocessable):
    code = "unknown_nominator"

    def __init__(self, agency: str, allowed: list[str]) -> None:
        super().__init__(f"{agency} 不是该项目的推荐单位；可选：{'、'.join(allowed)}。",
                         f"{agency} does not nominate for this program; choose one of {', '.join(allowed)}.",
                         extra={"allowed_nominators": allowed})


class UnknownAgency(Unprocessable):
    code = "unknown_agency"

    def __init__(self, agency: str) -> None:
        super().__init__(f"计划中没有单位 {agency}。", f"The plan names no agency {agency}.", extra={"agency": agency})


class AttachmentTypeNotAllowed(Unprocessable):
    code = "attachment_type_not_allowed"
    message_zh = "附件须为 PDF、PNG 或 JPEG 文件（按文件内容识别，与文件名无关）。"
    message_en = "An attachment must be a PDF, PNG or JPEG file (judged by its content, not its name)."


class AttachmentTooLarge(DomainError):
    status = 413
    code = "attachment_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"附件不能超过 {limit // (1024 * 1024)} MiB。",
                         f"An attachment may not exceed {limit // (1024 * 1024)} MiB.", extra={"max_bytes": limit})


class ScoreSheetInvalid(Unprocessable):
    code = "score_sheet_invalid"

    def __init__(self, errors: list[FieldProblem]) -> None:
        super().__init__("评分表填写有误：" + "、".join(e.field for e in errors[:5]),
                         "The score sheet has errors: " + ", ".join(e.field for e in errors[:5]), errors=errors)


class ConflictNoteRequired(Unprocessable):
    code = "conflict_note_required"
    message_zh = "声明存在利益冲突时，请说明冲突情形。"
    message_en = "Say what the conflict of interest is."


class AnonymousObjection(Unprocessable):
    code = "anonymous_objection"
    message_zh = "异议须署真实姓名并留下联系方式，匿名异议不予受理（公示通知已载明）。"
    message_en = "An objection must carry the filer's real name and a way to reach them; anonymous objections " \
                 "are not accepted, as the notice says."


class ContactInvalid(Unprocessable):
    code = "contact_invalid"
    message_zh = "联系方式应为手机号码、带区号的固定电话或电子邮箱。"
    message_en = "The contact must be a mobile number, a landline with its area code, or an e-mail address."


class WindowInvalid(Unprocessable):
    code = "call_window_invalid"
    message_zh = "截止时间须晚于开始时间。"
    message_en = "The closing time must be after the opening time."


class CutoffInvalid(Unprocessable):
    code = "cutoff_invalid"

    def __init__(self, cutoff: str, year: int) -> None:
        super().__init__(f"{year} 年没有 {cutoff} 这一天，请给出截止日期 cutoff_date。",
                         f"{year} has no day {cutoff}; give cutoff_date.")


class CalendarNotCovered(Unprocessable):
    code = "calendar_not_covered"

    def __init__(self, day: date) -> None:
        super().__init__(f"节假日日历尚未包含 {day.year} 年，无法计算工作日。请管理员按国务院办公厅当年的节假日安排通知录入"
                         f"（PUT /calendar/{day.year}），或升级 chinesecalendar。",
                         f"The public-holiday calendar does not cover {day.year} yet, so working days cannot be "
                         f"counted. An administrator can enter the State Council's notice for the year "
                         f"(PUT /calendar/{day.year}), or upgrade chinesecalendar.", extra={"year": day.year})


class CalendarDaysInvalid(Unprocessable):
    code = "calendar_days_invalid"

    def __init__(self, year: int, errors: list[FieldProblem]) -> None:
        super().__init__(f"{year} 年的节假日录入有误：" + "；".join(e.message for e in errors[:5]),
                         f"The days entered for {year} have errors: " + "; ".join(e.field for e in errors[:5]),
                         errors=errors)


class CalendarYearInPackage(Conflict):
    code = "calendar_year_in_package"

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的节假日已由 chinesecalendar 提供，不能另行录入。",
                         f"chinesecalendar already has {year}'s public holidays; they cannot be entered again.",
                         extra={"year": year})


class ProgramNotOpenEnded(Unprocessable):
    code = "program_amount_fixed"
    message_zh = "该项目的资助金额由资助规则规定，管理员不能修改。"
    message_en = "The program's funding rule fixes its amount; an administrator cannot set it."


class RuleNotApplicable(Unprocessable):
    code = "rule_not_applicable"
    message_zh = "只有规划未规定金额的资助规则（如“给予奖补”）可由管理员新增为资助项目。"
    message_en = "Only a funding rule whose amount the plan leaves open can be added as a program by an administrator."


class ApplicantTypeMismatch(Unprocessable):
    code = "applicant_type_mismatch"

    def __init__(self, per: str, expected: str) -> None:
        super().__init__(f"该规则按 {per} 资助，申报主体应为 {expected}。",
                         f"The rule pays per {per}, so the applicant type is {expected}.", extra={"expected": expected})


class NotTaskOwner(Unprocessable):
    code = "not_task_owner"

    def __init__(self, agency: str, task: int) -> None:
        super().__init__(f"{agency} 不是任务 {task} 的牵头单位或责任单位，不能作为评审单位。",
                         f"{agency} neither leads nor shares task {task}, so it cannot review the program.")


# --- conflicts with the current state ------------------------------------------------------------------


class ProgramExists(Conflict):
    code = "program_exists"

    def __init__(self, program: str) -> None:
        super().__init__(f"资助项目代码 {program} 已被使用。", f"The program code {program} is taken.")


class PlanNotLoaded(Conflict):
    code = "plan_not_loaded"

    def __init__(self, plan: str) -> None:
        super().__init__(f"申报服务尚未加载规划 {plan}。", f"The applications service has not loaded plan {plan}.")


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"

    def __init__(self, state: str, state_zh: str, action: str, action_zh: str, allowed: list[str]) -> None:
        allowed_text = "、".join(allowed) or "无"
        super().__init__(f"申报当前为「{state_zh}」，不能执行「{action_zh}」；可执行的操作：{allowed_text}。",
                         f"The application is {state}; {action} is not allowed now. Allowed: "
                         f"{', '.join(allowed) or 'none'}.",
                         extra={"state": state, "action": action, "allowed_actions": allowed})


class CallNotOpen(Conflict):
    code = "call_not_open"

    def __init__(self, opens_at: datetime, closes_at: datetime) -> None:
        super().__init__(f"不在申报时间内：本批次受理时间为 {cst(opens_at)} 至 {cst(closes_at)}（北京时间）。",
                         f"Outside the call's window: applications are taken from {cst(opens_at)} to "
                         f"{cst(closes_at)} China Standard Time.",
                         extra={"opens_at": opens_at.astimezone(CHINA_TIME).isoformat(),
                                "closes_at": closes_at.astimezone(CHINA_TIME).isoformat()})


class CallExists(Conflict):
    code = "call_exists"

    def __init__(self, program: str, year: int) -> None:
        super().__init__(f"项目 {program} 已有 {year} 年度的申报批次。", f"{program} already has a call for {year}.")


class AmountNotDecided(Conflict):
    code = "amount_not_decided"

    def __init__(self, program: str) -> None:
        super().__init__(f"项目 {program} 的资助规则未规定金额，须先由管理员核定金额。",
                         f"The rule of {program} states no amount; an administrator must set it first.",
                         extra={"program": program})


class PlanQuotaExceeded(Conflict):
    code = "plan_quota_exceeded"

    def __init__(self, rule: str, plan_quota: int, other_calls: int, asked: int) -> None:
        super().__init__(f"规则 {rule} 在规划期内的名额为 {plan_quota}，其他批次已占 {other_calls}，本批次最多 "
                         f"{max(plan_quota - other_calls, 0)}（申请 {asked}）。",
                         f"Rule {rule} has {plan_quota} places over the plan's period, other calls hold "
                         f"{other_calls}, so this call may have at most {max(plan_quota - other_calls, 0)} "
                         f"(asked {asked}).", extra={"plan_quota": plan_quota, "other_calls": other_calls})


class QuotaBelowCommitted(Conflict):
    code = "quota_below_committed"

    def __init__(self, asked: int, committed: int, what_zh: str, what_en: str) -> None:
        super().__init__(f"名额不能低于{what_zh}（{committed}），申请设为 {asked}。",
                         f"The quota cannot be set below {what_en} ({committed}); asked {asked}.",
                         extra={"minimum": committed})


class AllocationsExceedTotal(Conflict):
    code = "allocations_exceed_total"

    def __init__(self, total: int, allocated: int) -> None:
        super().__init__(f"各推荐单位名额之和（{allocated}）不能超过批次总名额（{total}）。",
                         f"Allocations would add up to {allocated}, above the call's total of {total}.",
                         extra={"total": total, "allocated": allocated})


class NoAllocation(Conflict):
    code = "no_allocation"

    def __init__(self, agency: str) -> None:
        super().__init__(f"本批次未给 {agency} 分配推荐名额。", f"This call gives {agency} no nomination places.",
                         extra={"agency": agency})


class AllocationFull(Conflict):
    code = "allocation_full"

    def __init__(self, agency: str, size: int) -> None:
        super().__init__(f"{agency} 的推荐名额（{size}）已用完。", f"{agency} has used all {size} of its nomination "
                         "places.", extra={"agency": agency, "size": size})


class AlreadyAppliedInCycle(Conflict):
    code = "already_applied_in_cycle"

    def __init__(self, year: int, application_id: int) -> None:
        super().__init__(f"每位申报人每年度只能申报一个项目：您在 {year} 年度已有申报（编号 {application_id}）。",
                         f"One program per applicant a year: you already have an application in {year} "
                         f"(number {application_id}).", extra={"application_id": application_id})


class ActiveAward(Conflict):
    code = "active_award"

    def __init__(self, award_kind: str) -> None:
        super().__init__("您正在享受同类资助，资助期内不能再次申报同类项目。",
                         "You hold an active award of the same kind, so you cannot apply for it again.",
                         extra={"award_kind": award_kind})


class TooManyAttachments(Conflict):
    code = "too_many_attachments"

    def __init__(self, limit: int) -> None:
        super().__init__(f"每份申报最多上传 {limit} 个附件。", f"An application takes at most {limit} attachments.")


class NotEditable(Conflict):
    code = "application_not_editable"
    message_zh = "只有草稿或退回修改的申报可以修改。"
    message_en = "Only a draft or an application returned for revision can be changed."


class ExpertAlreadyAssigned(Conflict):
    code = "expert_already_assigned"
    message_zh = "该专家已被分配评审这份申报。"
    message_en = "This expert is already assigned to this application."


class ReviewClosed(Conflict):
    code = "expert_review_closed"
    message_zh = "该申报不在专家评审阶段，不能再分配专家或评分。"
    message_en = "The application is not in expert review, so experts can no longer be assigned or score it."


class AssignmentScored(Conflict):
    code = "assignment_scored"
    message_zh = "该专家已提交评分，不能撤销分配。"
    message_en = "The expert has already scored it, so the assignment cannot be removed."


class AlreadyDeclared(Conflict):
    code = "already_declared"
    message_zh = "已作出利益冲突声明，不能更改。"
    message_en = "The conflict-of-interest declaration is already made and cannot be changed."


class ExpertsIncomplete(Conflict):
    code = "experts_incomplete"

    def __init__(self, needed: int, complete: int) -> None:
        super().__init__(f"须至少 {needed} 位专家完成评分（已完成 {complete} 位）。",
                         f"At least {needed} experts must have scored it ({complete} have).",
                         extra={"needed": needed, "complete": complete})


class NotRecommended(Conflict):
    code = "not_recommended"

    def __init__(self, application_ids: list[int]) -> None:
        super().__init__(f"以下申报不是本批次的拟推荐申报，不能公示：{application_ids}。",
                         f"These applications are not recommended applications of the call: {application_ids}.",
                         extra={"application_ids": application_ids})


class NothingToPublish(Conflict):
    code = "nothing_to_publish"
    message_zh = "本批次没有待公示的拟推荐申报。"
    message_en = "The call has no recommended application to put on notice."


class NoticePeriodRunning(Conflict):
    code = "notice_period_running"

    def __init__(self, ends_on: date) -> None:
        super().__init__(f"公示期至 {ends_on.isoformat()} 结束，期满后方可办结。",
                         f"The notice runs until {ends_on.isoformat()}; it can be concluded only after that.",
                         extra={"ends_on": ends_on.isoformat()})


class NoticeClosed(Conflict):
    code = "notice_closed"

    def __init__(self, starts_on: date, ends_on: date) -> None:
        super().__init__(f"异议须在公示期内（{starts_on.isoformat()} 至 {ends_on.isoformat()}）提出。",
                         f"Objections are taken during the notice, {starts_on.isoformat()} to {ends_on.isoformat()}.",
                         extra={"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})


class NotOnNotice(Conflict):
    code = "not_on_notice"
    message_zh = "该申报不在本公示中，或已不在公示期。"
    message_en = "The application is not on this notice, or no longer on notice."


class ObjectionResolved(Conflict):
    code = "objection_resolved"
    message_zh = "该异议已处理。"
    message_en = "This objection has already been resolved."


# --- other services ------------------------------------------------------------------------------------


class FundingUnavailable(DomainError):
    status = 503
    code = "funding_unavailable"
    message_zh = "资金台账服务暂不可用，无法计算资助金额，请稍后再试。"
    message_en = "The funding service is unavailable, so the amount cannot be computed; try again later."

    def __init__(self) -> None:
        super().__init__(extra={"retry_after": 5})


class FundingRefused(Conflict):
    code = "funding_rule_refused"

    def __init__(self, rule: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"资金台账服务拒绝计算规则 {rule}：{message_zh}",
                         f"The funding service refused to compute rule {rule}: {message_en}", extra={"rule": rule})


# --- the decision (the approval saga) ------------------------------------------------------------------


class ApprovalNotFound(NotFound):
    code = "approval_not_found"
    message_zh = "未找到该审批记录。"
    message_en = "No approval has this id."


class QuotaExhausted(Conflict):
    code = "quota_exhausted"

    def __init__(self, total: int, approved: int, reserved: int) -> None:
        super().__init__(f"本批次名额已用完：共 {total} 个，已批准 {approved} 个，审批中 {reserved} 个。",
                         f"The call's quota is exhausted: {total} places, {approved} approved, {reserved} being "
                         "approved.", extra={"total": total, "approved": approved, "reserved": reserved})


class AllocationExhausted(Conflict):
    code = "allocation_exhausted"

    def __init__(self, agency: str, size: int, approved: int, reserved: int) -> None:
        super().__init__(f"推荐单位 {agency} 的名额已用完：共 {size} 个，已批准 {approved} 个，审批中 {reserved} 个。",
                         f"The allocation of {agency} is exhausted: {size} places, {approved} approved, "
                         f"{reserved} being approved.",
                         extra={"agency": agency, "size": size, "approved": approved, "reserved": reserved})


class AmountMissing(Conflict):
    code = "amount_missing"
    message_zh = "该申报没有拟资助金额（推荐时未计算），不能审批。"
    message_en = "The application has no amount (none was computed when it was recommended), so it cannot be approved."


class ApprovalRefused(Conflict):
    """The approval failed after the quota slot was reserved (the budget is short, funding refused): the slot
    was released and the application is ready for a decision again. Carries funding's own reason."""

    def __init__(self, code: str, message_zh: str, message_en: str, detail: dict[str, Any] | None) -> None:
        self.code = code
        super().__init__(message_zh, message_en, extra={**(detail or {})})


class NotRevocable(Conflict):
    code = "approval_not_revocable"

    def __init__(self, status: str) -> None:
        super().__init__(f"该审批当前状态为 {status}，只能撤销已批准的审批。",
                         f"The approval is {status}; only an approved one can be revoked.", extra={"status": status})
