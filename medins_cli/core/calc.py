"""The calculation: a pure function from (policy, claim) to a :class:`Breakdown`.

Order of the steps (see README "计算规则"):
eligible → deductible (repeat admissions) → ratios (retiree bonus, out-of-area rule)
→ fund_pay (bands, annual cap left) → critical_illness_pay (大病, inpatient only)
→ out_of_pocket = total − fund_pay − critical_illness_pay.
Rounding half-up to the fen happens at the deductible, fund_pay and critical_illness_pay.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Sequence

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
    """0.84 → '84%', 0.609 → '60.9%', 0.84333… → '84.33%'."""
    text = f"{(ratio * 100).quantize(FEN, rounding=ROUND_HALF_UP).normalize():f}"
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
            f"{policy.region.name}的数据还没有可计算的报销规则(只有地区信息或说明文字):"
            + (f"请按当地医保局通知在 {policy.file} 的 plans 里填写数字(medins policy validate 检查)"
               if policy.origin in ("user", "file") else
               f"可用 medins policy init {policy.region.name} 按当地医保局通知填写(存进用户数据目录,覆盖内置数据),"
               "或用 --policy-file 提供该地数据;medins regions 列出可估算的地区")
        )
    if plan is None:
        known = "、".join(PLANS[p] for p in policy.plans) or "无"
        raise PolicyDataError(
            f"{policy.region.name}的数据没有{PLANS.get(claim.plan, claim.plan)}的规则(已有:{known}):"
            "换 --type,或用 --policy-file 提供该地数据",
            usage=bool(policy.plans),
        )
    return plan


def stale_warning(name: str, policy_year: int, this_year: int) -> str | None:
    """A warning when a policy describes a year already past (figures change every year)."""
    if policy_year >= this_year:
        return None
    return (f"{name}的数据是 {policy_year} 年的政策,现在已是 {this_year} 年,数字可能已调整:"
            "请以当地医保局最新通知为准")


def _section(policy: Policy, plan: Plan, claim: Claim) -> InpatientSection | OutpatientSection:
    section = plan.inpatient if claim.visit == "inpatient" else plan.outpatient
    if section is None:
        raise PolicyDataError(
            f"{policy.region.name}{PLANS[claim.plan]}的数据缺少{VISITS[claim.visit]}报销规则:"
            "换 --visit,或用 --policy-file 补充该地数据"
        )
    return section


def check_amounts(total: Decimal, self_pay: Decimal, partial_self_pay: Decimal, ytd_fund: Decimal,
                  ytd_outpatient: Decimal, admission: int) -> None:
    """Raise :class:`ClaimError` when a bill is impossible (checked before every estimate)."""
    if (total > 0 and self_pay >= 0 and partial_self_pay >= 0 and ytd_fund >= 0 and ytd_outpatient >= 0
            and self_pay + partial_self_pay <= total and 1 <= admission <= _MAX_ADMISSION):
        return  # the usual case, checked in one go (batch mode runs this per row)
    if total <= 0:
        raise ClaimError("费用总额必须大于 0:请给出账单金额(--amount,批量时为 amount 列)")
    for label, value in (
        ("全自费金额", self_pay),
        ("乙类先行自付金额", partial_self_pay),
        ("本年统筹已支付金额", ytd_fund),
        ("本年门诊已发生金额", ytd_outpatient),
    ):
        if value < 0:
            raise ClaimError(f"{label}不能为负数:请给出 0 或正数")
    if self_pay + partial_self_pay > total:
        raise ClaimError(
            f"全自费({fmt(self_pay)})加乙类先行自付({fmt(partial_self_pay)})"
            f"超过了总额({fmt(total)}):请检查 --self-pay / --partial-self-pay"
        )
    if not 1 <= admission <= _MAX_ADMISSION:
        raise ClaimError(f"住院次数 --admission 应在 1 到 {_MAX_ADMISSION} 之间(收到 {admission})")


def _validate_claim(claim: Claim) -> None:
    check_amounts(claim.total, claim.self_pay, claim.partial_self_pay, claim.ytd_fund, claim.ytd_outpatient,
                  claim.admission)


class Rule:
    """Everything one (policy, plan, visit, tier, retired, remote) fixes, worked out once.

    :func:`estimate` prepares one per call; batch mode keeps one per distinct combination
    and calls :meth:`figures` per row, so both run the same arithmetic. (A plain class with
    slots: cheaper to define at start-up than a NamedTuple.)
    """

    __slots__ = ("region", "plan", "visit", "tier", "base", "first_deductible", "repeat", "cap", "tier_bands",
                 "bands", "bonus", "remote_rule", "remote_applied", "ratio_note", "critical_illness", "sources",
                 "retired_ignored", "deductible_missing", "remote_missing")
    region: str
    plan: str
    visit: str
    tier: str
    base: Decimal  # inpatient: the tier's 起付线; outpatient: the annual 起付线 (0 when the data has none)
    first_deductible: Decimal  # the deductible of a first admission, or with nothing spent yet
    repeat: RepeatRule | None
    cap: Decimal | None
    tier_bands: tuple[Band, ...]  # as in the data
    bands: tuple[Band, ...]  # after the retiree bonus and the out-of-area rule
    bonus: Decimal
    remote_rule: RemoteRule | None
    remote_applied: str | None
    ratio_note: str
    critical_illness: CriticalIllnessSection | None
    sources: tuple[str, ...]
    retired_ignored: bool  # 城乡居民医保 with --retired
    deductible_missing: bool  # the data gives no 起付线
    remote_missing: bool  # --remote asked for a rule the data lacks

    def __init__(self, **fields: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, fields.pop(name))
        if fields:
            raise TypeError(f"unknown Rule fields: {', '.join(fields)}")

    @property
    def inpatient(self) -> bool:
        return self.visit == "inpatient"

    def deductible(self, admission: int, ytd_outpatient: Decimal) -> Decimal:
        """起付线 for this bill: the N-th admission's, or the annual outpatient one still unmet."""
        if self.visit == "inpatient":
            return self.first_deductible if admission < 2 else apply_repeat_admission(self.base, self.repeat, admission)
        if not ytd_outpatient:
            return self.first_deductible
        return round_fen(max(ZERO, self.base - ytd_outpatient))

    def figures(self, total: Decimal, self_pay: Decimal, partial_self_pay: Decimal, admission: int,
                ytd_fund: Decimal, ytd_outpatient: Decimal) -> Figures:
        """The arithmetic of one bill (amounts already checked by :func:`check_amounts`)."""
        eligible = total - self_pay - partial_self_pay
        deductible = self.first_deductible if admission < 2 and not ytd_outpatient else self.deductible(
            admission, ytd_outpatient)
        raw, pieces = banded_pay(eligible, deductible, self.bands)
        cap = self.cap
        if cap is None:
            cap_left = None
            fund_pay = round_fen(raw)
        else:
            cap_left = max(ZERO, cap - ytd_fund)
            fund_pay = round_fen(min(raw, cap_left))
        ci = self.critical_illness
        if ci is None:
            burden = None
            ci_pieces: list[tuple[Decimal, Decimal, Decimal]] = []
            ci_pay = ZERO
        else:
            burden = eligible - fund_pay
            ci_raw, ci_pieces = banded_pay(burden, ci.threshold, ci.bands)
            ci_pay = round_fen(ci_raw if ci.annual_cap is None else min(ci_raw, ci.annual_cap))
        effective = ((fund_pay + ci_pay) / total).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
        return Figures(eligible, deductible, raw, pieces, cap_left, fund_pay, burden, ci_pieces, ci_pay,
                       total - fund_pay - ci_pay, effective)


