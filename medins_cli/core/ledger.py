"""The year so far, from a person's stored slips: what the next estimate needs to know (admission
count, fund paid, outpatient spent, 大病 burden and paid) and how much of each yearly limit is used.

Pure: the store reads the rows (:mod:`medins_cli.store.ledger`) and hands over :class:`Entry` records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple, Sequence

from medins_cli.core.calc import critical_illness_name
from medins_cli.core.model import Limit, Plan, Policy
from medins_cli.core.money import ZERO
from medins_cli.core.slip import MONEY, Slip, Tally


class Entry(NamedTuple):
    """One stored bill: a settlement slip, or an expected bill (``kind`` estimate)."""

    id: int | None
    person: str
    date: str  # YYYY-MM-DD
    kind: str  # slip | estimate
    visit: str  # inpatient | outpatient
    amounts: Mapping[str, Decimal | None]  # every MONEY key; None where the slip did not say
    region: str | None = None
    plan: str | None = None
    tier: str | None = None
    retired: bool | None = None
    admission: int | None = None
    remote: str | None = None
    hospital: str | None = None

    @property
    def year(self) -> int:
        return int(self.date[:4])

    def amount(self, key: str) -> Decimal:
        value = self.amounts.get(key)
        return ZERO if value is None else value


def entry_from_slip(slip: Slip, tally: Tally, *, person: str, date: str, visit: str) -> Entry:
    """The ledger row of a checked slip: the amounts it printed or that were worked out from them
    (eligible, cash); a part it did not print and that is 0 stays None (not said)."""
    amounts = {key: value if (value := tally.amounts.get(key)) or key in tally.printed or key in _ALWAYS else None
               for key in MONEY}
    return Entry(None, person, date, slip.kind, visit, amounts, slip.region, slip.plan, slip.tier, slip.retired,
                 slip.admission, slip.remote, slip.hospital)


_ALWAYS = ("total", "eligible", "fund_pay")


def bill_key(entry: Entry) -> tuple[object, ...]:
    """What makes two ledger rows one bill counted twice: the same person, date, region, total and
    fund paid (a retried ``slip add``, or ``slip add`` of a ``slip export``)."""
    return (entry.person, entry.date, entry.region, entry.amount("total"), entry.amount("fund_pay"))


def repeated(entries: Sequence[Entry]) -> tuple[int, int] | None:
    """(i, j), indexes of the first entry ``j`` that is the same bill as an earlier entry ``i``; None
    when every entry is a different bill."""
    seen: dict[tuple[object, ...], int] = {}
    for j, entry in enumerate(entries):
        i = seen.setdefault(bill_key(entry), j)
        if i != j:
            return i, j
    return None


class YearToDate(NamedTuple):
    """What a person's earlier bills of the year mean for the next one."""

    bills: int  # entries counted
    estimates: int  # of which expected bills
    admissions: int  # inpatient bills so far
    inpatient_fund: Decimal
    outpatient_fund: Decimal
    outpatient_eligible: Decimal
    burden: Decimal  # policy-range personal burden of the inpatient bills (toward the 大病 threshold)
    critical_illness_pay: Decimal
    account_pay: Decimal
    family_pay: Decimal
    cash_pay: Decimal
    total: Decimal
    plans: tuple[str, ...]  # the plans the entries name (more than one is worth a warning)

    def ytd_fund(self, visit: str) -> Decimal:
        """Fund paid toward the same annual cap as a bill of ``visit``."""
        return self.inpatient_fund if visit == "inpatient" else self.outpatient_fund


def year_to_date(entries: Iterable[Entry], *, includes_partial_self_pay: bool = False) -> YearToDate:
    """Sum a person's bills. The 大病 burden of a bill is eligible − fund (plus 乙类先行自付 when the
    region's 大病 counts it), as the estimate counts it."""
    rows = list(entries)
    inpatient = [e for e in rows if e.visit == "inpatient"]
    outpatient = [e for e in rows if e.visit == "outpatient"]

    def total(items: list[Entry], key: str) -> Decimal:
        return sum((e.amount(key) for e in items), ZERO)

    burden = sum((e.amount("eligible") - e.amount("fund_pay")
                  + (e.amount("partial_self_pay") if includes_partial_self_pay else ZERO) for e in inpatient), ZERO)
    return YearToDate(
        bills=len(rows), estimates=sum(1 for e in rows if e.kind == "estimate"), admissions=len(inpatient),
        inpatient_fund=total(inpatient, "fund_pay"), outpatient_fund=total(outpatient, "fund_pay"),
        outpatient_eligible=total(outpatient, "eligible"), burden=max(ZERO, burden),
        critical_illness_pay=total(rows, "critical_illness_pay"), account_pay=total(rows, "account_pay"),
        family_pay=total(rows, "family_pay"), cash_pay=total(rows, "cash_pay"), total=total(rows, "total"),
        plans=tuple(dict.fromkeys(e.plan for e in rows if e.plan)),
    )


def includes_partial(policy: Policy | None, plan: str) -> bool:
    p = policy.plans.get(plan) if policy is not None else None
    return bool(p and p.critical_illness and p.critical_illness.includes_partial_self_pay)


def year_limits(policy: Policy, plan: str, retired: bool, ytd: YearToDate) -> tuple[Limit, ...]:
    """How much of each yearly limit of ``policy`` the year's bills have used."""
    body: Plan | None = policy.plans.get(plan)
    if body is None:
        return ()
    employee_retired = retired and plan == "employee"
    out: list[Limit] = []
    ip = body.inpatient
    if ip is not None:
        cap = ip.retiree_annual_cap if employee_retired and ip.retiree_annual_cap is not None else ip.annual_cap
        if cap is not None:
            out.append(Limit("fund_cap", "住院统筹基金年度封顶线", ytd.inpatient_fund, cap))
    op = body.outpatient
    if op is not None:
        deductible = (op.retiree_annual_deductible if employee_retired and op.retiree_annual_deductible is not None
                      else op.annual_deductible)
        if deductible:
            out.append(Limit("outpatient_deductible", "门诊统筹年度起付线(本年政策内门诊费用)",
                             ytd.outpatient_eligible, deductible))
        cap = op.retiree_annual_cap if employee_retired and op.retiree_annual_cap is not None else op.annual_cap
        if cap is not None:
            out.append(Limit("outpatient_cap", "门诊统筹年度限额", ytd.outpatient_fund, cap))
    ci = body.critical_illness
    if ci is not None:
        name = critical_illness_name(ci, plan)
        if ci.mode == "on_burden" and ci.threshold:
            out.append(Limit("critical_illness_threshold", f"{name}起付线(本年政策内个人负担)", ytd.burden,
                             ci.threshold))
        if ci.annual_cap is not None:
            out.append(Limit("critical_illness_cap", f"{name}年度封顶线", ytd.critical_illness_pay, ci.annual_cap))
    return tuple(out)
