"""A slip against the policy: line by line with the estimate, a reason for each difference where one
can be found, and the figures the slip implies (its deductible and ratio).

Pure: the command hands over the policy, the claim (the slip's bill and context) and the slip's
:class:`~medins_cli.core.slip.Tally`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import NamedTuple

from medins_cli.core.arith import banded_pay, pct
from medins_cli.core.benefits.critical_illness import CIRule
from medins_cli.core.engine import Rule, estimate, prepare
from medins_cli.core.errors import CoreError
from medins_cli.core.messages import Msg
from medins_cli.core.model import FIRST, Band, Bill, Breakdown, Claim, Policy, YearSoFar
from medins_cli.core.money import ZERO, money, round_fen
from medins_cli.core.names import REMOTES, TIERS
from medins_cli.core.slip import Tally


class Line(NamedTuple):
    """One line of slip vs estimate; ``difference`` is slip − estimate."""

    key: str
    label: str
    slip: Decimal | None
    estimate: Decimal | None
    difference: Decimal | None
    reason: str | None = None


class Implied(NamedTuple):
    """What a slip says about the policy's figures for its kind of bill."""

    deductible: Decimal | None  # as printed, or inferred (then ``deductible_printed`` is False)
    deductible_printed: bool
    ratio: Decimal | None  # the basic fund's ratio as applied on this slip (with any retiree bonus)
    band: int | None  # which band of the tier the ratio belongs to (0 for a single ratio)
    cap_reached: bool
    why_no_ratio: str | None  # why ``ratio`` is None, in words
    critical_illness_pay: Decimal


class Comparison(NamedTuple):
    breakdown: Breakdown | None  # None when there is nothing to compare with (no region, tier or data)
    lines: tuple[Line, ...]
    implied: Implied
    warnings: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return all(not line.difference for line in self.lines)


LINES = {
    "eligible": "符合政策范围金额",
    "deductible": "起付线",
    "fund_pay": "统筹基金支付",
    "critical_illness_pay": "大病保险/大额医疗",
    "out_of_pocket": "个人负担(统筹和大病以外)",
    "other_funds": "医疗救助等其他支付",
}


def slip_claim(tally: Tally, context: Claim) -> Claim:
    """The bill of a slip as a core :class:`Claim`: the context's plan, tier … with the slip's amounts.
    medins has no separate 超限价: it is paid by the person like 全自费, so it counts with it."""
    a = tally.amounts
    return context._replace(bill=Bill(a["total"], a["self_pay"] + a["over_limit"], a["partial_self_pay"]))


def compare(policy: Policy | None, claim: Claim | None, tally: Tally, year: YearSoFar = FIRST, *,
            today: dt.date | None = None) -> Comparison:
    """Slip vs the policy's estimate for the same bill (the version in force on the claim's date).
    Without a policy or claim (no region or tier known), only the slip's own lines and what it
    implies by itself."""
    a = tally.amounts
    slip_lines = {"eligible": a["eligible"], "deductible": tally.deductible, "fund_pay": a["fund_pay"],
                  "critical_illness_pay": a["critical_illness_pay"], "out_of_pocket": tally.out_of_pocket}
    others = a["assistance_pay"] + a["other_fund_pay"] + a["hospital_pay"]
    if policy is None or claim is None:
        lines = [Line(k, LINES[k], v, None, None) for k, v in slip_lines.items()]
        if others:
            lines.append(Line("other_funds", LINES["other_funds"], others, None, None))
        return Comparison(None, tuple(lines), implied_alone(tally), ())
    bd = estimate(policy, claim, year, explain=False)
    est = {"eligible": bd.eligible, "deductible": bd.deductible, "fund_pay": bd.fund_pay,
           "critical_illness_pay": bd.critical_illness_pay, "out_of_pocket": bd.out_of_pocket}
    differing = {k for k, v in slip_lines.items() if v is not None and v != est[k]}
    reasons = _reasons(policy, claim, year, tally, bd, differing, today or dt.date.today()) if differing else {}
    lines = []
    for key, value in slip_lines.items():
        diff = None if value is None else value - est[key]
        lines.append(Line(key, LINES[key], value, est[key], diff, reasons.get(key)))
    if others:
        lines.append(Line("other_funds", LINES["other_funds"], others, None, None,
                          "medins 不估算医疗救助、公务员医疗补助、企业补充保险和医院负担:它们减少的是上面那行个人负担"))
    implied = implied_figures(policy, claim, year, tally, bd)
    warnings = list(bd.warnings)
    if tally.deductible is None and implied.deductible is not None:
        warnings.append(f"结算单没有打印起付线:按数据的比例推算约为 {money(implied.deductible)},"
                        "比例无法单独从这张单看出")
    return Comparison(bd, tuple(lines), implied, tuple(dict.fromkeys(warnings)))