class Figures:
    """The figures of one bill, with the intermediate values the explanation shows."""

    __slots__ = ("eligible", "deductible", "fund_raw", "fund_pieces", "cap_left", "fund_pay", "ci_burden",
                 "ci_pieces", "critical_illness_pay", "out_of_pocket", "effective_ratio")

    def __init__(self, eligible: Decimal, deductible: Decimal, fund_raw: Decimal,
                 fund_pieces: list[tuple[Decimal, Decimal, Decimal]], cap_left: Decimal | None, fund_pay: Decimal,
                 ci_burden: Decimal | None, ci_pieces: list[tuple[Decimal, Decimal, Decimal]],
                 critical_illness_pay: Decimal, out_of_pocket: Decimal, effective_ratio: Decimal) -> None:
        self.eligible = eligible
        self.deductible = deductible
        self.fund_raw = fund_raw
        self.fund_pieces = fund_pieces
        self.cap_left = cap_left
        self.fund_pay = fund_pay
        self.ci_burden = ci_burden
        self.ci_pieces = ci_pieces
        self.critical_illness_pay = critical_illness_pay
        self.out_of_pocket = out_of_pocket
        self.effective_ratio = effective_ratio


def prepare_rule(policy: Policy, plan_key: str, visit: str, tier_key: str, retired: bool = False,
                 remote: str | None = None) -> Rule:
    """The :class:`Rule` for one kind of bill; raises :class:`PolicyDataError` when the data lacks it."""
    probe = Claim(total=ONE, tier=tier_key, plan=plan_key, visit=visit, retired=retired, remote=remote)
    plan = _plan(policy, probe)
    section = _section(policy, plan, probe)
    tier = section.tiers.get(tier_key)
    if tier is None:
        known = "、".join(f"{k}({TIERS[k]})" for k in section.tiers) or "无"
        raise PolicyDataError(
            f"{policy.region.name}{PLANS[plan_key]}{VISITS[visit]}没有「{TIERS.get(tier_key, tier_key)}」"
            f"医院的数据:可选 {known}",
            usage=True,
        )
    employee_retired = retired and plan_key == "employee"
    sources = [section.source]
    repeat: RepeatRule | None = None
    if isinstance(section, InpatientSection):
        base = tier.deductible
        repeat = section.repeat_admission
    else:
        base = section.annual_deductible
        if employee_retired and section.retiree_annual_deductible is not None:
            base = section.retiree_annual_deductible
    deductible_missing = base is None
    base = ZERO if base is None else base
    first = apply_repeat_admission(base, None, 1) if isinstance(section, InpatientSection) else round_fen(max(ZERO, base))
    cap = section.retiree_annual_cap if employee_retired and section.retiree_annual_cap is not None else section.annual_cap

    bonus = section.retiree_bonus if employee_retired else ZERO
    remote_rule: RemoteRule | None = None
    remote_applied: str | None = None
    remote_missing = False
    if remote is not None:
        if plan.remote is not None and remote in plan.remote.rules:
            remote_rule = plan.remote.rules[remote]
            sources.append(plan.remote.source)
            how = (f"比例 × {remote_rule.factor.normalize():f}" if remote_rule.factor is not None
                   else f"比例减 {pct(remote_rule.ratio_minus or ZERO)}")
            remote_applied = f"{REMOTES[remote]}:{how}"
        else:
            remote_missing = True
    bands = tuple(Band(b.upto, adjust_ratio(b.ratio, bonus, remote_rule)) for b in tier.bands)
    if tier.banded:
        ratio_note = "分段 " + " / ".join(
            (f"≤{fmt(b.upto)} {pct(b.ratio)}" if b.upto is not None else f"以上 {pct(b.ratio)}") for b in bands
        )
    else:
        ratio_note = pct(bands[0].ratio)
    ci = plan.critical_illness if visit == "inpatient" else None
    if ci is not None:
        sources.append(ci.source)
    return Rule(
        region=policy.region.name, plan=plan_key, visit=visit, tier=tier_key, base=base, first_deductible=first,
        repeat=repeat, cap=cap, tier_bands=tier.bands, bands=bands, bonus=bonus, remote_rule=remote_rule,
        remote_applied=remote_applied, ratio_note=ratio_note, critical_illness=ci,
        sources=tuple(dict.fromkeys(sources)), retired_ignored=retired and not employee_retired,
        deductible_missing=deductible_missing, remote_missing=remote_missing,
    )


