"""The calculation: a pure function from (policy, claim) to a :class:`Breakdown`.

Order of the steps (see README "计算规则"):
eligible → deductible (repeat admissions; outpatient: the annual one left, plus per visit)
→ ratios (retiree bonus, per tier or per section; out-of-area rule) → fund_pay (bands, annual
cap left) → critical_illness_pay (inpatient only: 大病 on the year's burden above a threshold,
or 大额 on the costs above the point where the basic fund reached its cap)
→ out_of_pocket = total − fund_pay − critical_illness_pay.
Rounding half-up to the fen happens at the deductible, fund_pay and critical_illness_pay; the
cap point of 大额 is solved exactly (fractions), never rounded.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Sequence

from medins_cli.core.errors import ClaimError, PolicyDataError
from medins_cli.core.model import (
    Band,
    Breakdown,
    Claim,
    CriticalIllnessSection,
    InpatientSection,
    Limit,
    OutpatientSection,
    Payment,
    Plan,
    Policy,
    RemoteRule,
    RepeatRule,
    Step,
    TierRule,
)
from medins_cli.core.money import FEN, ONE, ZERO, round_fen, round_fen_exact
from medins_cli.core.names import PLANS, REMOTES, TIERS, VISITS

if TYPE_CHECKING:  # fractions is imported only when 大额 above the cap is computed (start-up stays lean)
    from fractions import Fraction

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
    if rule.factors:
        return round_fen(deductible * rule.factors[min(admission - 2, len(rule.factors) - 1)])
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


Piece = tuple[Decimal, Decimal, Decimal]  # (low, high, ratio) of one band that paid


def banded_pay(amount: Decimal, start: Decimal, bands: Sequence[Band]) -> tuple[Decimal, list[Piece]]:
    """Pay ``ratio`` on each band's part of ``amount`` above ``start``.

    Band limits are absolute on the amount's own scale; the part below ``start`` pays nothing.
    Returns the unrounded sum and the (low, high, ratio) pieces that paid.
    """
    total = ZERO
    pieces: list[Piece] = []
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


def cap_point(start: Decimal, bands: Sequence[Band], cap_left: Decimal) -> Fraction | None:
    """The smallest policy-range amount at which the basic fund (``bands`` paid above ``start``,
    as :func:`banded_pay`) reaches ``cap_left``: exact, as a Fraction; None if it never does."""
    from fractions import Fraction

    # With the cap already used up (need 0) the point is where the fund would start paying: the
    # deductible stays the person's, so the figures are continuous as the year's fund nears its cap.
    need = max(Fraction(cap_left), Fraction(0))
    prev = ZERO
    for band in bands:
        low = start if start > prev else prev
        if band.upto is None or band.upto > low:
            if band.ratio > 0:
                reach = Fraction(low) + need / Fraction(band.ratio)
                if band.upto is None or reach <= band.upto:
                    return reach
                need -= (Fraction(band.upto) - Fraction(low)) * Fraction(band.ratio)
        if band.upto is None:
            return None
        prev = band.upto
    return None


def banded_pay_exact(amount: Fraction, bands: Sequence[Band]) -> tuple[Fraction, list[Piece]]:
    """Like :func:`banded_pay` from 0, on an exact amount (the 大额 base above the cap point);
    the pieces are rounded to the fen for display only."""
    from fractions import Fraction

    total = Fraction(0)
    pieces: list[Piece] = []
    prev = Fraction(0)
    for band in bands:
        high = amount if band.upto is None or band.upto > amount else Fraction(band.upto)
        if high > prev:
            total += (high - prev) * Fraction(band.ratio)
            pieces.append((round_fen_exact(prev), round_fen_exact(high), band.ratio))
        if band.upto is None or band.upto >= amount:
            break
        prev = Fraction(band.upto)
    return total, pieces


def _pieces_formula(pieces: list[Piece], none: str = "0(未超过起付线)") -> str:
    if not pieces:
        return none
    return " + ".join(f"({fmt(hi)} − {fmt(lo)}) × {pct(r)}" for lo, hi, r in pieces)


def _yuan(value: Fraction) -> Decimal:
    """An exact amount shown to the fen (display only: the figures use the exact value)."""
    return round_fen_exact(value)


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
                  ytd_outpatient: Decimal, admission: int, ytd_burden: Decimal = ZERO,
                  ytd_critical: Decimal = ZERO) -> None:
    """Raise :class:`ClaimError` when a bill is impossible (checked before every estimate)."""
    if (total > 0 and self_pay >= 0 and partial_self_pay >= 0 and ytd_fund >= 0 and ytd_outpatient >= 0
            and ytd_burden >= 0 and ytd_critical >= 0
            and self_pay + partial_self_pay <= total and 1 <= admission <= _MAX_ADMISSION):
        return  # the usual case, checked in one go (batch mode runs this per row)
    if total <= 0:
        raise ClaimError("费用总额必须大于 0:请给出账单金额(--amount,批量时为 amount 列)")
    for label, value in (
        ("全自费金额", self_pay),
        ("乙类先行自付金额", partial_self_pay),
        ("本年统筹已支付金额", ytd_fund),
        ("本年门诊已发生金额", ytd_outpatient),
        ("本年政策内个人负担", ytd_burden),
        ("本年大病/大额已支付金额", ytd_critical),
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
                  claim.admission, claim.ytd_burden, claim.ytd_critical)


def critical_illness_name(ci: CriticalIllnessSection | None, plan: str) -> str:
    """What a bill's 大病 line is called: the section's own name, else by plan."""
    if ci is not None and ci.name:
        return ci.name
    return "大额医疗补助" if plan == "employee" else "大病保险"


class Rule:
    """Everything one (policy, plan, visit, tier, retired, remote) fixes, worked out once.

    :func:`estimate` prepares one per call; batch mode keeps one per distinct combination
    and calls :meth:`figures` per row, so both run the same arithmetic. (A plain class with
    slots: cheaper to define at start-up than a NamedTuple.)
    """

    __slots__ = ("region", "plan", "visit", "tier", "base", "first_deductible", "visit_deductible",
                 "repeat", "cap", "tier_bands", "bands", "bonus", "remote_rule", "remote_applied", "ratio_note",
                 "critical_illness", "ci_name", "sources", "bound_reasons", "warnings", "notes")
    region: str
    plan: str
    visit: str
    tier: str  # the tier whose figures are used
    base: Decimal  # inpatient: the tier's 起付线; outpatient: the annual 起付线 (0 when the data has none)
    first_deductible: Decimal  # the deductible of a first admission, or with nothing spent yet
    visit_deductible: Decimal  # outpatient: the per-visit 起付线 (0 when none)
    repeat: RepeatRule | None
    cap: Decimal | None
    tier_bands: tuple[Band, ...]  # as in the data
    bands: tuple[Band, ...]  # after the retiree bonus and the out-of-area rule
    bonus: Decimal
    remote_rule: RemoteRule | None
    remote_applied: str | None
    ratio_note: str
    critical_illness: CriticalIllnessSection | None
    ci_name: str
    sources: tuple[str, ...]
    bound_reasons: tuple[str, ...]  # missing figures that make insurance's share an upper bound (when it pays)
    warnings: tuple[str, ...]  # what every other bill of this kind is told
    notes: tuple[str, ...]  # the notes of the sections used

    def __init__(self, **fields: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, fields.pop(name))
        if fields:
            raise TypeError(f"unknown Rule fields: {', '.join(fields)}")

    @property
    def inpatient(self) -> bool:
        return self.visit == "inpatient"

    def deductible(self, admission: int, ytd_outpatient: Decimal) -> Decimal:
        """起付线 for this bill: the N-th admission's, or what is left of the annual outpatient one
        (plus the per-visit one)."""
        if self.visit == "inpatient":
            return self.first_deductible if admission < 2 else apply_repeat_admission(self.base, self.repeat, admission)
        if not ytd_outpatient:
            return self.first_deductible
        return round_fen(max(ZERO, self.base - ytd_outpatient)) + self.visit_deductible

    def figures(self, total: Decimal, self_pay: Decimal, partial_self_pay: Decimal, admission: int,
                ytd_fund: Decimal, ytd_outpatient: Decimal, ytd_burden: Decimal = ZERO,
                ytd_critical: Decimal = ZERO) -> Figures:
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
        f = Figures(eligible, deductible, raw, pieces, cap_left, fund_pay)
        ci = self.critical_illness
        if ci is not None:
            if ci.annual_cap is not None:
                f.ci_cap_left = max(ZERO, ci.annual_cap - ytd_critical)
            if ci.mode == "above_cap":
                self._above_cap(f, ci)
            else:
                self._on_burden(f, ci, partial_self_pay, ytd_burden)
        f.out_of_pocket = total - fund_pay - f.critical_illness_pay
        f.effective_ratio = ((fund_pay + f.critical_illness_pay) / total).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
        return f

    def _on_burden(self, f: Figures, ci: CriticalIllnessSection, partial_self_pay: Decimal,
                   ytd_burden: Decimal) -> None:
        """大病 on the year's burden: bands on the part of [B0, B1] above the threshold."""
        burden = f.eligible - f.fund_pay
        if ci.includes_partial_self_pay:
            burden += partial_self_pay
        f.ci_burden = burden
        f.ci_from, f.ci_to = ytd_burden, ytd_burden + burden
        start = ci.threshold if ci.threshold > ytd_burden else ytd_burden
        ci_raw, f.ci_pieces = banded_pay(f.ci_to, start, ci.bands)
        f.ci_raw = ci_raw
        f.critical_illness_pay = round_fen(ci_raw if f.ci_cap_left is None else min(ci_raw, f.ci_cap_left))

    def _above_cap(self, f: Figures, ci: CriticalIllnessSection) -> None:
        """大额 above the cap: bands on the policy-range costs beyond the point X where the basic
        fund reached what was left of its annual cap."""
        from fractions import Fraction

        if f.cap_left is None or f.fund_raw < f.cap_left:
            return  # no cap in the data (a warning says so), or the cap is not reached: base 0
        point = cap_point(f.deductible, self.bands, f.cap_left)
        if point is None:  # cannot happen when the uncapped fund reaches the cap; kept safe
            return
        base = max(Fraction(f.eligible) - point, Fraction(0))  # a bill below the deductible: nothing above X
        f.cap_point, f.ci_base = point, base
        exact, f.ci_pieces = banded_pay_exact(base, ci.bands)
        f.ci_raw = _yuan(exact)
        if f.ci_cap_left is not None and exact > f.ci_cap_left:
            exact = Fraction(f.ci_cap_left)
        f.critical_illness_pay = round_fen_exact(exact)