# ---- implied figures --------------------------------------------------------------------


def simplest_ratio(base: Decimal, paid: Decimal) -> Decimal | None:
    """The ratio with the fewest decimals (2, 3 or 4) that turns ``base`` into ``paid`` rounded
    half-up to the fen, as a hospital's system would; None when none does."""
    if base <= 0:
        return None
    exact = paid / base
    for places in (2, 3, 4):
        step = Decimal(1).scaleb(-places)
        low, high = exact.quantize(step, rounding=ROUND_FLOOR), exact.quantize(step, rounding=ROUND_CEILING)
        for candidate in sorted({low, high}, key=lambda c: abs(c - exact)):
            if 0 <= candidate <= 1 and round_fen(base * candidate) == paid:
                return candidate.normalize() if candidate != 0 else Decimal(0)
    return None


def implied_alone(tally: Tally) -> Implied:
    """What a slip implies with no policy to check it against: the printed deductible, and the
    ratio if one applied (nothing tells whether bands or the cap played a part)."""
    a = tally.amounts
    d = tally.deductible
    ratio, why = None, None
    if d is None:
        why = "结算单没有打印起付线:比例看不出"
    elif a["fund_pay"] == 0:
        why = "统筹基金没有支付:比例看不出"
    else:
        ratio = simplest_ratio(a["eligible"] - d, a["fund_pay"])
        why = None if ratio is not None else "统筹支付不是按一个比例算的(或金额有误):比例看不出"
    return Implied(d, d is not None, ratio, 0 if ratio is not None else None, False, why, a["critical_illness_pay"])


def implied_figures(policy: Policy, claim: Claim, year: YearSoFar, tally: Tally, bd: Breakdown) -> Implied:
    """The deductible (printed, else inferred from the data's single ratio) and the ratio
    fund ÷ (eligible − deductible), when one ratio applies and the annual cap was not reached."""
    a = tally.amounts
    rule = prepare(policy, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote, claim.date)
    fund_rule = rule.fund
    printed = tally.deductible
    deductible = printed if printed is not None else bd.deductible
    f = rule.pay(claim.bill, year).paid[0].detail
    cap = fund_rule.cap
    ci = _ci(rule)
    cap_reached = bool(
        (f.cap_left is not None and f.fund_raw >= f.cap_left)
        or (cap is not None and a["fund_pay"] + year.fund(claim.visit) >= cap)
        or (ci is not None and ci.rule.mode == "above_cap" and a["critical_illness_pay"] > 0)
    )
    fund = a["fund_pay"]
    eligible = a["eligible"]
    _, pieces = banded_pay(eligible, deductible, fund_rule.bands)
    band = _band_of(fund_rule.bands, eligible) if len(pieces) == 1 else None
    why: str | None = None
    ratio: Decimal | None = None
    if cap_reached:
        why = "统筹基金已到(或可能已到)年度封顶线:支付不再按比例,比例看不出"
    elif fund == 0:
        why = "没有超过起付线,统筹基金没有支付:比例看不出" if eligible <= deductible else "统筹基金没有支付:比例看不出"
    elif eligible <= deductible:
        why = f"符合政策范围金额 {money(eligible)} 没有超过起付线 {money(deductible)},统筹却支付了:请核对起付线"
    elif len(pieces) > 1:
        why = "这张单跨过了分段比例的分界:几个比例混在一起,看不出每一段的比例"
    elif printed is None:
        why = "结算单没有打印起付线:比例和起付线只能知道一个"
    else:
        ratio = simplest_ratio(eligible - deductible, fund)
        if ratio is None:
            why = "统筹支付不是按一个比例算的(可能有按不同比例支付的项目):比例看不出"
    inferred = printed
    if printed is None and not cap_reached and fund > 0 and len(pieces) == 1 and band is not None:
        r = fund_rule.bands[band].ratio
        if r > 0:
            inferred = round_fen(eligible - fund / r)
    return Implied(inferred, printed is not None, ratio, band if ratio is not None else None, cap_reached, why,
                   a["critical_illness_pay"])