def estimate(policy: Policy, claim: Claim, *, explain: bool = True) -> Breakdown:
    """Split one bill into fund_pay, critical_illness_pay and out_of_pocket.

    ``explain=False`` skips building the explanation lines (batch mode); figures are identical.
    """
    _validate_claim(claim)
    rule = prepare_rule(policy, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote)
    f = rule.figures(claim.total, claim.self_pay, claim.partial_self_pay, claim.admission, claim.ytd_fund,
                     claim.ytd_outpatient)
    return Breakdown(
        total=claim.total,
        self_pay=claim.self_pay,
        partial_self_pay=claim.partial_self_pay,
        eligible=f.eligible,
        deductible=f.deductible,
        fund_pay=f.fund_pay,
        critical_illness_pay=f.critical_illness_pay,
        out_of_pocket=f.out_of_pocket,
        effective_ratio=f.effective_ratio,
        ratio_note=rule.ratio_note,
        cap_left=f.cap_left,
        remote_applied=rule.remote_applied,
        sources=rule.sources,
        warnings=tuple(_warnings(rule, claim, f)),
        steps=tuple(_steps(rule, claim, f)) if explain else (),
    )


def _warnings(rule: Rule, claim: Claim, f: Figures) -> list[str]:
    warnings: list[str] = []
    if rule.retired_ignored:
        warnings.append("城乡居民医保不区分退休,已忽略 --retired")
    if rule.inpatient:
        if claim.ytd_outpatient:
            warnings.append("--ytd-outpatient 只用于门诊统筹,住院已忽略")
        if rule.deductible_missing:
            warnings.append("数据没有该级医院的起付线,按 0 计算")
        if claim.admission >= 2 and rule.repeat is None:
            warnings.append("数据没有多次住院起付线的规则,按首次住院计算")
    else:
        if claim.admission != 1:
            warnings.append("--admission 只用于住院,门诊已忽略")
        if rule.deductible_missing:
            warnings.append("数据没有门诊统筹年度起付线,按 0 计算")
    if rule.remote_missing:
        warnings.append(f"数据没有「{REMOTES[claim.remote or '']}」的比例规则,按本地比例估算,实际可能更低")
    if f.cap_left is None:
        warnings.append("数据没有年度封顶线,未计封顶")
    elif f.fund_raw > f.cap_left:
        warnings.append(f"已达年度封顶线,统筹基金只能再付 {fmt(f.cap_left)} 元")
    if f.ci_pieces:
        warnings.append("大病保险起付线按全年累计计算,本估算只按这一张账单计")
    return warnings


