"""Ranges where sources disagree: a bill estimated with each figure it uses read as every source
gives it, and the lowest and highest results.

A figure with ``alternatives`` (what other sources say; a section's other reading, such as 大额 paid
above the basic cap rather than on the year's burden, is an alternative of its ``mode``) is read each
way. A figure whose own source is the person's settlement slip (``observed``) is not varied: the
slip is the strongest evidence there is.

With a few figures in doubt every combination is tried; with many, each alternative alone (the ends
are then those of single changes, and :attr:`Range.exhaustive` says so).
"""


import itertools
from decimal import Decimal
from typing import Any, NamedTuple

from medins_cli.core.benefits.fund import FundRule
from medins_cli.core.engine import Outcome, Rule, prepare
from medins_cli.core.model import Alternative, Band, Bill, Claim, Policy, Section, TierRule, YearSoFar

#: The figures a range is given for.
RANGED = ("fund_pay", "critical_illness_pay", "out_of_pocket")
_MAX_COMBINATIONS = 64


class Variant(NamedTuple):
    """One figure read as a source gives it."""

    section: int  # the section's position in the file
    kind: str
    path: str  # e.g. tiers.3.ratio, or mode
    value: Any
    source: str
    note: str | None
    also: tuple[tuple[str, Any], ...] = ()  # other figures the reading changes with it (path, value)


class End(NamedTuple):
    """One end of a range: its figures, and the readings that give it (none: the data's own figures)."""

    figures: dict[str, Decimal]
    readings: tuple[Variant, ...]


class Range(NamedTuple):
    low: dict[str, Decimal]  # the lowest of each ranged figure
    high: dict[str, Decimal]
    cheapest: End  # where the person pays least
    dearest: End  # where the person pays most
    exhaustive: bool  # every combination was tried (else each alternative alone)
    varied: tuple[Variant, ...]  # every other reading considered
    settled: tuple[Variant, ...] = ()  # figures the person's own slip gave: not varied


def replace_figure(rule: Any, path: str, value: Any) -> Any:
    """``rule`` (a kind's record) with the figure at ``path`` replaced by ``value``."""
    parts = path.split(".")
    if parts[0] == "tiers" and len(parts) == 3:
        tiers = dict(rule.tiers)
        tier: TierRule = tiers[parts[1]]
        name = parts[2]
        if name == "ratio":
            tier = tier._replace(bands=(Band(None, value),), banded=False)
        elif name == "bands":
            tier = tier._replace(bands=tuple(value), banded=True)
        else:
            tier = tier._replace(**{name: value})
        tiers[parts[1]] = tier
        return rule._replace(tiers=tiers)
    if parts[0] == "bands":
        return rule._replace(bands=tuple(value))
    return rule._replace(**{parts[0]: value})


def _point(rule: Any, path: str) -> Any:
    """The data's own value of a figure (for saying which end it gives)."""
    parts = path.split(".")
    if parts[0] == "tiers" and len(parts) == 3:
        tier = rule.tiers[parts[1]]
        return tier.bands[0].ratio if parts[2] == "ratio" else tier.bands if parts[2] == "bands" \
            else getattr(tier, parts[2])
    return getattr(rule, parts[0], None)


def _used(payer: Any, path: str) -> bool:
    """Whether a payer's rule for this kind of bill uses the figure at ``path`` (the basic fund uses
    its tier's figures, not the other tiers')."""
    if isinstance(payer, FundRule):
        return any(p == path for group in payer.figure_paths.values() for p, _ in group)
    return True


def _with(section: Section, path: str, alternative: Alternative, cap: Decimal | None,
          ) -> tuple[tuple[str, Any], ...] | None:
    """What else changes when ``path`` reads as ``alternative`` (None: it cannot be computed).

    大额 read on the year's burden instead of above the basic cap, in a section with no threshold of
    its own (its first band starts at the cap): the burden must pass the basic fund's cap before it
    pays, so the threshold is that cap and the bands (counted from the cap) become absolute burdens.
    """
    if path != "mode" or alternative.value != "on_burden" or getattr(section.rule, "threshold", None):
        return ()
    if cap is None:
        return None  # no cap to start from: this reading cannot be estimated
    bands = tuple(Band(None if b.upto is None else b.upto + cap, b.ratio) for b in section.rule.bands)
    return (("threshold", cap), ("bands", bands))


def _fund_cap(rule: Rule, retired: bool) -> Decimal | None:
    """The basic fund's annual cap for this kind of bill (the retirees' when they have their own)."""
    fund = rule.payers[0].section.rule
    if retired and rule.plan == "employee" and getattr(fund, "retiree_annual_cap", None) is not None:
        return fund.retiree_annual_cap  # type: ignore[no-any-return]
    return getattr(fund, "annual_cap", None)


