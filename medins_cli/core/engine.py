"""The one public entry of the core for bills: :func:`estimate` for one, :func:`estimate_many` for many.

A bill is paid by the benefit kinds in force on its date (:mod:`medins_cli.core.benefits`): the
modifiers adjust (out-of-area care), the primary payer of the visit (the basic fund) pays first,
then the others in order (大病/大额 …); the person pays the rest:
out_of_pocket = total − every payer's line. Rounding half-up to the fen happens inside each payer.

:func:`prepare` works out everything one (policy, plan, visit, tier, retired, remote, day) fixes,
once; :meth:`Rule.pay` then pays any number of bills with it (batch mode keeps one per combination).
"""


import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Iterator, NamedTuple

from medins_cli.core.arith import MAX_ADMISSION, RATIO_PLACES, fmt
from medins_cli.core.benefits import Context, Paid, Prep, Prepared, kinds
from medins_cli.core.benefits import kind as kind_of
from medins_cli.core.benefits.critical_illness import CIRule, critical_illness_name
from medins_cli.core.benefits.fund import FundRule
from medins_cli.core.errors import ClaimError, PolicyDataError
from medins_cli.core.messages import Msg
from medins_cli.core.model import FIRST, Bill, Breakdown, Claim, Dated, Limit, PayLine, Policy, Section, Step, YearSoFar
from medins_cli.core.money import ZERO
from medins_cli.core.names import PLANS, VISITS


class Outcome(NamedTuple):
    """The figures of one bill: each payer's part and what the person pays."""

    paid: tuple[Paid, ...]
    out_of_pocket: Decimal
    effective_ratio: Decimal


class Rule:
    """Everything one kind of bill fixes, worked out once (see :func:`prepare`)."""

    __slots__ = ("region", "plan", "visit", "tier", "day", "payers", "fund", "sources", "bound_reasons", "warnings",
                 "notes", "ci_name", "ci_at", "_bounders", "_warners")

    def __init__(self, region: str, plan: str, visit: str, day: str, payers: tuple[Prepared, ...], ctx: Context,
                 outside: list[Msg]) -> None:
        self.region = region
        self.plan = plan
        self.visit = visit
        self.day = day
        self.payers = payers
        fund = payers[0]
        assert isinstance(fund, FundRule)
        self.fund = fund
        self.tier = fund.tier
        self.sources = tuple(dict.fromkeys(ctx.sources))
        self.bound_reasons = tuple(ctx.bound_reasons)
        self.warnings = tuple(ctx.warnings) + tuple(outside)
        self.notes = tuple(dict.fromkeys(ctx.notes))
        ci = next((p for p in payers if isinstance(p, CIRule)), None)
        self.ci_name = ci.name if ci is not None else critical_illness_name(None, plan)
        self.ci_at = payers.index(ci) if ci is not None else -1
        # only the payers that say something per bill are asked (batch mode asks for every row)
        self._bounders = tuple(i for i, p in enumerate(payers) if type(p).bill_bounds is not Prepared.bill_bounds)
        self._warners = tuple(i for i, p in enumerate(payers) if type(p).bill_warnings is not Prepared.bill_warnings)

    @property
    def inpatient(self) -> bool:
        return self.visit == "inpatient"

    def pay(self, bill: Bill, year: YearSoFar) -> Outcome:
        """Each payer's part of one (already checked) bill, in order."""
        paid: tuple[Paid, ...] = ()
        insured = ZERO
        for payer in self.payers:
            part = payer.pay(bill, year, paid)
            insured += part.amount
            paid += (part,)
        ratio = (insured / bill.total).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
        return Outcome(paid, bill.total - insured, ratio)

    def carry(self, bill: Bill, year: YearSoFar, out: Outcome) -> YearSoFar:
        """The year so far after this bill (the next bill's), as each payer counts it."""
        after = year
        for i, payer in enumerate(self.payers):
            after = payer.carry(after, bill, out.paid[i], out.paid[:i])
        return after

    def outcome(self, bill: Bill, year: YearSoFar, out: Outcome) -> tuple[str | None, tuple[Msg, ...]]:
        """This bill's bound ("upper" or None) and its warnings, the upper-bound reasons first. A bound
        is said only where it can bite: a payout of 0 cannot be less."""
        paid = out.paid
        payers = self.payers
        reasons = list(self.bound_reasons)
        for i in self._bounders:
            reasons += payers[i].bill_bounds(bill, year, paid[i], paid[:i])
        said = list(self.warnings)
        for i in self._warners:
            said += payers[i].bill_warnings(bill, year, paid[i], paid[:i])
        if not reasons:
            return None, tuple(said)
        if out.out_of_pocket == bill.total:
            return None, tuple(said)  # nothing paid: no missing figure can make it less
        return "upper", tuple(reasons + said)

    def breakdown(self, bill: Bill, year: YearSoFar, out: Outcome, *, explain: bool = True) -> Breakdown:
        bound, warnings = self.outcome(bill, year, out)
        fund = out.paid[0].detail
        lines = tuple(p.line(part) for p, part in zip(self.payers, out.paid, strict=True))
        return Breakdown(
            total=bill.total, self_pay=bill.self_pay, partial_self_pay=bill.partial_self_pay,
            eligible=fund.eligible, deductible=fund.deductible,
            fund_pay=_sum(lines, "fund"), critical_illness_pay=_sum(lines, "critical_illness"),
            out_of_pocket=out.out_of_pocket, effective_ratio=out.effective_ratio, ratio_note=self.fund.ratio_note,
            cap_left=fund.cap_left, remote_applied=self.fund.remote_applied, sources=self.sources,
            warnings=warnings, steps=tuple(self._steps(bill, year, out, lines)) if explain else (), bound=bound,
            notes=self.notes, tier=self.tier, critical_illness_name=self.ci_name,
            limits=self._limits(bill, year, out), lines=lines, admission=year.admissions + 1,
        )

    def _limits(self, bill: Bill, year: YearSoFar, out: Outcome) -> tuple[Limit, ...]:
        """How much of the year's limits is used once this bill is paid (for bars and scripts)."""
        found: list[Limit] = []
        after = self.carry(bill, year, out)
        for payer, part in zip(self.payers, out.paid, strict=True):
            found += payer.limits(year, after, part)
        return tuple(lim for lim in found if lim.key != "outpatient_deductible")  # the ledger's, not a bill's

    def _steps(self, bill: Bill, year: YearSoFar, out: Outcome, lines: tuple[PayLine, ...]) -> list[Step]:
        steps: list[Step] = []
        earlier: tuple[Paid, ...] = ()
        for payer, part in zip(self.payers, out.paid, strict=True):
            steps += payer.steps(bill, year, part, earlier)
            earlier += (part,)
        fund, ci = _sum(lines, "fund"), _sum(lines, "critical_illness")
        formula = f"{fmt(bill.total)} − 统筹 {fmt(fund)} − {self.ci_name} {fmt(ci)}"
        formula += "".join(f" − {line.label} {fmt(line.amount)}" for line in lines
                           if line.payer not in ("fund", "critical_illness"))
        steps.append(Step("out_of_pocket", "个人负担", formula, out.out_of_pocket))
        insured = " + ".join(fmt(v) for v in (fund, ci, *(ln.amount for ln in lines
                                                           if ln.payer not in ("fund", "critical_illness"))))
        steps.append(Step("effective_ratio", "实际报销比例", f"({insured}) ÷ {fmt(bill.total)}", out.effective_ratio))
        return steps