def _steps(rule: Rule, claim: Claim, f: Figures) -> list[Step]:
    steps = [Step("eligible", "政策范围内费用",
                  f"{fmt(claim.total)} − 全自费 {fmt(claim.self_pay)} − 乙类先行自付 {fmt(claim.partial_self_pay)}",
                  f.eligible)]
    if rule.inpatient:
        formula = f"{TIERS[claim.tier]}医院起付线 {fmt(rule.base)}"
        repeat = rule.repeat
        if claim.admission >= 2 and repeat is not None:
            if repeat.factor is not None:
                formula += f" × {repeat.factor.normalize():f}(第{claim.admission}次住院)"
            else:
                formula += (f" − {fmt(repeat.step or ZERO)} × {claim.admission - 1}(第{claim.admission}次住院,"
                            f"最低 {fmt(repeat.floor or ZERO)})")
        steps.append(Step("deductible", "起付线", formula, f.deductible))
    else:
        steps.append(Step("deductible", "门诊年度起付线剩余",
                          f"年度起付线 {fmt(rule.base)} − 本年已发生 {fmt(claim.ytd_outpatient)}(不低于 0)",
                          f.deductible))
    if rule.bonus or rule.remote_rule is not None:
        formula = " / ".join(pct(b.ratio) for b in rule.tier_bands)
        if rule.bonus:
            formula += f" + 退休加 {pct(rule.bonus)}(不超过 100%)"
        if rule.remote_applied:
            formula += f",{rule.remote_applied}"
        steps.append(Step("ratio", "报销比例", f"{formula} → {rule.ratio_note}", None))
    steps.append(Step("fund_raw", "统筹基金(封顶前)", _pieces_formula(f.fund_pieces), round_fen(f.fund_raw)))
    if rule.cap is not None and f.cap_left is not None:
        steps.append(Step("fund_pay", "统筹基金支付",
                          f"min({fmt(f.fund_raw)}, 年度封顶 {fmt(rule.cap)} − 本年已付 {fmt(claim.ytd_fund)} = "
                          f"{fmt(f.cap_left)})",
                          f.fund_pay))
    ci = rule.critical_illness
    if ci is not None and f.ci_burden is not None:
        steps.append(Step("critical_illness_pay", "大病保险",
                          f"个人负担政策内 {fmt(f.ci_burden)},起付 {fmt(ci.threshold)}:{_pieces_formula(f.ci_pieces)}"
                          + (f",封顶 {fmt(ci.annual_cap)}" if ci.annual_cap is not None else ""),
                          f.critical_illness_pay))
    steps.append(Step("out_of_pocket", "个人负担",
                      f"{fmt(claim.total)} − 统筹 {fmt(f.fund_pay)} − 大病 {fmt(f.critical_illness_pay)}",
                      f.out_of_pocket))
    steps.append(Step("effective_ratio", "实际报销比例",
                      f"({fmt(f.fund_pay)} + {fmt(f.critical_illness_pay)}) ÷ {fmt(claim.total)}",
                      f.effective_ratio))
    return steps


