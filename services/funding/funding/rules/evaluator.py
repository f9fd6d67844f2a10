"""Our own evaluator of the plan's funding rules: plain integer arithmetic on fen per rule kind, no `eval`.
Ratios and percentages are exact fractions; a result that is not a whole fen is rounded down for grants (never
pay more than the rule allows) and up for the minimum shares a rule guarantees to the people."""

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from funding.errors import RuleAmountUnspecified, RuleInputInvalid, yuan
from funding.models import MAX_AMOUNT

FIXED_KINDS = ("fixed_per_person", "fixed_per_unit", "fixed_per_project", "one_off_subsidy", "per_person_subsidy")
PER_ZH = {"person": "人", "team": "个团队", "unit": "个单位", "project": "个项目", "month": "月", "loan": "笔贷款"}


@dataclass
class Computation:
    amount_fen: int
    explanation_zh: str
    explanation_en: str
    breakdown: dict[str, Any] = field(default_factory=dict)
    is_maximum: bool = False


def params_of(rule: Any) -> dict[str, Any]:
    """The kind-specific parameters of a planfile rule, in fen."""
    kind = rule.kind
    if kind in FIXED_KINDS:
        return {"amount_fen": rule.amount_fen}
    if kind == "tiered_team":
        return {"tiers": [{"code": t.code, "name": t.name, "amount_fen": t.amount_fen} for t in rule.tiers],
                "per_extra_member_fen": rule.per_extra_member_fen, "extra_members_cap_fen": rule.extra_members_cap_fen}
    if kind == "matching":
        return {"ratio_numerator": rule.ratio_numerator, "ratio_denominator": rule.ratio_denominator,
                "ratio_is_maximum": rule.ratio_is_maximum, "cap_fen": rule.cap_fen, "base": rule.base}
    if kind == "monthly_allowance":
        return {"min_monthly_fen": rule.min_monthly_fen}
    if kind == "loan_cap":
        return {"cap_fen": rule.cap_fen}
    if kind == "revenue_share":
        return {"min_percent": str(Fraction(str(rule.min_percent))), "base": rule.base}
    return {}


def _need(inputs: dict[str, Any], name: str, zh: str) -> Any:
    value = inputs.get(name)
    if value is None:
        raise RuleInputInvalid(f"该规则需要输入 {name}（{zh}）。", f"This rule needs the input {name}.", name)
    return value


def _bounded(amount: int) -> int:
    if amount > MAX_AMOUNT:
        raise RuleInputInvalid("计算结果超过单笔金额上限。", "The result exceeds the largest amount of one transfer.",
                               "amount_fen")
    return amount


