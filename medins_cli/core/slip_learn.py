"""What ``medins slip check --learn`` may write: the figures one slip determines, and nothing else.

A slip determines, for exactly its plan, visit and tier, and only when one ratio applied and the
annual cap was not reached:
- the ratio, fund ÷ (eligible − deductible): for a retired employee that ratio includes the retiree
  bonus, so it is written as this tier's own ``retiree_bonus`` (which overrides the section's),
  leaving the in-service ratio alone; for anyone else it is the tier's ``ratio`` (or the ratio of
  the one band the bill fell in);
- the inpatient deductible, when the slip prints it and the bill is the first admission of the
  year (a later admission's deductible is the reduced one; outpatient deductibles run over the
  year).
Pure: the store applies the changes to the user's region file.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Container, NamedTuple

from medins_cli.core.calc import pct, prepare_rule
from medins_cli.core.errors import CoreError
from medins_cli.core.model import Claim, Policy, Source
from medins_cli.core.money import money
from medins_cli.core.names import PLANS, TIERS, VISITS
from medins_cli.core.slip import Tally
from medins_cli.core.slip_check import Implied


class LearnRefused(CoreError):
    """The slip does not determine the figures (or does not add up): nothing is written."""


class Change(NamedTuple):
    """One figure to write: where in the policy document, in words, old → new, and whose it was."""

    path: tuple[str, ...]  # e.g. ("plans", "employee", "inpatient", "tiers", "3", "ratio")
    label: str
    old: Decimal | None
    new: Decimal | None
    kind: str  # money | ratio | tier (a tier new to the file, copied from another first)
    old_source: str | None  # the source id the old figure came from


class Learning(NamedTuple):
    changes: tuple[Change, ...]
    source: Source  # the new `observed` source, with what it determined in its note
    tier_path: tuple[str, ...]  # the tier that gets the source
    copy_from: str | None  # a tier key to copy first (三甲 read off a slip, the data having only 三级)
    warnings: tuple[str, ...]


def source_id(taken: Container[str], date: str | None) -> str:
    """``slip-2025-03-02`` (``-2``, ``-3`` … when taken), a source id not among ``taken``."""
    base = f"slip-{date}" if date else "slip"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def plan_learning(policy: Policy, claim: Claim, tally: Tally, implied: Implied, *, date: str | None,
                  hospital: str | None) -> Learning:
    """The changes a slip determines; raises :class:`LearnRefused` (with the reason) when it
    determines none."""
    if not tally.adds_up:
        raise LearnRefused("结算单加总不对,没有写入任何数字:先核对结算单(问题见上)")
    if claim.remote is not None:
        raise LearnRefused("异地就医的结算单按异地规则支付,它的比例不是本地的比例:没有写入(用本地就医的结算单)")
    if implied.cap_reached:
        raise LearnRefused("这张单的统筹基金到了(或可能到了)年度封顶线,支付不再按比例:看不出比例,没有写入")
    if tally.deductible is None:
        raise LearnRefused("结算单没有打印起付线:起付线和比例只能知道一个,没有写入(照结算单补上起付线后再试)")
    if implied.ratio is None or implied.band is None:
        raise LearnRefused(f"{implied.why_no_ratio or '看不出比例'}:没有写入")
    rule = prepare_rule(policy, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote)
    plan = policy.plans[claim.plan]
    section = plan.inpatient if claim.visit == "inpatient" else plan.outpatient
    assert section is not None  # prepare_rule found it
    key = claim.tier
    copy_from = None if key in section.tiers else rule.tier
    tier = section.tiers.get(key) or section.tiers[rule.tier]
    where = ("plans", claim.plan, claim.visit, "tiers", key)
    old_source = tier.source or section.source
    place = f"{PLANS[claim.plan]}{VISITS[claim.visit]} {TIERS[key]}医院"
    changes: list[Change] = []
    warnings: list[str] = []
    said: list[str] = []
    if copy_from is not None:
        changes.append(Change(where, f"{place}(数据里没有单列,先照{TIERS[copy_from]}医院的数字新建)", None, None,
                              "tier", section.source))
    band = implied.band
    base_ratio = tier.bands[band].ratio
    ratio_path = (*where, "bands", str(band), "ratio") if tier.banded else (*where, "ratio")
    ratio_words = f"第 {band + 1} 段比例" if tier.banded else "比例"
    employee_retired = claim.retired and claim.plan == "employee"
    if employee_retired:
        bonus = implied.ratio - base_ratio
        if bonus < 0:
            raise LearnRefused(f"退休人员的比例 {pct(implied.ratio)} 低于数据里在职人员的{ratio_words} "
                               f"{pct(base_ratio)}:数据的在职比例可能就不对,没有写入(先用一张在职人员的结算单)")
        if min(Decimal(1), base_ratio + rule.bonus) != implied.ratio:
            changes.append(Change((*where, "retiree_bonus"), f"{place} 退休加点(这一级自己的,覆盖这一节的)",
                                  rule.bonus, bonus.normalize(), "ratio", old_source))
        said.append(f"退休人员比例 {pct(implied.ratio)}(在职{ratio_words} {pct(base_ratio)} + 退休加点 {pct(bonus)})")
    else:
        if base_ratio != implied.ratio:
            changes.append(Change(ratio_path, f"{place} {ratio_words}", base_ratio, implied.ratio, "ratio",
                                  old_source))
        said.append(f"{ratio_words} {pct(implied.ratio)}")
        section_bonus = tier.retiree_bonus if tier.retiree_bonus is not None else section.retiree_bonus
        if claim.plan == "employee" and section_bonus:
            warnings.append(f"退休人员在{TIERS[key]}医院仍按比例加 {pct(section_bonus)} 计算(退休加点没有改:"
                            "这张单是在职人员的)")
    if claim.visit == "inpatient":
        printed = tally.deductible
        if claim.admission == 1:
            if tier.deductible != printed:
                changes.insert(1 if copy_from is not None else 0, Change((*where, "deductible"), f"{place} 起付线", tier.deductible, printed, "money",
                                      old_source))
            said.insert(0, f"起付线 {money(printed)} 元")
        else:
            warnings.append(f"这是本年第 {claim.admission} 次住院:结算单上的起付线是降低以后的,"
                            "不能当作这一级医院的起付线,没有写入起付线")
    else:
        warnings.append("门诊统筹的起付线按全年累计,一张单看不出全年的起付线:只写入比例")
    who = "退休人员" if employee_retired else ("在职人员" if claim.plan == "employee" else "")
    title = "本人结算单 " + (date or "日期未注明") + (f" {hospital}" if hospital else "")
    note = f"{place}{who}:" + "、".join(said) + "(medins slip check --learn 读自本人结算单)"
    source = Source(id=source_id(policy.sources, date), title=title, confidence="observed", date=date, note=note)
    return Learning(tuple(changes), source, where, copy_from, tuple(warnings))