def readings(policy: Policy, rule: Rule, retired: bool = False) -> tuple[list[list[Variant]], list[Variant]]:
    """For each figure this kind of bill uses that has alternatives: its readings, the data's first;
    and the figures not varied because the person's own slip gave them."""
    out = []
    settled = []
    cap = _fund_cap(rule, retired)
    for payer in rule.payers:
        section = payer.section
        for path, fig in section.figures.items():
            if not fig.alternatives or not _used(payer, path):
                continue
            source = fig.source or section.source
            own = policy.sources.get(source)
            if own is not None and own.confidence == "observed":
                settled.append(Variant(section.position, section.kind, path, _point(section.rule, path), source,
                                       fig.note))
                continue  # the person's own slip: no range for this figure
            usable = [(a, also) for a in fig.alternatives if (also := _with(section, path, a, cap)) is not None]
            if usable:
                point = Variant(section.position, section.kind, path, _point(section.rule, path), source, fig.note)
                out.append([point] + [Variant(section.position, section.kind, path, a.value, a.source, a.note, also)
                                      for a, also in usable])
    return out, settled


def combinations(options: list[list[Variant]]) -> tuple[list[tuple[Variant, ...]], bool]:
    """The sets of other readings to try (each figure's choices, the data's own first: left out of a set),
    and whether they are every combination (at most :data:`_MAX_COMBINATIONS`) or each alternative alone."""
    count = 1
    for choices in options:
        count *= len(choices)
    if count <= _MAX_COMBINATIONS:
        combos = [tuple(v for v, choices in zip(combo, options, strict=True) if v is not choices[0])
                  for combo in itertools.product(*options)]
        return [c for c in combos if c], True
    return [(v,) for choices in options for v in choices[1:]], False


def spread(ends: list[End], exhaustive: bool, varied: tuple[Variant, ...], settled: tuple[Variant, ...]) -> Range:
    """The range over ``ends`` (the data's own figures first): each figure's lowest and highest, and the
    ends where the person pays least and most (on a tie, the one with the fewest other readings)."""
    low = {f: min(e.figures[f] for e in ends) for f in RANGED}
    high = {f: max(e.figures[f] for e in ends) for f in RANGED}
    cheapest = min(ends, key=lambda e: (e.figures["out_of_pocket"], len(e.readings)))
    dearest = max(ends, key=lambda e: (e.figures["out_of_pocket"], -len(e.readings)))
    return Range(low, high, cheapest, dearest, exhaustive, varied, settled)


def with_readings(policy: Policy, combo: tuple[Variant, ...]) -> Policy:
    """``policy`` with each figure of ``combo`` read as its source gives it."""
    sections = list(policy.sections)
    for reading in combo:
        i = next(i for i, s in enumerate(sections) if s.position == reading.section)
        changed = replace_figure(sections[i].rule, reading.path, reading.value)
        for path, value in reading.also:
            changed = replace_figure(changed, path, value)
        sections[i] = sections[i]._replace(rule=changed)
    return policy._replace(sections=tuple(sections))


class Ranger:
    """The other readings of one kind of bill, each prepared once (batch mode pays every row with them)."""

    __slots__ = ("variants", "exhaustive", "varied", "settled")

    def __init__(self, policy: Policy, rule: Rule, plan: str, visit: str, tier: str, retired: bool,
                 remote: str | None, day: str | None) -> None:
        options, self.settled = readings(policy, rule, retired)
        combos, self.exhaustive = combinations(options)
        self.variants: list[tuple[tuple[Variant, ...], Rule]] = []
        for combo in combos:
            try:
                self.variants.append((combo, prepare(with_readings(policy, combo), plan, visit, tier, retired,
                                                     remote, day)))
            except ValueError:
                continue  # a reading the data cannot be estimated with (a tier it lacks …)
        self.varied = tuple(v for choices in options for v in choices[1:])

    def __bool__(self) -> bool:
        return bool(self.variants)

    def range(self, bill: Bill, year: YearSoFar, point: Outcome, point_ci: Decimal) -> Range:
        """The range of one bill whose point figures are ``point`` (its 大病/大额 part ``point_ci``)."""
        total = bill.total
        ends = [End(_figures(total, point, point_ci), ())]
        for combo, rule in self.variants:
            out = rule.pay(bill, year)
            ci = out.paid[rule.ci_at].amount if rule.ci_at >= 0 else Decimal(0)
            ends.append(End(_figures(total, out, ci), combo))
        return spread(ends, self.exhaustive, self.varied, tuple(self.settled))


def _figures(total: Decimal, out: Outcome, ci: Decimal) -> dict[str, Decimal]:
    fund = out.paid[0].amount
    return {"fund_pay": fund, "critical_illness_pay": ci, "out_of_pocket": out.out_of_pocket}


def estimate_range(policy: Policy, claim: Claim, year: YearSoFar) -> Range | None:
    """The range of one bill over the readings other sources give of the figures it uses; None when
    none of them has an alternative (a range with no variants, when the person's slip settled them)."""
    if not any(s.figures for s in policy.sections):
        return None
    rule = prepare(policy, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote, claim.date)
    ranger = Ranger(policy, rule, claim.plan, claim.visit, claim.tier, claim.retired, claim.remote, claim.date)
    if not ranger and not ranger.settled:
        return None
    point = rule.pay(claim.bill, year)
    ci = point.paid[rule.ci_at].amount if rule.ci_at >= 0 else Decimal(0)
    return ranger.range(claim.bill, year, point, ci)