def _ci(rule: Rule) -> CIRule | None:
    return next((p for p in rule.payers if isinstance(p, CIRule)), None)


def _band_of(bands: tuple[Band, ...], high: Decimal) -> int:
    """The band that holds the amount ``high`` (band limits are absolute; the last band is open)."""
    for i, band in enumerate(bands):
        if band.upto is None or high <= band.upto:
            return i
    return len(bands) - 1


# ---- reasons ----------------------------------------------------------------------------


def _matches(bd: Breakdown, tally: Tally) -> bool:
    a = tally.amounts
    return (bd.fund_pay == a["fund_pay"] and bd.critical_illness_pay == a["critical_illness_pay"]
            and (tally.deductible is None or tally.deductible == bd.deductible))


Variant = tuple[Claim, YearSoFar]


def _alternatives(policy: Policy, claim: Claim, year: YearSoFar
                  ) -> list[tuple[int, Variant, list[tuple[str, str, object]]]]:
    """Bills like this one with one or two things read differently (admission count, retiree, tier,
    out-of-area rule), fewest changes first, with what changed: (in words, as the option)."""
    sections = policy.at(claim.date).plans.get(claim.plan) or {}
    section = sections.get(claim.visit)
    if section is None:
        return []
    admission = year.admissions + 1
    admissions = [admission]
    if claim.visit == "inpatient" and getattr(section.rule, "repeat_admission", None) is not None:
        admissions += [n for n in range(1, 5) if n != admission]
    retired = [claim.retired] + ([not claim.retired] if claim.plan == "employee" else [])
    tiers = [claim.tier] + [t for t in section.rule.tiers if t != claim.tier and not (
        claim.tier == "3a" and t == "3" and "3a" not in section.rule.tiers)]
    remote = sections.get("remote")
    remotes: list[str | None] = [claim.remote] + [r for r in [None, *(remote.rule.rules if remote else ())]
                                                  if r != claim.remote]
    out = []
    for adm, ret, tier, rem in itertools.product(admissions, retired, tiers, remotes):
        changes: list[tuple[str, str, object]] = []  # (in words, what changed, its value)
        if adm != admission:
            changes.append((f"本年第 {adm} 次住院", "admission", adm))
        if ret != claim.retired:
            changes.append(("退休人员" if ret else "在职人员", "retired", ret))
        if tier != claim.tier:
            changes.append((f"{TIERS[tier]}医院", "tier", tier))
        if rem != claim.remote:
            changes.append((REMOTES[rem] if rem else "本地就医", "remote", rem))
        if 0 < len(changes) <= 2:
            out.append((len(changes), (claim._replace(retired=ret, tier=tier, remote=rem),
                                       year._replace(admissions=adm - 1)), changes))
    out.sort(key=lambda item: item[0])
    return out


def _data_hint(policy: Policy, source_ids: tuple[str, ...] | list[str], today: dt.date) -> Msg:
    """Why the data itself may be off: its sources' confidence and the policy year."""
    parts = []
    for sid in source_ids:
        src = policy.sources.get(sid)
        if src is None:
            continue
        if src.confidence == "placeholder":
            parts.append(f"数据疑似聚合项目的占位数字(来源 {src.id})")
        elif src.confidence == "unverified":
            parts.append(f"数据未经核实(来源 {src.id})")
        elif src.confidence == "secondary":
            parts.append(f"数据来自转述文章(来源 {src.id})")
    if policy.year is not None and policy.year < today.year:
        parts.append(f"数据是 {policy.year} 年的政策,可能已调整")
    if not parts:
        return Msg("slip_data_hint_none", "数据与这张单不一致:请以结算单和当地医保局为准")
    said = ";".join(dict.fromkeys(parts))
    return Msg("slip_data_hint", f"{said}:结算单更可信(可记下这张单的数字)", said=said)


