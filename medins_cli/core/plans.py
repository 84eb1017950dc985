"""A year of bills under 职工医保 and under 城乡居民医保, side by side (``medins plans``).

Each plan pays the same bills in date order with the region's rules for that plan, the year so far
carried from bill to bill as :meth:`Rule.carry` counts it (admissions, the fund's cap, the 大病
threshold); the year then costs the person what the bills leave to them plus the plan's contribution.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple

from medins_cli.core.contribution import Contribution
from medins_cli.core.engine import check_bill, prepare
from medins_cli.core.errors import ClaimError, CoreError
from medins_cli.core.model import FIRST, Bill, Policy
from medins_cli.core.money import ZERO


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


class Verdict(NamedTuple):
    cheaper: str | None  # employee | resident | None (same, or not comparable)
    difference: Decimal | None
    compared: str  # total_cost | out_of_pocket | none
    why: str


def verdict(years: Iterable[PlanYear]) -> Verdict:
    """Which plan costs the person less this year, on what it could compare, and in words."""
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
    if left == right:
        return Verdict(None, ZERO, key, f"按{what},两种一样")
    cheap, dear = (a, b) if left < right else (b, a)
    diff = abs(left - right)
    return Verdict(cheap.plan, diff, key, f"按{what},{PLANS[cheap.plan]}比{PLANS[dear.plan]}少 {diff:,.2f} 元")
