"""The calculation: a pure function from (policy, claim) to a :class:`Breakdown`.

Order of the steps (see README "计算规则"):
eligible → deductible (repeat admissions) → ratios (retiree bonus, out-of-area rule)
→ fund_pay (bands, annual cap left) → critical_illness_pay (大病, inpatient only)
→ out_of_pocket = total − fund_pay − critical_illness_pay.
Rounding half-up to the fen happens at the deductible, fund_pay and critical_illness_pay.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Sequence

from medins_cli.core.errors import ClaimError, PolicyDataError
from medins_cli.core.model import (
    Band,
    Breakdown,
    Claim,
    CriticalIllnessSection,
    InpatientSection,
    OutpatientSection,
    Payment,
    Plan,
    Policy,
    RemoteRule,
    RepeatRule,
    Step,
)
from medins_cli.core.money import FEN, ONE, ZERO, round_fen
from medins_cli.core.names import PLANS, REMOTES, TIERS, VISITS

RATIO_PLACES = Decimal("0.0001")
_MAX_ADMISSION = 366


def fmt(value: Decimal) -> str:
    """Money as it appears in an explanation: two decimals, no grouping."""
    return f"{value.quantize(FEN, rounding=ROUND_HALF_UP)}"


def pct(ratio: Decimal) -> str:
    """0.84 → '84%', 0.609 → '60.9%'."""
    text = f"{(ratio * 100).normalize():f}"
    return f"{text}%"


# ---- the rules, each a small function -------------------------------------------------


def apply_repeat_admission(deductible: Decimal, rule: RepeatRule | None, admission: int) -> Decimal:
    """起付线 for the N-th admission of the year, rounded to the fen."""
    if admission < 2 or rule is None:
        return round_fen(deductible)
    if rule.factor is not None:
        return round_fen(deductible * rule.factor)
    reduced = deductible - (rule.step or ZERO) * (admission - 1)
    floor = rule.floor if rule.floor is not None else ZERO
    return round_fen(max(reduced, min(floor, deductible)))


def adjust_ratio(ratio: Decimal, bonus: Decimal, remote: RemoteRule | None) -> Decimal:
    """Add the retiree bonus (never above 1), then apply the out-of-area rule (never below 0)."""
    r = min(ONE, ratio + bonus)
    if remote is not None:
        if remote.factor is not None:
            r = r * remote.factor
        elif remote.ratio_minus is not None:
            r = r - remote.ratio_minus
    return min(ONE, max(ZERO, r))


def banded_pay(amount: Decimal, start: Decimal, bands: Sequence[Band]) -> tuple[Decimal, list[tuple[Decimal, Decimal, Decimal]]]:
    """Pay ``ratio`` on each band's part of ``amount`` above ``start``.

    Band limits are absolute on the amount's own scale; the part below ``start`` pays nothing.
    Returns the unrounded sum and the (low, high, ratio) pieces that paid.
    """
    total = ZERO
    pieces: list[tuple[Decimal, Decimal, Decimal]] = []
    prev = ZERO
    for band in bands:
        low = start if start > prev else prev
        high = amount if band.upto is None or band.upto > amount else band.upto
        if high > low:
            total += (high - low) * band.ratio
            pieces.append((low, high, band.ratio))
        if band.upto is None or band.upto >= amount:
            break
        prev = band.upto
    return total, pieces


def _pieces_formula(pieces: list[tuple[Decimal, Decimal, Decimal]]) -> str:
    if not pieces:
        return "0(未超过起付线)"
    return " + ".join(f"({fmt(hi)} − {fmt(lo)}) × {pct(r)}" for lo, hi, r in pieces)


# ---- the estimate ----------------------------------------------------------------------


def _plan(policy: Policy, claim: Claim) -> Plan:
    plan = policy.plans.get(claim.plan)
    if plan is None and not policy.plans:
        raise PolicyDataError(
            f"{policy.region.name}目前只有说明文字,没有可计算的报销规则:"
            "可用 --policy-file 提供该地数据(格式见 README),或用 medins regions 查看可估算的地区"
        )
    if plan is None:
        known = "、".join(PLANS[p] for p in policy.plans) or "无"
        raise PolicyDataError(
            f"{policy.region.name}的数据没有{PLANS.get(claim.plan, claim.plan)}的规则(已有:{known}):"
            "换 --type,或用 --policy-file 提供该地数据",
            usage=bool(policy.plans),
        )
    return plan


def _section(policy: Policy, plan: Plan, claim: Claim) -> InpatientSection | OutpatientSection:
    section = plan.inpatient if claim.visit == "inpatient" else plan.outpatient
    if section is None:
        raise PolicyDataError(
            f"{policy.region.name}{PLANS[claim.plan]}的数据缺少{VISITS[claim.visit]}报销规则:"
            "换 --visit,或用 --policy-file 补充该地数据"
        )
    return section


def _validate_claim(claim: Claim) -> None:
    if claim.total <= 0:
        raise ClaimError("费用总额必须大于 0:请用 --amount 给出账单金额")
    for label, value in (
        ("全自费金额", claim.self_pay),
        ("乙类先行自付金额", claim.partial_self_pay),
        ("本年统筹已支付金额", claim.ytd_fund),
        ("本年门诊已发生金额", claim.ytd_outpatient),
    ):
        if value < 0:
            raise ClaimError(f"{label}不能为负数:请给出 0 或正数")
    if claim.self_pay + claim.partial_self_pay > claim.total:
        raise ClaimError(
            f"全自费({fmt(claim.self_pay)})加乙类先行自付({fmt(claim.partial_self_pay)})"
            f"超过了总额({fmt(claim.total)}):请检查 --self-pay / --partial-self-pay"
        )
    if not 1 <= claim.admission <= _MAX_ADMISSION:
        raise ClaimError(f"住院次数 --admission 应在 1 到 {_MAX_ADMISSION} 之间(收到 {claim.admission})")


def estimate(policy: Policy, claim: Claim, *, explain: bool = True) -> Breakdown:
    """Split one bill into fund_pay, critical_illness_pay and out_of_pocket.

    ``explain=False`` skips building the explanation lines (batch mode); figures are identical.
    """
    _validate_claim(claim)
    plan = _plan(policy, claim)
    section = _section(policy, plan, claim)
    tier = section.tiers.get(claim.tier)
    if tier is None:
        known = "、".join(f"{k}({TIERS[k]})" for k in section.tiers) or "无"
        raise PolicyDataError(
            f"{policy.region.name}{PLANS[claim.plan]}{VISITS[claim.visit]}没有「{TIERS.get(claim.tier, claim.tier)}」"
            f"医院的数据:可选 {known}",
            usage=True,
        )
    warnings: list[str] = []
    steps: list[Step] = []
    sources = [section.source]
    employee_retired = claim.retired and claim.plan == "employee"
    if claim.retired and not employee_retired:
        warnings.append("城乡居民医保不区分退休,已忽略 --retired")

    eligible = claim.total - claim.self_pay - claim.partial_self_pay
    if explain:
        steps.append(Step("eligible", "政策范围内费用",
                          f"{fmt(claim.total)} − 全自费 {fmt(claim.self_pay)} − 乙类先行自付 {fmt(claim.partial_self_pay)}",
                          eligible))

    # -- deductible
    if isinstance(section, InpatientSection):
        if claim.ytd_outpatient:
            warnings.append("--ytd-outpatient 只用于门诊统筹,住院已忽略")
        base = tier.deductible
        if base is None:
            warnings.append("数据没有该级医院的起付线,按 0 计算")
            base = ZERO
        deductible = apply_repeat_admission(base, section.repeat_admission, claim.admission)
        if explain:
            formula = f"{TIERS[claim.tier]}医院起付线 {fmt(base)}"
            rule = section.repeat_admission
            if claim.admission >= 2 and rule is not None:
                if rule.factor is not None:
                    formula += f" × {rule.factor.normalize():f}(第{claim.admission}次住院)"
                else:
                    formula += (f" − {fmt(rule.step or ZERO)} × {claim.admission - 1}(第{claim.admission}次住院,"
                                f"最低 {fmt(rule.floor or ZERO)})")
            steps.append(Step("deductible", "起付线", formula, deductible))
        if claim.admission >= 2 and section.repeat_admission is None:
            warnings.append("数据没有多次住院起付线的规则,按首次住院计算")
        cap = section.retiree_annual_cap if employee_retired and section.retiree_annual_cap is not None else section.annual_cap
    else:
        if claim.admission != 1:
            warnings.append("--admission 只用于住院,门诊已忽略")
        annual = section.annual_deductible
        if employee_retired and section.retiree_annual_deductible is not None:
            annual = section.retiree_annual_deductible
        if annual is None:
            warnings.append("数据没有门诊统筹年度起付线,按 0 计算")
            annual = ZERO
        deductible = round_fen(max(ZERO, annual - claim.ytd_outpatient))
        if explain:
            steps.append(Step("deductible", "门诊年度起付线剩余",
                              f"年度起付线 {fmt(annual)} − 本年已发生 {fmt(claim.ytd_outpatient)}(不低于 0)",
                              deductible))
        cap = section.retiree_annual_cap if employee_retired and section.retiree_annual_cap is not None else section.annual_cap

    # -- ratios
    bonus = section.retiree_bonus if employee_retired else ZERO
    remote_rule: RemoteRule | None = None
    remote_applied: str | None = None
    if claim.remote is not None:
        if plan.remote is not None and claim.remote in plan.remote.rules:
            remote_rule = plan.remote.rules[claim.remote]
            sources.append(plan.remote.source)
            how = (f"比例 × {remote_rule.factor.normalize():f}" if remote_rule.factor is not None
                   else f"比例减 {pct(remote_rule.ratio_minus or ZERO)}")
            remote_applied = f"{REMOTES[claim.remote]}:{how}"
        else:
            warnings.append(f"数据没有「{REMOTES[claim.remote]}」的比例规则,按本地比例估算,实际可能更低")
    bands = tuple(Band(b.upto, adjust_ratio(b.ratio, bonus, remote_rule)) for b in tier.bands)
    if tier.banded:
        ratio_note = "分段 " + " / ".join(
            (f"≤{fmt(b.upto)} {pct(b.ratio)}" if b.upto is not None else f"以上 {pct(b.ratio)}") for b in bands
        )
    else:
        ratio_note = pct(bands[0].ratio)
    if explain and (bonus or remote_rule is not None):
        parts = [pct(b.ratio) for b in tier.bands]
        formula = " / ".join(parts)
        if bonus:
            formula += f" + 退休加 {pct(bonus)}(不超过 100%)"
        if remote_applied:
            formula += f",{remote_applied}"
        steps.append(Step("ratio", "报销比例", f"{formula} → {ratio_note}", None))

    # -- fund pay
    raw, pieces = banded_pay(eligible, deductible, bands)
    if explain:
        steps.append(Step("fund_raw", "统筹基金(封顶前)", _pieces_formula(pieces), round_fen(raw)))
    cap_left: Decimal | None = None
    if cap is None:
        warnings.append("数据没有年度封顶线,未计封顶")
        fund_pay = round_fen(raw)
    else:
        cap_left = max(ZERO, cap - claim.ytd_fund)
        fund_pay = round_fen(min(raw, cap_left))
        if explain:
            steps.append(Step("fund_pay", "统筹基金支付",
                              f"min({fmt(raw)}, 年度封顶 {fmt(cap)} − 本年已付 {fmt(claim.ytd_fund)} = {fmt(cap_left)})",
                              fund_pay))
        if raw > cap_left:
            warnings.append(f"已达年度封顶线,统筹基金只能再付 {fmt(cap_left)} 元")

    # -- critical illness (大病保险 / 大额医疗补助), inpatient only
    ci_pay = ZERO
    ci: CriticalIllnessSection | None = plan.critical_illness if claim.visit == "inpatient" else None
    if ci is not None:
        sources.append(ci.source)
        burden = eligible - fund_pay
        ci_raw, ci_pieces = banded_pay(burden, ci.threshold, ci.bands)
        ci_pay = round_fen(ci_raw if ci.annual_cap is None else min(ci_raw, ci.annual_cap))
        if explain:
            steps.append(Step("critical_illness_pay", "大病保险",
                              f"个人负担政策内 {fmt(burden)},起付 {fmt(ci.threshold)}:{_pieces_formula(ci_pieces)}"
                              + (f",封顶 {fmt(ci.annual_cap)}" if ci.annual_cap is not None else ""),
                              ci_pay))
        if ci_pieces:
            warnings.append("大病保险起付线按全年累计计算,本估算只按这一张账单计")

    out_of_pocket = claim.total - fund_pay - ci_pay
    effective = ((fund_pay + ci_pay) / claim.total).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
    if explain:
        steps.append(Step("out_of_pocket", "个人负担",
                          f"{fmt(claim.total)} − 统筹 {fmt(fund_pay)} − 大病 {fmt(ci_pay)}", out_of_pocket))
        steps.append(Step("effective_ratio", "实际报销比例",
                          f"({fmt(fund_pay)} + {fmt(ci_pay)}) ÷ {fmt(claim.total)}", effective))

    return Breakdown(
        total=claim.total,
        self_pay=claim.self_pay,
        partial_self_pay=claim.partial_self_pay,
        eligible=eligible,
        deductible=deductible,
        fund_pay=fund_pay,
        critical_illness_pay=ci_pay,
        out_of_pocket=out_of_pocket,
        effective_ratio=effective,
        ratio_note=ratio_note,
        cap_left=cap_left,
        remote_applied=remote_applied,
        sources=tuple(dict.fromkeys(sources)),
        warnings=tuple(warnings),
        steps=tuple(steps),
    )


def split_payment(
    breakdown: Breakdown,
    balance: Decimal = ZERO,
    family: Decimal = ZERO,
    *,
    account_allowed: bool = True,
) -> Payment:
    """Who pays the person's share: personal account (up to ``balance``), then 家庭共济, then cash.

    ``account_allowed=False`` (resident plan, or inpatient care out of area) leaves it all to cash.
    The parts always add up to ``breakdown.total``.
    """
    if balance < 0 or family < 0:
        raise ClaimError("账户余额不能为负数:请给出 0 或正数")
    share = breakdown.out_of_pocket
    account = min(balance, share) if account_allowed else ZERO
    family_pay = min(family, share - account) if account_allowed else ZERO
    cash = share - account - family_pay
    return Payment(
        fund_pay=breakdown.fund_pay,
        critical_illness_pay=breakdown.critical_illness_pay,
        account_pay=account,
        family_pay=family_pay,
        cash_pay=cash,
        total=breakdown.total,
    )