class Figures:
    """The figures of one bill, with the intermediate values the explanation shows."""

    __slots__ = ("eligible", "deductible", "fund_raw", "fund_pieces", "cap_left", "fund_pay", "ci_burden", "ci_from",
                 "ci_to", "cap_point", "ci_base", "ci_pieces", "ci_raw", "ci_cap_left", "critical_illness_pay",
                 "out_of_pocket", "effective_ratio")

    def __init__(self, eligible: Decimal, deductible: Decimal, fund_raw: Decimal, fund_pieces: list[Piece],
                 cap_left: Decimal | None, fund_pay: Decimal) -> None:
        self.eligible = eligible
        self.deductible = deductible
        self.fund_raw = fund_raw
        self.fund_pieces = fund_pieces
        self.cap_left = cap_left
        self.fund_pay = fund_pay
        self.ci_burden: Decimal | None = None  # on_burden: this bill's burden
        self.ci_from: Decimal | None = None  # on_burden: the year's burden before (B0) and after (B1) this bill
        self.ci_to: Decimal | None = None
        self.cap_point: Fraction | None = None  # above_cap: where the basic fund reached its cap (X)
        self.ci_base: Fraction | None = None  # above_cap: eligible − X
        self.ci_pieces: list[Piece] = []
        self.ci_raw = ZERO  # before its cap
        self.ci_cap_left: Decimal | None = None
        self.critical_illness_pay = ZERO
        self.out_of_pocket = ZERO
        self.effective_ratio = ZERO


