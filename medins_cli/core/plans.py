"""A year of bills under 职工医保 and under 城乡居民医保, side by side (``medins plans``).

Each plan pays the same bills in date order with the region's rules for that plan, the year so far
carried from bill to bill as :meth:`Rule.carry` counts it (admissions, the fund's cap, the 大病
threshold); the year then costs the person what the bills leave to them plus the plan's contribution.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Iterable, Mapping, NamedTuple

from medins_cli.core.contribution import Contribution
from medins_cli.core.engine import check_bill, prepare
from medins_cli.core.errors import ClaimError, CoreError
from medins_cli.core.model import FIRST, Bill, Policy
from medins_cli.core.money import ZERO

if TYPE_CHECKING:
    from medins_cli.core.ranges import Range, Variant


class YearBill(NamedTuple):
    """One bill of the year (a row of the year file)."""

    line: int  # where it is in the file
    date: str | None  # YYYY-MM-DD
    visit: str
    tier: str
    bill: Bill
    remote: str | None = None


class BillResult(NamedTuple):
    line: int
    date: str | None
    total: Decimal
    insurance: Decimal  # every payer: the basic fund, 大病/大额, others
    fund_pay: Decimal
    critical_illness_pay: Decimal
    out_of_pocket: Decimal
    bound: str | None


class PlanYear(NamedTuple):
    plan: str
    bills: tuple[BillResult, ...]
    fund_pay: Decimal
    critical_illness_pay: Decimal
    other_pay: Decimal
    out_of_pocket: Decimal
    contribution: Contribution
    bound: str | None  # "upper": the insurance figures are upper bounds (data lacks a figure)
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    sources: tuple[str, ...]  # the policy's sources used
    error: str | None = None  # the plan could not be computed (the data lacks it)

    @property
    def insurance(self) -> Decimal:
        return self.fund_pay + self.critical_illness_pay + self.other_pay

    @property
    def total_cost(self) -> Decimal | None:
        """What the year costs the person: the bills' personal part plus the contribution (None if unknown)."""
        if self.error is not None or self.contribution.amount is None:
            return None
        return self.out_of_pocket + self.contribution.amount


def plan_year(policy: Policy, plan: str, bills: Iterable[YearBill], contribution: Contribution, *,
              retired: bool = False) -> PlanYear:
    """Pay every bill of the year under ``plan`` (in the order given: date order)."""
    year = FIRST
    results: list[BillResult] = []
    fund = ci = other = personal = ZERO
    bound: str | None = None
    warnings: list[str] = []
    notes: list[str] = []
    sources: list[str] = []
    for item in bills:
        try:
            rule = prepare(policy, plan, item.visit, item.tier, retired and plan == "employee", item.remote, item.date)
            check_bill(item.bill, year)
        except ClaimError as exc:  # the bill itself is wrong, whatever the plan: the user's to fix
            raise ClaimError(f"第 {item.line} 行:{exc}", code=exc.code, **exc.params) from None
        except CoreError as exc:  # the data lacks what this plan needs
            where = "" if getattr(exc, "code", None) in ("no_plan", "no_rules") else f"第 {item.line} 行:"
            return PlanYear(plan, tuple(results), ZERO, ZERO, ZERO, ZERO, contribution, None, (), (), (),
                            error=f"{where}{exc}")
        out = rule.pay(item.bill, year)
        this_bound, said = rule.outcome(item.bill, year, out)
        year = rule.carry(item.bill, year, out)
        f = out.paid[0].amount
        c = out.paid[rule.ci_at].amount if rule.ci_at >= 0 else ZERO
        o = sum((p.amount for i, p in enumerate(out.paid) if i not in (0, rule.ci_at)), ZERO)
        fund += f
        ci += c
        other += o
        personal += out.out_of_pocket
        bound = bound or this_bound
        warnings += said
        notes += rule.notes
        sources += rule.sources
        results.append(BillResult(item.line, item.date, item.bill.total, f + c + o, f, c, out.out_of_pocket, this_bound))
    return PlanYear(plan, tuple(results), fund, ci, other, personal, contribution, bound,
                    tuple(dict.fromkeys(warnings)), tuple(dict.fromkeys(notes)), tuple(dict.fromkeys(sources)))