def _sum(lines: tuple[PayLine, ...], payer: str) -> Decimal:
    total = ZERO
    for line in lines:
        if line.payer == payer:
            total += line.amount
    return total


def prepare(policy: Policy, plan: str, visit: str, tier: str, retired: bool = False, remote: str | None = None,
            day: str | dt.date | None = None) -> Rule:
    """The :class:`Rule` for one kind of bill on ``day`` (today by default); raises
    :class:`PolicyDataError` when the data lacks it."""
    dated = policy.at(day)
    sections = _plan(policy, dated, plan)
    prep = Prep(policy, dated, plan, visit, tier, retired, remote)
    ctx = Context()
    registered = kinds()
    for kind in registered:
        if kind.role == "modifier":
            kind.prepare(prep, sections.get(kind.key), ctx)  # type: ignore[arg-type]  # None: no data for it
    primary = next((k for k in registered if k.primary and k.applies_to(visit) and k.key in sections), None)
    if primary is None:
        raise PolicyDataError(f"{policy.region.name}{PLANS[plan]}的数据缺少{VISITS.get(visit, visit)}报销规则:"
                              "换就诊类型,或提供该地数据", code="no_visit", region=policy.region.name,
                              plan_name=PLANS[plan], visit_name=VISITS.get(visit, visit))
    fund = primary.prepare(prep, sections[primary.key], ctx)
    assert isinstance(fund, FundRule)
    ctx.primary = fund
    payers: list[Prepared] = [fund]
    for kind in registered:
        if kind.role == "payer" and not kind.primary and kind.key in sections and kind.applies_to(visit):
            prepared = kind.prepare(prep, sections[kind.key], ctx)
            if prepared is not None:
                payers.append(prepared)
    if visit == "inpatient" and not any(isinstance(p, CIRule) for p in payers):
        fund.missing_after = critical_illness_name(None, plan)  # past the cap, more may be paid: say so
    used = {id(p.section) for p in payers}
    outside = [_outside_message(s, dated.day) for s in dated.outside if id(s) in used]
    return Rule(policy.region.name, plan, visit, dated.day, tuple(payers), ctx, outside)


def _outside_message(section: Section, day: str) -> Msg:
    span = f"{section.effective} 起" + (f"至 {section.until}" if section.until else "")
    k = kind_of(section.kind)
    label = k.label if k is not None else section.kind
    return Msg("section_outside", f"{PLANS.get(section.plan, section.plan)}{label}的数据({span})"
                                  f"不包括 {day} 这一天,按这一版估算:当时的数字可能不同", day=day, kind=section.kind,
               effective=section.effective, until=section.until)


