"""The year so far: from a person's stored bills (the ledger, batch's earlier rows) to what the next
bill needs (:class:`~medins_cli.core.model.YearSoFar`), and how much of each yearly limit is used.

One place for both: the estimate's bars, ``slip year``, ``estimate --person`` and batch
``--year-to-date`` all read the limits of the benefit kinds (:meth:`Kind.limits`) here.
Pure: the store reads the rows (:mod:`medins_cli.store.ledger`) and hands over :class:`Entry` records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple, Sequence

from medins_cli.core.benefits import kinds
from medins_cli.core.model import Limit, Policy, YearSoFar
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


class YearSummary(NamedTuple):
    """A person's bills of the year: the year so far (what the next bill needs) and the sums."""

    so_far: YearSoFar
    bills: int  # entries counted
    estimates: int  # of which expected bills
    critical_illness_pay: Decimal
    account_pay: Decimal
    family_pay: Decimal
    cash_pay: Decimal
    total: Decimal
    plans: tuple[str, ...]  # the plans the entries name (more than one is worth a warning)
    regions: tuple[str, ...]  # the regions the entries name (another region's slips are worth a warning)

    # the 0.3 names, read by the slip renderers
    @property
    def admissions(self) -> int:
        return self.so_far.admissions

    @property
    def inpatient_fund(self) -> Decimal:
        return self.so_far.inpatient_fund

    @property
    def outpatient_fund(self) -> Decimal:
        return self.so_far.outpatient_fund

    @property
    def outpatient_eligible(self) -> Decimal:
        return self.so_far.outpatient_eligible

    @property
    def burden(self) -> Decimal:
        return self.so_far.burden

    @property
    def paid_by_person(self) -> Decimal:
        """What the person paid: personal account, 家庭共济 and cash (not ``burden``, which is the
        policy-range share left after the basic fund, before 大病/大额 paid part of it)."""
        return self.account_pay + self.family_pay + self.cash_pay

    def ytd_fund(self, visit: str) -> Decimal:
        return self.so_far.fund(visit)


def summarise(entries: Iterable[Entry], *, includes_partial_self_pay: bool = False) -> YearSummary:
    """Sum a person's bills. The 大病 burden of a bill is eligible − fund (plus 乙类先行自付 when the
    region's 大病 counts it), as the estimate counts it."""
    rows = list(entries)
    inpatient = [e for e in rows if e.visit == "inpatient"]
    outpatient = [e for e in rows if e.visit == "outpatient"]

    def total(items: list[Entry], key: str) -> Decimal:
        return sum((e.amount(key) for e in items), ZERO)

    burden = sum((e.amount("eligible") - e.amount("fund_pay")
                  + (e.amount("partial_self_pay") if includes_partial_self_pay else ZERO) for e in inpatient), ZERO)
    so_far = YearSoFar(
        admissions=len(inpatient), inpatient_fund=total(inpatient, "fund_pay"),
        outpatient_fund=total(outpatient, "fund_pay"), outpatient_eligible=total(outpatient, "eligible"),
        burden=max(ZERO, burden), critical=total(rows, "critical_illness_pay"),
    )
    return YearSummary(
        so_far=so_far, bills=len(rows), estimates=sum(1 for e in rows if e.kind == "estimate"),
        critical_illness_pay=so_far.critical, account_pay=total(rows, "account_pay"),
        family_pay=total(rows, "family_pay"), cash_pay=total(rows, "cash_pay"), total=total(rows, "total"),
        plans=tuple(dict.fromkeys(e.plan for e in rows if e.plan)),
        regions=tuple(dict.fromkeys(e.region for e in rows if e.region)),
    )


def includes_partial(policy: Policy | None, plan: str) -> bool:
    """Whether the region's 大病 counts 乙类先行自付 toward the year's burden."""
    if policy is None:
        return False
    section = policy.plans.get(plan, {}).get("critical_illness")
    return bool(section is not None and getattr(section.rule, "includes_partial_self_pay", False))


def year_limits(policy: Policy, plan: str, retired: bool, so_far: YearSoFar) -> tuple[Limit, ...]:
    """How much of each yearly limit of ``policy`` (as in force today) the year's bills have used."""
    sections = policy.plans.get(plan)
    if not sections:
        return ()
    out: list[Limit] = []
    for kind in kinds():
        section = sections.get(kind.key)
        if section is not None:
            out += kind.limits(section, plan, retired, so_far)
    return tuple(out)