def _tier_rule(policy: Policy, section: InpatientSection | OutpatientSection, plan_key: str, visit: str,
               tier_key: str) -> tuple[str, TierRule]:
    """The tier asked for; 三甲 (``3a``) without its own figures falls back to 三级."""
    tier = section.tiers.get(tier_key)
    if tier is None and tier_key == "3a" and "3" in section.tiers:
        return "3", section.tiers["3"]
    if tier is None:
        known = "、".join(f"{k}({TIERS.get(k, k)})" for k in section.tiers) or "无"
        raise PolicyDataError(
            f"{policy.region.name}{PLANS[plan_key]}{VISITS[visit]}没有「{TIERS.get(tier_key, tier_key)}」"
            f"医院的数据:可选 {known}",
            usage=True,
        )
    return tier_key, tier


def tier_source_note(policy: Policy, tier_key: str, source_id: str) -> str:
    """Says which of a tier's figures come from its own source (e.g. the user's settlement slip)."""
    src = policy.sources.get(source_id)
    title = src.title if src is not None else source_id
    what = f":{src.note}" if src is not None and src.note else ""
    return f"{TIERS.get(tier_key, tier_key)}医院的数字有一部分来自「{title}」{what}"


def prepare_rule(policy: Policy, plan_key: str, visit: str, tier_key: str, retired: bool = False,
                 remote: str | None = None) -> Rule:
    """The :class:`Rule` for one kind of bill; raises :class:`PolicyDataError` when the data lacks it."""
    probe = Claim(total=ONE, tier=tier_key, plan=plan_key, visit=visit, retired=retired, remote=remote)
    plan = _plan(policy, probe)
    section = _section(policy, plan, probe)
    used_tier, tier = _tier_rule(policy, section, plan_key, visit, tier_key)
    employee_retired = retired and plan_key == "employee"
    inpatient = isinstance(section, InpatientSection)
    sources = [section.source]
    notes = [section.note] if section.note else []
    if tier.source is not None and tier.source != section.source:
        sources.append(tier.source)  # the section's source still gives the cap, bonus, repeat rule …
        notes.append(tier_source_note(policy, used_tier, tier.source))
    bounds: list[str] = []
    others: list[str] = []
    repeat: RepeatRule | None = None
    visit_deductible = ZERO
    if isinstance(section, InpatientSection):
        base = tier.deductible
        repeat = section.repeat_admission
        if base is None:
            bounds.append(f"数据没有{TIERS[used_tier]}医院的住院起付线,按 0 计算:统筹支付是上限,实际会更少")
    else:
        base = section.annual_deductible
        if employee_retired and section.retiree_annual_deductible is not None:
            base = section.retiree_annual_deductible
        visit_deductible = tier.visit_deductible or ZERO
        if base is None and tier.visit_deductible is None:
            bounds.append("数据没有门诊统筹起付线(年度或每次),按 0 计算:统筹支付是上限,实际会更少")
    base = ZERO if base is None else base
    first = (apply_repeat_admission(base, None, 1) if inpatient
             else round_fen(max(ZERO, base)) + visit_deductible)
    cap = section.retiree_annual_cap if employee_retired and section.retiree_annual_cap is not None else section.annual_cap
    if cap is None:
        bounds.append(f"数据没有{'住院' if inpatient else '门诊统筹'}年度封顶线,未计封顶:统筹支付是上限,实际可能更少")

    section_bonus = section.retiree_bonus
    bonus = (tier.retiree_bonus if tier.retiree_bonus is not None else section_bonus) if employee_retired else ZERO
    remote_rule: RemoteRule | None = None
    remote_applied: str | None = None
    if remote is not None:
        if plan.remote is not None and plan.remote.note:
            notes.append(plan.remote.note)
        if plan.remote is not None and remote in plan.remote.rules:
            remote_rule = plan.remote.rules[remote]
            sources.append(plan.remote.source)
            how = (f"比例 × {remote_rule.factor.normalize():f}" if remote_rule.factor is not None
                   else f"比例减 {pct(remote_rule.ratio_minus or ZERO)}")
            remote_applied = f"{REMOTES[remote]}:{how}"
        else:
            bounds.append(f"数据没有「{REMOTES[remote]}」的比例规则,按本地比例估算:统筹支付是上限,实际可能更低")
    bands = tuple(Band(b.upto, adjust_ratio(b.ratio, bonus, remote_rule)) for b in tier.bands)
    if tier.banded:
        ratio_note = "分段 " + " / ".join(
            (f"≤{fmt(b.upto)} {pct(b.ratio)}" if b.upto is not None else f"以上 {pct(b.ratio)}") for b in bands
        )
    else:
        ratio_note = pct(bands[0].ratio)
    if retired and not employee_retired:
        others.append("城乡居民医保不区分退休,已忽略 --retired")
    if used_tier != tier_key:
        others.append("该地数据没有单列三级甲等医院,按三级医院的起付线和比例计算")
    if all(b.ratio == 0 for b in tier.bands):
        others.append(f"该地数据中{TIERS[used_tier]}医院的{VISITS[visit]}报销比例为 0:这一级医院不纳入统筹,"
                      "政策内费用也由个人负担")
    ci = plan.critical_illness if inpatient else None
    if ci is not None:
        sources.append(ci.source)
        if ci.note:
            notes.append(ci.note)
        if ci.mode == "above_cap" and cap is None:
            others.append(f"{critical_illness_name(ci, plan_key)}按超过基本统筹封顶线的部分支付,"
                          "但数据没有封顶线:按 0 计")
    return Rule(
        region=policy.region.name, plan=plan_key, visit=visit, tier=used_tier, base=base,
        first_deductible=first, visit_deductible=visit_deductible, repeat=repeat, cap=cap, tier_bands=tier.bands,
        bands=bands, bonus=bonus, remote_rule=remote_rule, remote_applied=remote_applied, ratio_note=ratio_note,
        critical_illness=ci, ci_name=critical_illness_name(ci, plan_key), sources=tuple(dict.fromkeys(sources)),
        bound_reasons=tuple(bounds), warnings=tuple(others), notes=tuple(dict.fromkeys(notes)),
    )