def split_payment(
    breakdown: Breakdown,
    balance: Decimal = ZERO,
    family: Decimal = ZERO,
    *,
    account_allowed: bool = True,
    family_allowed: bool | None = None,
) -> Payment:
    """Who pays the person's share: personal account (up to ``balance``), then 家庭共济, then cash.

    The account, and 家庭共济 (which spends a relative's account), pay only the policy-range part
    of the share (:func:`account_payable`): 全自费 costs outside the catalogue are always cash.
    ``account_allowed=False`` (e.g. inpatient care out of area) leaves the account out;
    ``family_allowed`` defaults to the same. A resident plan has no account (``account_allowed=False``)
    but may still use a relative's (``family_allowed=True``). The parts always add up to ``breakdown.total``.
    """
    if balance < 0 or family < 0:
        raise ClaimError("账户余额不能为负数:请给出 0 或正数")
    if family_allowed is None:
        family_allowed = account_allowed
    share = breakdown.out_of_pocket
    payable = account_payable(breakdown)
    account = min(balance, payable) if account_allowed else ZERO
    family_pay = min(family, payable - account) if family_allowed else ZERO
    cash = share - account - family_pay
    return Payment(
        fund_pay=breakdown.fund_pay,
        critical_illness_pay=breakdown.critical_illness_pay,
        account_pay=account,
        family_pay=family_pay,
        cash_pay=cash,
        total=breakdown.total,
    )


def account_payable(breakdown: Breakdown) -> Decimal:
    """The part of the person's share a personal account may pay: 个人负担 − 全自费 (the policy-range
    share: 起付线, 自付比例, 乙类先行自付). Costs outside the policy range cannot be settled from it."""
    return max(breakdown.out_of_pocket - breakdown.self_pay, ZERO)