def _reasons(policy: Policy, claim: Claim, year: YearSoFar, tally: Tally, bd: Breakdown, differing: set[str],
             today: dt.date) -> dict[str, str]:
    a = tally.amounts
    for _, (other, other_year), changes in _alternatives(policy, claim, year):
        try:
            alt = estimate(policy, other, other_year, explain=False)
        except CoreError:
            continue
        if _matches(alt, tally):
            why = Msg("slip_alternative", "按" + "、".join(w for w, _, _ in changes) + "计算就与结算单一致",
                      changes=changes)
            return {k: why for k in differing}
    rule = prepare(policy, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote, claim.date)
    hint = _data_hint(policy, bd.sources, today)
    out: dict[str, str] = {}
    d_printed = tally.deductible
    if "deductible" in differing and d_printed is not None:
        if d_printed == a["eligible"] < bd.deductible and a["fund_pay"] == 0:
            out["deductible"] = "这张单没有超过起付线:结算单写的是实际付到的起付线(不超过符合政策范围金额)"
        else:
            out["deductible"] = Msg("slip_reason", f"结算单的起付线 {money(d_printed)} 与数据的 {money(bd.deductible)} 不同:{hint}",
                                    hint=hint)
    if "fund_pay" in differing:
        out["fund_pay"] = _fund_reason(rule, year.fund(claim.visit), tally, bd, hint)
    if "critical_illness_pay" in differing:
        ci = _ci(rule)
        name = bd.critical_illness_name
        if ci is None:
            out["critical_illness_pay"] = (f"数据里没有{name}的规则(门诊统筹不适用):结算单上的这笔来自别的规定"
                                           if claim.visit == "inpatient" else "普通门诊不适用大病保险/大额医疗补助")
        elif ci.rule.mode == "above_cap":
            ci_hint = _data_hint(policy, [ci.section.source], today)
            out["critical_illness_pay"] = Msg(
                "slip_ci_above_cap", f"{name}只在统筹基金达到年度封顶线以后支付:本年此前统筹已付多少决定从哪里开始;{ci_hint}",
                name=name, hint=ci_hint)
        elif a["critical_illness_pay"] > bd.critical_illness_pay and not year.burden:
            out["critical_illness_pay"] = Msg(
                "slip_ci_burden", f"{name}的起付线按全年累计:本年此前的政策内个人负担会让这张单更早开始报销", name=name)
        else:
            ci_hint = _data_hint(policy, [ci.section.source], today)
            out["critical_illness_pay"] = Msg(
                "slip_ci_other", f"{name}的起付线、比例或本年已付与数据不同:{ci_hint}", name=name, hint=ci_hint)
    if "out_of_pocket" in differing:
        out["out_of_pocket"] = "个人负担 = 总额 − 统筹 − 大病/大额:随上面几行的差别而变"
    if "eligible" in differing:
        out["eligible"] = "符合政策范围金额与总额减各项自付不一致"
    return out


def _fund_reason(rule: Rule, ytd_fund: Decimal, tally: Tally, bd: Breakdown, hint: Msg) -> str:
    a = tally.amounts
    fund, printed = a["fund_pay"], tally.deductible
    fund_rule = rule.fund
    if printed is not None and printed != bd.deductible:
        raw, _ = banded_pay(a["eligible"], printed, fund_rule.bands)
        cap_left = None if fund_rule.cap is None else max(ZERO, fund_rule.cap - ytd_fund)
        if round_fen(raw if cap_left is None else min(raw, cap_left)) == fund:
            return "起付线不同,统筹支付随之不同(按结算单的起付线和数据的比例算正好一致)"
    base = a["eligible"] - (printed if printed is not None else bd.deductible)
    clean = simplest_ratio(base, fund) if base > 0 else None
    seen = clean if clean is not None else (fund / base).quantize(Decimal("0.0001")) if base > 0 else None
    about = "" if clean is not None else "约 "
    by_ratio = (Msg("slip_reason", f"结算单的统筹支付相当于比例 {about}{pct(seen)},数据是 {bd.ratio_note}:{hint}",
                    hint=hint) if seen is not None else None)
    by_cap = None
    cap = fund_rule.cap
    if cap is not None and bd.cap_left is not None and fund < bd.fund_pay and fund < bd.cap_left:
        by_cap = Msg("slip_fund_cap", f"可能已到年度封顶线:若本年此前统筹已付 {money(cap - fund)}"
                                      f"(封顶 {money(cap)}),这张单正好只能再付 {money(fund)}(给出本年已付即可核对)",
                     before=money(cap - fund), cap=money(cap), fund=money(fund))
    # a clean ratio (85 %) points to a different ratio; an odd one more likely to the cap
    order = [by_ratio, by_cap] if clean is not None else [by_cap, by_ratio]
    reasons = [r for r in order if r]
    if not reasons:
        return hint
    return Msg("slip_reasons", ";或".join(reasons), reasons=reasons)