def _plan(policy: Policy, dated: Dated, plan: str) -> dict[str, Section]:
    sections = dated.plans.get(plan)
    if sections is None and not dated.plans:
        user = policy.origin in ("user", "file")
        raise PolicyDataError(
            f"{policy.region.name}的数据还没有可计算的报销规则(只有地区信息或说明文字):请按当地医保局通知补充该地数据",
            code="no_rules", region=policy.region.name, file=policy.file, variant="file" if user else "shipped")
    if sections is None:
        known = "、".join(PLANS.get(p, p) for p in dated.plans) or "无"
        raise PolicyDataError(
            f"{policy.region.name}的数据没有{PLANS.get(plan, plan)}的规则(已有:{known}):换参保类型,或提供该地数据",
            usage=True, code="no_plan", region=policy.region.name, plan_name=PLANS.get(plan, plan), known=known)
    return dict(sections)


def check_bill(bill: Bill, year: YearSoFar) -> None:
    """Raise :class:`ClaimError` when a bill is impossible (checked before every estimate)."""
    total, self_pay, partial = bill
    if total > 0 and self_pay >= 0 and partial >= 0 and self_pay + partial <= total and (year is FIRST or (
            0 <= year.admissions < MAX_ADMISSION and year.inpatient_fund >= 0 and year.outpatient_fund >= 0
            and year.outpatient_eligible >= 0 and year.burden >= 0 and year.critical >= 0)):
        return  # the usual case, checked in one go (batch mode runs this per row)
    if total <= 0:
        raise ClaimError("费用总额必须大于 0:请给出账单金额", code="amount_not_positive")
    for field, label, value in (
        ("self_pay", "全自费金额", self_pay),
        ("partial_self_pay", "乙类先行自付金额", partial),
        ("ytd_fund", "本年统筹已支付金额", min(year.inpatient_fund, year.outpatient_fund)),
        ("ytd_outpatient", "本年门诊已发生金额", year.outpatient_eligible),
        ("ytd_burden", "本年政策内个人负担", year.burden),
        ("ytd_critical", "本年大病/大额已支付金额", year.critical),
    ):
        if value < 0:
            raise ClaimError(f"{label}不能为负数:请给出 0 或正数", code="negative", field=field, label=label)
    if self_pay + partial > total:
        raise ClaimError(f"全自费({fmt(self_pay)})加乙类先行自付({fmt(partial)})超过了总额({fmt(total)}):"
                         "请检查这两项", code="parts_exceed_total", self_pay=self_pay, partial=partial, total=total)
    n = year.admissions + 1
    raise ClaimError(f"住院次数应在 1 到 {MAX_ADMISSION} 之间(收到 {n})", code="admission_range", n=n,
                     limit=MAX_ADMISSION, earlier=year.admissions)


def estimate(policy: Policy, claim: Claim, year: YearSoFar = FIRST, *, explain: bool = True) -> Breakdown:
    """Split one bill into what each payer pays and what the person pays, and why.

    ``explain=False`` skips building the explanation lines; the figures are identical.
    """
    check_bill(claim.bill, year)
    rule = prepare(policy, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote, claim.date)
    return rule.breakdown(claim.bill, year, rule.pay(claim.bill, year), explain=explain)


def estimate_many(items: Iterable[tuple[Policy, Claim, YearSoFar]], *, explain: bool = False
                  ) -> Iterator[Breakdown | Exception]:
    """:func:`estimate` for many bills, preparing each distinct kind of bill once. A bill that
    cannot be estimated yields its :class:`~medins_cli.core.errors.CoreError` instead."""
    from medins_cli.core.errors import CoreError

    rules: dict[tuple[object, ...], Rule | CoreError] = {}
    for policy, claim, year in items:
        key = (id(policy), claim.plan, claim.visit, claim.tier, claim.retired, claim.remote, claim.date)
        rule = rules.get(key)
        if rule is None:
            if len(rules) > 4096:
                rules.clear()
            try:
                rule = prepare(policy, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote, claim.date)
            except CoreError as exc:
                rule = exc
            rules[key] = rule
        if isinstance(rule, CoreError):
            yield rule
            continue
        try:
            check_bill(claim.bill, year)
        except CoreError as exc:
            yield exc
            continue
        yield rule.breakdown(claim.bill, year, rule.pay(claim.bill, year), explain=explain)


def stale_warning(name: str, policy_year: int | None, this_year: int) -> str | None:
    """A warning when a policy describes a year already past (figures change every year)."""
    if policy_year is None or policy_year >= this_year:
        return None
    return Msg("stale", f"{name}的数据是 {policy_year} 年的政策,现在已是 {this_year} 年,数字可能已调整:"
                        "请以当地医保局最新通知为准", year=policy_year)