def estimate(policy: Policy, claim: Claim, *, explain: bool = True) -> Breakdown:
    """Split one bill into fund_pay, critical_illness_pay and out_of_pocket.

    ``explain=False`` skips building the explanation lines (batch mode); figures are identical.
    """
    _validate_claim(claim)
    rule = prepare_rule(policy, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote)
    f = rule.figures(claim.total, claim.self_pay, claim.partial_self_pay, claim.admission, claim.ytd_fund,
                     claim.ytd_outpatient, claim.ytd_burden, claim.ytd_critical)
    bound, warnings = bill_outcome(rule, claim.admission, claim.ytd_outpatient, claim.ytd_burden, claim.ytd_critical, f)
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
        warnings=warnings,
        steps=tuple(_steps(rule, claim, f)) if explain else (),
        bound=bound,
        notes=rule.notes,
        tier=rule.tier,
        critical_illness_name=rule.ci_name,
        limits=_limits(rule, claim, f),
    )


def _limits(rule: Rule, claim: Claim, f: Figures) -> tuple[Limit, ...]:
    """How much of the year's limits is used once this bill is paid (for bars and scripts)."""
    out = []
    if rule.cap is not None:
        label = "统筹基金年度封顶线" if rule.inpatient else "门诊统筹年度限额"
        out.append(Limit("fund_cap", label, claim.ytd_fund + f.fund_pay, rule.cap))
    ci = rule.critical_illness
    if ci is not None:
        if ci.mode == "on_burden" and ci.threshold and f.ci_to is not None:
            out.append(Limit("critical_illness_threshold", f"{rule.ci_name}起付线(本年政策内个人负担)", f.ci_to,
                             ci.threshold))
        if ci.annual_cap is not None:
            out.append(Limit("critical_illness_cap", f"{rule.ci_name}年度封顶线",
                             claim.ytd_critical + f.critical_illness_pay, ci.annual_cap))
    return tuple(out)