def compute(code: str, kind: str, params: dict[str, Any], per: str, inputs: dict[str, Any]) -> Computation:
    """The amount a rule grants for `inputs` (see RuleInputs for their meaning)."""
    if kind in FIXED_KINDS:
        count = inputs.get("count") or 1
        each = params["amount_fen"]
        amount = _bounded(each * count)
        unit = PER_ZH.get(per, "")
        return Computation(amount, f"每{unit} {yuan(each)} 元 × {count} = {yuan(amount)} 元",
                           f"{yuan(each)} yuan per {per} × {count} = {yuan(amount)} yuan",
                           {"each_fen": each, "count": count})
    if kind == "tiered_team":
        tier_code = _need(inputs, "tier", "团队层次")
        tier = next((t for t in params["tiers"] if t["code"] == tier_code), None)
        if tier is None:
            codes = ", ".join(t["code"] for t in params["tiers"])
            raise RuleInputInvalid(f"团队层次 {tier_code} 不存在（可选：{codes}）。",
                                   f"No tier {tier_code} (choose one of {codes}).", "tier")
        extra_members = inputs.get("extra_members") or 0
        per_extra = params.get("per_extra_member_fen") or 0
        if extra_members and not per_extra:
            raise RuleInputInvalid("该规则没有按新增成员增加的资助。", "This rule grants nothing per extra member.",
                                   "extra_members")
        extra = extra_members * per_extra
        cap = params.get("extra_members_cap_fen")
        capped_extra = min(extra, cap) if cap is not None else extra
        amount = _bounded(tier["amount_fen"] + capped_extra)
        return Computation(
            amount,
            f"{tier['name']} {yuan(tier['amount_fen'])} 元 + 新增成员 {extra_members} 人 × {yuan(per_extra)} 元"
            + (f"（上限 {yuan(cap)} 元）" if cap is not None else "") + f" = {yuan(amount)} 元",
            f"tier {tier['code']} {yuan(tier['amount_fen'])} yuan + {extra_members} extra members × {yuan(per_extra)} "
            f"yuan" + (f" (capped at {yuan(cap)} yuan)" if cap is not None else "") + f" = {yuan(amount)} yuan",
            {"tier_fen": tier["amount_fen"], "extra_fen": extra, "extra_capped_fen": capped_extra, "cap_fen": cap},
        )
    if kind == "matching":
        base = _need(inputs, "base_amount_fen", "配套基数")
        ratio = Fraction(params["ratio_numerator"], params["ratio_denominator"])
        raw = int(base * ratio)  # floor: never match more than the ratio allows
        cap = params.get("cap_fen")
        already = inputs.get("already_matched_fen") or 0
        room = None if cap is None else max(cap - already, 0)
        amount = _bounded(raw if room is None else min(raw, room))
        return Computation(
            amount,
            f"配套基数 {yuan(base)} 元 × {ratio} = {yuan(raw)} 元"
            + (f"，上限剩余 {yuan(room)} 元" if room is not None else "") + f"，配套 {yuan(amount)} 元"
            + ("（最高）" if params.get("ratio_is_maximum") else ""),
            f"base {yuan(base)} yuan × {ratio} = {yuan(raw)} yuan"
            + (f", {yuan(room)} yuan of the cap left" if room is not None else "") + f": {yuan(amount)} yuan"
            + (" at most" if params.get("ratio_is_maximum") else ""),
            {"base_fen": base, "ratio": str(ratio), "raw_fen": raw, "cap_fen": cap, "cap_room_fen": room},
            is_maximum=bool(params.get("ratio_is_maximum")),
        )
    if kind == "monthly_allowance":
        months = _need(inputs, "months", "月数")
        minimum = params["min_monthly_fen"]
        monthly = inputs.get("monthly_fen") or minimum
        if monthly < minimum:
            raise RuleInputInvalid(f"月津贴不得低于 {yuan(minimum)} 元。",
                                   f"The monthly allowance may not be below {yuan(minimum)} yuan.", "monthly_fen")
        amount = _bounded(months * monthly)
        return Computation(amount, f"每月 {yuan(monthly)} 元 × {months} 个月 = {yuan(amount)} 元",
                           f"{yuan(monthly)} yuan a month × {months} months = {yuan(amount)} yuan",
                           {"monthly_fen": monthly, "months": months, "min_monthly_fen": minimum})
    if kind == "loan_cap":
        cap = params["cap_fen"]
        requested = inputs.get("requested_fen")
        amount = cap if requested is None else min(requested, cap)
        return Computation(amount, f"贷款额度最高 {yuan(cap)} 元，可贷 {yuan(amount)} 元",
                           f"loans up to {yuan(cap)} yuan: {yuan(amount)} yuan", {"cap_fen": cap}, is_maximum=True)
    if kind == "revenue_share":
        base = _need(inputs, "base_amount_fen", "收益基数")
        percent = Fraction(params["min_percent"])
        share = base * percent / 100
        amount = _bounded(share.numerator // share.denominator + (1 if share.denominator != 1 else 0))
        return Computation(amount, f"{yuan(base)} 元 × 不低于 {percent}% = 至少 {yuan(amount)} 元",
                           f"{yuan(base)} yuan × at least {percent}% = at least {yuan(amount)} yuan",
                           {"base_fen": base, "min_percent": str(percent)})
    amount = inputs.get("amount_fen")
    if amount is None:
        raise RuleAmountUnspecified(code)
    return Computation(amount, f"规则未规定金额，按核定金额 {yuan(amount)} 元",
                       f"the rule states no amount; the decided amount is {yuan(amount)} yuan", {"decided_fen": amount})