def year_range(policy: Policy, year: PlanYear, bills: Iterable[YearBill], *, retired: bool = False) -> Range | None:
    """The range of a plan's year over what other sources say of the figures its bills use: the whole
    year paid again with each set of other readings (:func:`medins_cli.core.ranges.combinations`), so
    the year so far, the caps and the 大病 threshold follow each reading. None: no figure is in doubt."""
    if year.error is not None or not any(s.figures for s in policy.sections):
        return None
    from medins_cli.core.ranges import End, combinations, readings, spread, with_readings

    bills = tuple(bills)
    retiree = retired and year.plan == "employee"
    options: dict[tuple[int, str], list[Variant]] = {}
    settled: dict[tuple[int, str], Variant] = {}
    for key in dict.fromkeys((b.visit, b.tier, b.remote, b.date) for b in bills):
        found, mine = readings(policy, prepare(policy, year.plan, key[0], key[1], retiree, key[2], key[3]), retiree)
        for choices in found:
            options.setdefault((choices[0].section, choices[0].path), choices)
        settled.update(((v.section, v.path), v) for v in mine)
    combos, exhaustive = combinations(list(options.values()))
    ends = [End(_year_figures(year), ())]
    for combo in combos:
        other = plan_year(with_readings(policy, combo), year.plan, bills, year.contribution, retired=retired)
        if other.error is None:
            ends.append(End(_year_figures(other), combo))
    if len(ends) == 1 and not settled:
        return None
    varied = tuple(v for choices in options.values() for v in choices[1:])
    return spread(ends, exhaustive, varied, tuple(settled.values()))


def _year_figures(year: PlanYear) -> dict[str, Decimal]:
    return {"fund_pay": year.fund_pay, "critical_illness_pay": year.critical_illness_pay,
            "out_of_pocket": year.out_of_pocket}


class Verdict(NamedTuple):
    cheaper: str | None  # employee | resident | None (same, or not comparable)
    difference: Decimal | None
    compared: str  # total_cost | out_of_pocket | none
    why: str
    firm: bool = True  # False: by other sources' figures the other plan may cost as little or less
    doubt: str | None = None  # why it is not firm, in words


def verdict(years: Iterable[PlanYear], ranges: Mapping[str, Range | None] | None = None) -> Verdict:
    """Which plan costs the person less this year, on what it could compare, and in words; with
    ``ranges`` (by plan, :func:`year_range`), whether that still holds at every source's figures."""
    from medins_cli.core.names import PLANS

    ok = [y for y in years if y.error is None]
    if len(ok) < 2:
        return Verdict(None, None, "none", "只有一种参保类型能算,没有比较")
    a, b = ok[0], ok[1]
    if a.total_cost is not None and b.total_cost is not None:
        key, left, right = "total_cost", a.total_cost, b.total_cost
        what = "全年总花费(看病个人负担 + 缴费)"
    else:
        key, left, right = "out_of_pocket", a.out_of_pocket, b.out_of_pocket
        missing = "、".join(PLANS[y.plan] for y in (a, b) if y.contribution.amount is None)
        what = f"看病的个人负担(不知道{missing}的缴费,没有计入缴费)"
    ends = {y.plan: _compared_ends(y, (ranges or {}).get(y.plan), key) for y in (a, b)}
    spans = "、".join(f"{PLANS[p]} {lo:,.2f}–{hi:,.2f} 元" if lo != hi else f"{PLANS[p]} {lo:,.2f} 元"
                     for p, (lo, hi) in ends.items())
    if left == right:
        firm = all(lo == hi for lo, hi in ends.values())
        doubt = None if firm else f"来源说法不一,按其他来源的数字两种不一定一样:{spans}"
        return Verdict(None, ZERO, key, f"按{what},两种一样", firm, doubt)
    cheap, dear = (a, b) if left < right else (b, a)
    diff = abs(left - right)
    why = f"按{what},{PLANS[cheap.plan]}比{PLANS[dear.plan]}少 {diff:,.2f} 元"
    if ends[cheap.plan][1] < ends[dear.plan][0]:
        return Verdict(cheap.plan, diff, key, why)
    doubt = (f"来源说法不一,这个结论不一定成立:按其他来源的数字,{spans};"
             f"{PLANS[dear.plan]}可能一样或更省")
    return Verdict(cheap.plan, diff, key, why, False, doubt)


def _compared_ends(year: PlanYear, span: Range | None, key: str) -> tuple[Decimal, Decimal]:
    """The lowest and highest of the compared figure (the person's part, plus the contribution when
    the verdict counts it) over the range; the point figure at both ends when nothing is in doubt."""
    extra = year.contribution.amount if key == "total_cost" and year.contribution.amount is not None else ZERO
    if span is None:
        return year.out_of_pocket + extra, year.out_of_pocket + extra
    return span.low["out_of_pocket"] + extra, span.high["out_of_pocket"] + extra