def bill_outcome(rule: Rule, admission: int, ytd_outpatient: Decimal, ytd_burden: Decimal, ytd_critical: Decimal,
                 f: Figures) -> tuple[str | None, tuple[str, ...]]:
    """This bill's bound ("upper" or None) and its warnings, the upper-bound reasons first (batch
    mode calls it per row). A bound is said only where it can bite: a payout of 0 cannot be less,
    and a 大病 section without an annual cap matters only when 大病 pays."""
    reasons = list(rule.bound_reasons)
    ci = rule.critical_illness
    if ci is not None and ci.annual_cap is None and f.critical_illness_pay > 0:
        reasons.append(f"数据没有{rule.ci_name}年度封顶线,未计封顶:{rule.ci_name}支付是上限,实际可能更少")
    if not f.fund_pay and not f.critical_illness_pay:
        reasons = []  # nothing paid: no missing figure can make it less
    warnings = tuple(reasons) + rule.warnings + tuple(_bill_warnings(rule, admission, ytd_outpatient, ytd_burden,
                                                                     ytd_critical, f))
    return ("upper" if reasons else None), warnings


def _bill_warnings(rule: Rule, admission: int, ytd_outpatient: Decimal, ytd_burden: Decimal, ytd_critical: Decimal,
                   f: Figures) -> list[str]:
    """What this one bill adds to the rule's warnings."""
    warnings: list[str] = []
    ci = rule.critical_illness
    if rule.inpatient:
        if ytd_outpatient:
            warnings.append("--ytd-outpatient 只用于门诊统筹,住院已忽略")
        if admission >= 2 and rule.repeat is None:
            warnings.append("数据没有多次住院起付线的规则,按首次住院计算")
    else:
        if admission != 1:
            warnings.append("--admission 只用于住院,门诊已忽略")
        if ytd_burden or ytd_critical:
            warnings.append("--ytd-burden / --ytd-critical 只用于住院的大病保险,门诊已忽略")
    if f.cap_left is not None and f.fund_raw > f.cap_left:
        warnings.append(f"已达年度封顶线,统筹基金只能再付 {fmt(f.cap_left)} 元")
        if rule.inpatient and ci is None:
            warnings.append(f"数据没有{rule.ci_name}的规则:超过封顶线的费用可能还有它支付,医保实际可能付得更多")
    if ci is not None:
        if ci.mode == "above_cap" and ytd_burden:
            warnings.append(f"{rule.ci_name}按超过封顶线的费用支付,不看个人负担:已忽略 --ytd-burden")
        if f.ci_cap_left is not None and f.ci_raw > f.ci_cap_left:
            warnings.append(f"已达{rule.ci_name}年度封顶线,只能再付 {fmt(f.ci_cap_left)} 元")
        if ci.mode == "on_burden" and f.ci_pieces and not ytd_burden:
            warnings.append(f"{rule.ci_name}起付线按全年累计:本年此前的政策内个人负担请用 --ytd-burden 给出,"
                            "这里按这张账单是本年第一笔计算")
    return warnings


