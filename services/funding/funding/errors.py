"""The funding service's domain errors: each carries its HTTP status, a stable code and both languages."""

from typing import Any

from servicekit.problems import Conflict, DomainError, Forbidden, NotFound, Unprocessable

# Set on the answer to a request whose id already held an outcome: the stored outcome, not a new one.
REPLAY_HEADER = "Idempotent-Replay"


def yuan(fen: int) -> str:
    """12345 → "123.45" (exact: integer arithmetic, no float)."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


class LedgerUnprocessable(Unprocessable):
    """Input the ledger cannot act on; nothing is written, so the same id may be retried once it is fixed."""


class ReferencedAccountNotFound(LedgerUnprocessable):
    """A transfer names an account that does not exist (the request is wrong; nothing is stored)."""

    code = "referenced_account_not_found"

    def __init__(self, account: int) -> None:
        super().__init__(f"转账所引用的账户 {account} 不存在。", f"The transfer names account {account}, which does "
                         "not exist.", extra={"account": account})


class AccountNotFound(NotFound):
    """The account in the path does not exist."""

    code = "account_not_found"

    def __init__(self, account: int) -> None:
        super().__init__(f"账户 {account} 不存在。", f"Account {account} does not exist.", extra={"account": account})


class AccountLimitsInvalid(LedgerUnprocessable):
    """A new account holds 0, so its floor and ceiling must admit 0."""

    code = "account_limits_invalid"


class CurrencyMismatch(LedgerUnprocessable):
    code = "currency_mismatch"

    def __init__(self, expected: str, got: str) -> None:
        super().__init__(f"币种不符：账户使用 {expected}，请求为 {got}。",
                         f"Currency mismatch: the accounts are in {expected}, the request says {got}.",
                         extra={"expected_currency": expected, "currency": got})


class SameAccount(LedgerUnprocessable):
    code = "same_account"
    message_zh = "借方账户与贷方账户不能相同。"
    message_en = "The debit and credit accounts must differ."


class AccountExists(Conflict):
    code = "account_exists"

    def __init__(self, code: str, fields: list[str]) -> None:
        super().__init__(f"账户 {code} 已存在且属性不同（{'、'.join(fields)}）。",
                         f"Account {code} already exists with other attributes ({', '.join(fields)}).",
                         extra={"differing_fields": fields})


class TransferNotFound(NotFound):
    """The transfer in the path does not exist."""

    code = "transfer_not_found"

    def __init__(self, key: str) -> None:
        super().__init__(f"转账 {key} 不存在。", f"Transfer {key} does not exist.", extra={"transfer_id": key})


class ReferencedTransferNotFound(LedgerUnprocessable):
    """A post, void or reversal names a transfer that does not exist (nothing is stored)."""

    code = "referenced_transfer_not_found"

    def __init__(self, key: str) -> None:
        super().__init__(f"所引用的转账 {key} 不存在。", f"The referenced transfer {key} does not exist.",
                         extra={"transfer_id": key})


class NotPending(LedgerUnprocessable):
    code = "not_pending"

    def __init__(self, key: str) -> None:
        super().__init__(f"转账 {key} 不是待定（预留）转账，无法确认或撤销。",
                         f"Transfer {key} is not a pending transfer; it cannot be posted or voided.",
                         extra={"transfer_id": key})


class CannotReverse(LedgerUnprocessable):
    code = "cannot_reverse"

    def __init__(self, key: str, status: str) -> None:
        super().__init__(f"转账 {key} 的状态为 {status}，只有已入账的转账可以冲正。",
                         f"Transfer {key} is {status}; only a posted transfer can be reversed.",
                         extra={"transfer_id": key, "transfer_status": status})


class PostAmountTooLarge(LedgerUnprocessable):
    code = "post_amount_exceeds_pending"

    def __init__(self, amount: int, pending: int) -> None:
        super().__init__(f"确认金额 {yuan(amount)} 元超过预留金额 {yuan(pending)} 元。",
                         f"The amount to post ({amount} fen) exceeds the pending amount ({pending} fen).",
                         extra={"amount": amount, "pending_amount": pending})


class TransferIdReused(Conflict):
    code = "transfer_id_reused"

    def __init__(self, key: str, fields: list[str]) -> None:
        super().__init__(
            f"转账编号 {key} 已被另一个内容不同的请求使用（不同的字段：{'、'.join(fields)}）。请换用新的编号。",
            f"Transfer id {key} was already used by a different request (differing fields: {', '.join(fields)}). "
            "Use a new id for a new decision.",
            extra={"transfer_id": key, "differing_fields": fields},
        )


class BatchIdsNotDistinct(LedgerUnprocessable):
    code = "batch_ids_not_distinct"
    message_zh = "同一批次中的转账编号不能重复。"
    message_en = "The ids within one batch must be distinct."


class BatchCurrenciesMixed(LedgerUnprocessable):
    code = "batch_currencies_mixed"
    message_zh = "同一批次只能使用一种币种。"
    message_en = "One batch uses one currency."


class BatchPartiallyExists(Conflict):
    code = "batch_partially_exists"

    def __init__(self, existing: list[str]) -> None:
        super().__init__(f"批次中部分转账编号已存在（{'、'.join(existing)}）：批次须整体重放或整体使用新编号。",
                         f"Some ids of this batch already exist ({', '.join(existing)}): replay the whole batch or "
                         "use new ids for all of it.", extra={"existing_ids": existing})


# Business rejections: stored against the transfer id, so a retry gets the same answer. -------------------

REJECTION_MESSAGES: dict[str, tuple[str, str]] = {
    "insufficient_funds": ("账户 {account} 可用余额不足：最多还可支出 {headroom} 元，本次需要 {amount} 元。",
                           "Account {account} has too little available: at most {headroom} yuan can leave it, "
                           "this needs {amount} yuan."),
    "budget_insufficient": ("预算 {account} 可用额度不足：剩余可用 {headroom} 元，本次需要 {amount} 元。",
                            "Budget {account} is short: {headroom} yuan available, this needs {amount} yuan."),
    "commitment_insufficient": ("拨付超出已承诺金额：账户 {account} 还可拨付 {headroom} 元，本次需要 {amount} 元。",
                                "This would pay more than was committed: {account} can still pay {headroom} yuan, "
                                "this needs {amount} yuan."),
    "ceiling_exceeded": ("超出账户 {account} 的上限：还可再计入 {headroom} 元，本次需要 {amount} 元。",
                         "Account {account} would exceed its ceiling: {headroom} yuan of room left, "
                         "this needs {amount} yuan."),
    "award_cap_exceeded": ("超出资助金额上限（{account}）：还可计入 {headroom} 元，本次需要 {amount} 元。",
                           "This would exceed the award's cap ({account}): {headroom} yuan of room left, "
                           "this needs {amount} yuan."),
    "match_cap_reached": ("配套资金已达上限（{account}），不再配套。",
                          "The matching cap of {account} is reached; nothing more is matched."),
    "account_closed": ("账户 {account} 已关闭（或其财政年度已结账），不能再记账。",
                       "Account {account} is closed (or its fiscal year is), so nothing more can be posted to it."),
    "counter_overflow": ("账户 {account} 的累计发生额将超出上限。",
                         "Account {account}'s running totals would overflow."),
    "pending_already_resolved": ("该预留已处理（已确认、撤销或过期），不能再次处理。",
                                 "This pending transfer was already posted, voided or expired."),
    "pending_expired": ("该预留已过期，预留金额已释放。", "This pending transfer has expired; its amount was released."),
    "already_reversed": ("该转账已被冲正过一次，不能再次冲正。", "This transfer was already reversed once."),
    "installment_already_paid": ("该期资助款已拨付，不能重复拨付。", "This installment was already paid."),
    "already_done": ("该业务事项已入账，不能重复入账。", "This business fact was already posted."),
    "linked_transfer_failed": ("同一批次中的另一笔转账被拒绝，整批均未入账。",
                               "Another transfer of the same batch was rejected, so none of the batch was posted."),
}


class TransferRejected(DomainError):
    """A stored business rejection, as the first caller and every retry see it. The rejection is written under
    the transfer's id, so the transaction commits before the answer (the same 409 on every replay, then with
    `Idempotent-Replay: true`)."""

    status = 409
    commit_before_answer = True

    def __init__(self, reason: str, *, transfer_id: str, account: str | None, headroom: int | None,
                 amount: int, replay: bool, outcome: dict[str, Any] | None = None) -> None:
        self.code = reason
        self.replay = replay
        zh, en = REJECTION_MESSAGES.get(reason, ("转账被拒绝（{reason}）。", "The transfer was rejected ({reason})."))
        values = {"account": account or "", "headroom": yuan(headroom or 0), "amount": yuan(amount), "reason": reason}
        super().__init__(zh.format(**values), en.format(**values), extra={
            "transfer_id": transfer_id, "account": account, "headroom_fen": headroom, "amount_fen": amount,
            "replay": replay, **(outcome or {}),
        })

    def headers(self) -> dict[str, str] | None:
        return {REPLAY_HEADER: "true"} if self.replay else None


# Rules, budgets, awards ---------------------------------------------------------------------------------


class FiscalYearOutsidePlan(LedgerUnprocessable):
    code = "fiscal_year_outside_plan"

    def __init__(self, plan: str, fiscal_year: int, first: int, last: int) -> None:
        super().__init__(f"{fiscal_year} 年不在规划 {plan} 的实施期（{first}—{last} 年）内，不能按规划导入预算。",
                         f"{fiscal_year} is outside the period of plan {plan} ({first}–{last}); no budget is "
                         "imported from the plan for it.",
                         extra={"fiscal_year": fiscal_year, "period": [first, last]})


class PlanFileInvalid(LedgerUnprocessable):
    code = "plan_file_invalid"

    def __init__(self, plan: str, problems: list[str]) -> None:
        super().__init__(f"规划文件 {plan} 无效：{problems}", f"The plan file {plan} is invalid: {problems}",
                         extra={"plan": plan, "problems": problems})


class PlanNotFound(LedgerUnprocessable):
    code = "plan_not_found"

    def __init__(self, plan: str) -> None:
        super().__init__(f"找不到规划文件 {plan}。", f"No plan file {plan}.", extra={"plan": plan})


class RuleNotFound(NotFound):
    code = "rule_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"资助规则 {code} 不存在（是否已导入规划？）。",
                         f"Funding rule {code} does not exist (was the plan imported?).", extra={"rule": code})


class ReferencedRuleNotFound(LedgerUnprocessable):
    """A reservation names a program (funding rule) that was never imported (nothing is stored)."""

    code = "referenced_rule_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"资助规则 {code} 不存在（是否已导入规划？）。",
                         f"Funding rule {code} does not exist (was the plan imported?).", extra={"rule": code})


class RuleInputInvalid(LedgerUnprocessable):
    code = "rule_input_invalid"

    def __init__(self, message_zh: str, message_en: str, field: str) -> None:
        super().__init__(message_zh, message_en, extra={"field": field})


class RuleAmountUnspecified(LedgerUnprocessable):
    code = "rule_amount_unspecified"

    def __init__(self, code: str) -> None:
        super().__init__(f"规则 {code} 未规定金额，须由管理员给出 amount_fen。",
                         f"Rule {code} states no amount; an administrator must give amount_fen.", extra={"rule": code})


class AmountExceedsRule(LedgerUnprocessable):
    code = "amount_exceeds_rule"

    def __init__(self, amount: int, maximum: int, rule: str) -> None:
        super().__init__(f"金额 {yuan(amount)} 元超过规则 {rule} 允许的 {yuan(maximum)} 元。",
                         f"The amount {amount} fen exceeds the {maximum} fen rule {rule} allows.",
                         extra={"amount_fen": amount, "maximum_fen": maximum, "rule": rule})


class BudgetNotAppropriated(LedgerUnprocessable):
    """A reservation draws on a budget nobody appropriated yet (nothing is stored; appropriate it, then retry)."""

    code = "budget_not_appropriated"

    def __init__(self, program: str, fiscal_year: int, city: str | None = None) -> None:
        where = f"{program} {fiscal_year}" + (f" {city}" if city else "")
        super().__init__(f"尚未为 {where} 拨付预算。", f"No budget has been appropriated for {where}.",
                         extra={"program": program, "fiscal_year": fiscal_year, "city": city})


class BudgetNotFound(NotFound):
    """The budget in the path does not exist."""

    code = "budget_not_found"

    def __init__(self, program: str, fiscal_year: int, city: str | None = None) -> None:
        where = f"{program} {fiscal_year}" + (f" {city}" if city else "")
        super().__init__(f"尚未为 {where} 拨付预算。", f"No budget for {where}.",
                         extra={"program": program, "fiscal_year": fiscal_year, "city": city})


class CityRequired(LedgerUnprocessable):
    code = "city_required"

    def __init__(self, program: str) -> None:
        super().__init__(f"规则 {program} 由各市出资，须给出 city_code。",
                         f"Rule {program} is paid by the cities; give city_code.", extra={"program": program})


class AwardNotFound(NotFound):
    code = "award_not_found"

    def __init__(self, award: str) -> None:
        super().__init__(f"资助（审批编号 {award}）不存在。", f"No award or reservation {award}.",
                         extra={"award": award})


class AwardNotCommitted(Conflict):
    code = "award_not_committed"

    def __init__(self, award: str, status: str) -> None:
        if status == "released":
            super().__init__(f"资助 {award} 的未拨付余额已退回（状态：released），不能再拨付、配套或退回。",
                             f"Award {award} was released (its unpaid rest went back); nothing more can be paid, "
                             "matched or released.", extra={"award": award, "award_status": status})
            return
        super().__init__(f"资助 {award} 尚未确认（状态：{status}），不能拨付。",
                         f"Award {award} is not committed (status: {status}); nothing can be paid yet.",
                         extra={"award": award, "award_status": status})


class NothingToRelease(Conflict):
    code = "nothing_to_release"

    def __init__(self, award: str, paid: int) -> None:
        super().__init__(f"资助 {award} 的承诺账户已无余额（已拨付 {yuan(paid)} 元），没有可退回的资金。",
                         f"Nothing is left on award {award}'s commitment ({paid} fen paid), so there is nothing "
                         "to release.",
                         extra={"award": award, "paid_fen": paid})


class InstallmentOutOfRange(LedgerUnprocessable):
    code = "installment_out_of_range"

    def __init__(self, number: int, count: int) -> None:
        super().__init__(f"第 {number} 期不存在：该资助共 {count} 期。",
                         f"There is no installment {number}: the award has {count}.",
                         extra={"installment": number, "installments": count})


class MatchingAwardPaidByMatches(LedgerUnprocessable):
    code = "matching_award_paid_by_matches"
    message_zh = "配套类资助按国家资金到位情况拨付，请使用 /matches。"
    message_en = "A matching award is paid per national funding event: use /matches."


class NotAMatchingAward(LedgerUnprocessable):
    code = "not_a_matching_award"

    def __init__(self, award: str) -> None:
        super().__init__(f"资助 {award} 不是配套类资助。", f"Award {award} is not a matching award.",
                         extra={"award": award})


class ProgramNotYours(Forbidden):
    code = "program_not_yours"
    message_zh = "只能查看本单位牵头项目的数据。"
    message_en = "You may only read the programs your agency leads."


class ServiceNotAllowed(Forbidden):
    code = "service_not_allowed"
    message_zh = "只有申报服务可以调用预留接口。"
    message_en = "Only the applications service may call the reservation API."


class NotSealedYet(Conflict):
    """A proof needs a checkpoint; the sealer makes one within seconds (FUNDING_CHECKPOINT_*)."""

    code = "not_sealed_yet"

    def __init__(self, transfer: str, seq: int, retry_after: int) -> None:
        super().__init__(f"转账 {transfer}（日记账第 {seq} 条）尚未封存到检查点，请稍后再试。",
                         f"Transfer {transfer} (journal row {seq}) is not in a checkpoint yet; try again shortly.",
                         extra={"transfer": transfer, "seq": seq, "retry_after": retry_after})


class CheckpointNotFound(NotFound):
    code = "checkpoint_not_found"

    def __init__(self, seq: int) -> None:
        super().__init__(f"没有封存到第 {seq} 条的检查点。", f"No checkpoint ends at journal row {seq}.",
                         extra={"seq": seq})


class VerificationRunNotFound(NotFound):
    code = "verification_run_not_found"

    def __init__(self, run: int | None) -> None:
        if run is None:
            super().__init__("尚未进行过全量校验。", "No full verification has been run yet.")
        else:
            super().__init__(f"全量校验 {run} 不存在。", f"No full verification {run}.", extra={"run": run})


class SigningKeyMissing(DomainError):
    """The service was started without its own key (keys directory), so it cannot sign checkpoints."""

    status = 503
    code = "signing_key_missing"
    message_zh = "资金服务缺少签名密钥，无法封存检查点。"
    message_en = "The funding service has no signing key, so it cannot seal checkpoints."