def _steps(rule: Rule, claim: Claim, f: Figures) -> list[Step]:
    steps = [Step("eligible", "政策范围内费用",
                  f"{fmt(claim.total)} − 全自费 {fmt(claim.self_pay)} − 乙类先行自付 {fmt(claim.partial_self_pay)}",
                  f.eligible)]
    if rule.inpatient:
        formula = f"{TIERS[rule.tier]}医院起付线 {fmt(rule.base)}"
        repeat = rule.repeat
        if claim.admission >= 2 and repeat is not None:
            if repeat.factors:
                factor = repeat.factors[min(claim.admission - 2, len(repeat.factors) - 1)]
                formula += f" × {factor.normalize():f}(第{claim.admission}次住院)"
            elif repeat.factor is not None:
                formula += f" × {repeat.factor.normalize():f}(第{claim.admission}次住院)"
            else:
                formula += (f" − {fmt(repeat.step or ZERO)} × {claim.admission - 1}(第{claim.admission}次住院,"
                            f"最低 {fmt(repeat.floor or ZERO)})")
        steps.append(Step("deductible", "起付线", formula, f.deductible))
    else:
        formula = f"年度起付线 {fmt(rule.base)} − 本年已发生 {fmt(claim.ytd_outpatient)}(不低于 0)"
        if rule.visit_deductible:
            formula += f" + 每次就诊起付线 {fmt(rule.visit_deductible)}"
        steps.append(Step("deductible", "门诊起付线(本年剩余" + (" + 每次" if rule.visit_deductible else "") + ")",
                          formula, f.deductible))
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
    if ci is not None:
        steps += _ci_steps(rule, ci, claim, f)
    steps.append(Step("out_of_pocket", "个人负担",
                      f"{fmt(claim.total)} − 统筹 {fmt(f.fund_pay)} − {rule.ci_name} {fmt(f.critical_illness_pay)}",
                      f.out_of_pocket))
    steps.append(Step("effective_ratio", "实际报销比例",
                      f"({fmt(f.fund_pay)} + {fmt(f.critical_illness_pay)}) ÷ {fmt(claim.total)}",
                      f.effective_ratio))
    return steps


def _ci_cap_text(ci: CriticalIllnessSection, claim: Claim, f: Figures) -> str:
    if ci.annual_cap is None or f.ci_cap_left is None:
        return ""
    return f",封顶 {fmt(ci.annual_cap)} − 本年已付 {fmt(claim.ytd_critical)} = {fmt(f.ci_cap_left)}"


def _ci_steps(rule: Rule, ci: CriticalIllnessSection, claim: Claim, f: Figures) -> list[Step]:
    name = rule.ci_name
    if ci.mode == "above_cap":
        if f.cap_left is None:
            return [Step("critical_illness_pay", name, "数据没有基本统筹封顶线,算不出从哪里开始付:按 0 计", ZERO)]
        if f.cap_point is None or f.ci_base is None:
            return [Step("critical_illness_pay", name,
                         f"统筹基金(封顶前)合计 {fmt(f.fund_raw)} 未达到封顶剩余 {fmt(f.cap_left)}:超过封顶线的费用为 0",
                         ZERO)]
        return [
            Step("cap_point", "统筹基金用完封顶时的政策内费用",
                 f"起付线 {fmt(f.deductible)} 以上按 {rule.ratio_note} 累计,到 {fmt(_yuan(f.cap_point))} 时达到"
                 f"封顶剩余 {fmt(f.cap_left)}(按精确值计算)", _yuan(f.cap_point)),
            Step("critical_illness_base", f"{name}的基数(超过封顶线的政策内费用)",
                 f"{fmt(f.eligible)} − {fmt(_yuan(f.cap_point))}", _yuan(f.ci_base)),
            Step("critical_illness_pay", name,
                 _pieces_formula(f.ci_pieces, "0") + _ci_cap_text(ci, claim, f), f.critical_illness_pay),
        ]
    burden = "个人负担政策内" + ("(含乙类先行自付)" if ci.includes_partial_self_pay else "")
    position = (f"本年累计 {fmt(f.ci_from or ZERO)} → {fmt(f.ci_to or ZERO)}(这张账单 {fmt(f.ci_burden or ZERO)})"
                if claim.ytd_burden else f"{fmt(f.ci_burden or ZERO)}")
    return [Step("critical_illness_pay", name,
                 f"{burden} {position},起付 {fmt(ci.threshold)}:{_pieces_formula(f.ci_pieces)}"
                 + _ci_cap_text(ci, claim, f), f.critical_illness_pay)]


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
