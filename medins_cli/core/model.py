"""Plain data the core computes with: a region's policy (dated sections, a source for every figure),
a claim and the year so far, and the breakdown.

The records are immutable ``NamedTuple`` classes: as cheap to define as to use, which matters for a
command-line tool that imports them on every run (a frozen dataclass costs ~0.7 ms to define).
What a section *holds* is each benefit kind's own record (:mod:`medins_cli.core.benefits`); this
module knows none of the kinds. Policies are built from the normalised dict the store produces
(:func:`medins_cli.core.policy.policy_from_dict`), so nothing here needs pydantic or yaml.
"""


import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, Mapping, NamedTuple

from medins_cli.core.messages import Msg

D = Decimal


def dec(value: Any) -> Decimal | None:
    return None if value is None else D(str(value))


class Band(NamedTuple):
    """One band of a banded ratio: ``ratio`` applies up to the absolute amount ``upto``."""

    upto: Decimal | None
    ratio: Decimal


class TierRule(NamedTuple):
    deductible: Decimal | None
    bands: tuple[Band, ...]  # a single ratio is one top band
    banded: bool  # True when the data gave bands (分段) rather than one ratio
    retiree_bonus: Decimal | None = None  # this tier's own retiree bonus (overrides the section's)
    visit_deductible: Decimal | None = None  # outpatient: a per-visit 起付线, after the annual one
    source: str | None = None  # where some of this tier's figures come from (e.g. the user's own slip)


class RepeatRule(NamedTuple):
    """起付线 of a later admission: ``step`` less each time (not below ``floor``), or × ``factor``
    from the second, or × ``factors[0]`` for the second, ``factors[1]`` for the third … (the
    last factor repeats)."""

    step: Decimal | None = None
    floor: Decimal | None = None
    factor: Decimal | None = None
    factors: tuple[Decimal, ...] = ()


class RemoteRule(NamedTuple):
    ratio_minus: Decimal | None = None
    factor: Decimal | None = None


# ---- provenance: a source for every figure, and what other sources say --------------------------


class Alternative(NamedTuple):
    """What another source says a figure is (``value`` as the figure's own type)."""

    value: Any
    source: str
    note: str | None = None


class Figure(NamedTuple):
    """Where one figure comes from when it is not simply its section's source, and its rivals."""

    source: str | None = None  # None: the section's source
    note: str | None = None
    alternatives: tuple[Alternative, ...] = ()


class Source(NamedTuple):
    id: str
    title: str
    confidence: str  # official | observed | secondary | unverified | placeholder
    url: str | None = None
    publisher: str | None = None
    date: str | None = None
    effective: str | None = None
    note: str | None = None


class Region(NamedTuple):
    name: str
    province: str
    level: str = "city"
    code: str | None = None
    aliases: tuple[str, ...] = ()
    hotline: str | None = None


class Note(NamedTuple):
    text: str
    source: str
    plan: str | None = None  # the plan it is about (an estimate of the other plan does not show it)
    kind: str | None = None  # the benefit kind it is about (shown only by an estimate that uses it)

    def about(self, plan: str, kinds: Iterable[str]) -> bool:
        """Whether the note concerns an estimate of ``plan`` that used the benefit ``kinds``."""
        return (self.plan is None or self.plan == plan) and (self.kind is None or self.kind in kinds)


class Section(NamedTuple):
    """One dated version of one benefit kind of one plan (``rule`` is the kind's own record)."""

    plan: str  # employee | resident
    kind: str  # a key of the benefit registry: inpatient, outpatient, critical_illness …
    effective: str  # ISO date the version is in force from
    until: str | None  # ISO date it is in force to (inclusive); None: until a later version
    source: str
    rule: Any
    note: str | None = None
    figures: Mapping[str, Figure] = {}  # "tiers.3.ratio" → its own source / alternatives
    position: int = 0  # its place in the file's list of sections

    def figure(self, path: str) -> Figure:
        """The provenance of the figure at ``path`` (the section's source when it has none of its own)."""
        return self.figures.get(path) or _PLAIN

    def source_of(self, path: str) -> str:
        return self.figures[path].source or self.source if path in self.figures else self.source

    def covers(self, day: str) -> bool:
        return self.effective <= day and (self.until is None or day <= self.until)


_PLAIN = Figure()


class Dated(NamedTuple):
    """The sections of a policy in force on one day: ``plans[plan][kind]``, and the sections used
    although the day lies outside their validity (no version covers it)."""

    day: str
    plans: Mapping[str, Mapping[str, Section]]
    outside: tuple[Section, ...]


#: What a policy's ``year`` means (its ``year_basis``), in words.
YEAR_WORDS = {"policy": "{year} 年政策", "updated": "数据更新于 {year} 年", "cited": "所引文件最新为 {year} 年"}


class Policy(NamedTuple):
    region: Region
    year: int | None  # the year the figures were last checked (schema 1's `year`); a label, not a date
    sources: Mapping[str, Source]
    sections: tuple[Section, ...]
    notes: tuple[Note, ...] = ()
    file: str | None = None  # where the policy was read from, when it came from a file
    origin: str | None = None  # shipped | user | file (how the loader found it)
    #: what ``year`` is: the policy year the figures describe (``policy``), the year the source last
    #: updated its table (``updated``: the public aggregator's lastUpdated), or the newest year among
    #: the documents it cites (``cited``)
    year_basis: str = "policy"

    @property
    def year_words(self) -> str | None:
        """What ``label_year`` means, in words for a title: 「2025 年政策」「数据更新于 2026 年」「所引文件最新为 2023 年」."""
        year = self.label_year
        if year is None:
            return None
        return YEAR_WORDS.get(self.year_basis, YEAR_WORDS["policy"]).format(year=year)

    def at(self, day: str | dt.date | None = None) -> Dated:
        """The version of every (plan, kind) in force on ``day`` (today by default): the latest one
        that covers the day; when none does, the latest that began before it, else the earliest."""
        key = (id(self), str(day) if day is not None else dt.date.today().isoformat())
        hit = _AT.get(key)
        if hit is not None and hit[0] is self:
            return hit[1]
        if len(_AT) > 256:
            _AT.clear()
        view = _select(self.sections, key[1])
        _AT[key] = (self, view)
        return view

    @property
    def plans(self) -> Mapping[str, Mapping[str, Section]]:
        """The sections in force today, by plan and kind."""
        return self.at().plans

    @property
    def label_year(self) -> int | None:
        """The year shown beside the region's name: the file's ``year``, else the newest section's."""
        if self.year is not None:
            return self.year
        return max((int(s.effective[:4]) for s in self.sections), default=None)


_AT: dict[tuple[int, str], tuple[Policy, Dated]] = {}


def _select(sections: tuple[Section, ...], day: str) -> Dated:
    groups: dict[tuple[str, str], list[Section]] = {}
    for section in sections:
        groups.setdefault((section.plan, section.kind), []).append(section)
    plans: dict[str, dict[str, Section]] = {}
    outside: list[Section] = []
    for (plan, kind), versions in groups.items():
        versions.sort(key=lambda s: s.effective)
        covering = [s for s in versions if s.covers(day)]
        if covering:
            chosen = covering[-1]
        else:
            begun = [s for s in versions if s.effective <= day]
            chosen = begun[-1] if begun else versions[0]
            outside.append(chosen)
        plans.setdefault(plan, {})[kind] = chosen
    return Dated(day, plans, tuple(outside))


# ---- a bill, the claim around it, and the year so far ---------------------------------------------


class Bill(NamedTuple):
    """The money of one bill, in yuan: the total and the parts outside the policy range."""

    total: Decimal
    self_pay: Decimal = D(0)  # 全自费 (目录外)
    partial_self_pay: Decimal = D(0)  # 乙类先行自付

    @property
    def eligible(self) -> Decimal:
        return self.total - self.self_pay - self.partial_self_pay


class Claim(NamedTuple):
    """One bill and what decides its rules: plan, visit, tier, retired, out-of-area kind, date."""

    bill: Bill
    tier: str
    plan: str = "employee"
    visit: str = "inpatient"
    retired: bool = False
    remote: str | None = None
    date: str | None = None  # ISO date of the visit; None: today

    @property
    def total(self) -> Decimal:
        return self.bill.total


class YearSoFar(NamedTuple):
    """What the person's earlier bills of the year mean for this one."""

    admissions: int = 0  # earlier inpatient admissions (this bill is admission ``admissions + 1``)
    inpatient_fund: Decimal = D(0)  # basic fund paid toward the inpatient annual cap
    outpatient_fund: Decimal = D(0)  # basic fund paid toward the outpatient annual limit
    outpatient_eligible: Decimal = D(0)  # outpatient policy-range costs (meets the annual 起付线)
    burden: Decimal = D(0)  # inpatient policy-range personal burden (toward the 大病 threshold)
    critical: Decimal = D(0)  # 大病/大额 already paid (against its annual cap)

    @property
    def admission(self) -> int:
        return self.admissions + 1

    def fund(self, visit: str) -> Decimal:
        """Fund paid toward the same annual cap as a bill of ``visit``."""
        return self.inpatient_fund if visit == "inpatient" else self.outpatient_fund


#: No earlier bills this year.
FIRST = YearSoFar()


# ---- the result ---------------------------------------------------------------------------------


class FigureUse(NamedTuple):
    """A figure a step used: where it sits in its section, its value and source, and its rivals."""

    path: str  # e.g. "tiers.3.deductible"
    kind: str
    value: Any
    source: str
    alternatives: tuple[Alternative, ...] = ()
    section: int = -1  # the section's position in the file


class Step(NamedTuple):
    """One line of the explanation: what was computed, how, and the figure."""

    key: str
    label: str
    formula: str
    value: Decimal | None
    figures: tuple[FigureUse, ...] = ()  # the policy figures this step used, with their sources


class Limit(NamedTuple):
    """A yearly limit and how much of it is used once this bill is paid."""

    key: str  # fund_cap | critical_illness_threshold | critical_illness_cap …
    label: str
    used: Decimal
    limit: Decimal


class PayLine(NamedTuple):
    """What one payer pays of a bill (the basic fund, 大病/大额, or another kind)."""

    kind: str  # the benefit kind
    payer: str  # the payer field: fund → fund_pay, critical_illness → critical_illness_pay …
    label: str
    amount: Decimal
    sources: tuple[str, ...] = ()


class Breakdown(NamedTuple):
    total: Decimal
    self_pay: Decimal
    partial_self_pay: Decimal
    eligible: Decimal
    deductible: Decimal
    fund_pay: Decimal
    critical_illness_pay: Decimal
    out_of_pocket: Decimal
    effective_ratio: Decimal
    ratio_note: str
    cap_left: Decimal | None
    remote_applied: str | None
    sources: tuple[str, ...]
    warnings: tuple[Msg | str, ...]
    steps: tuple[Step, ...] = ()
    bound: str | None = None  # "upper" when the data lacks a figure that would lower the insurance share
    notes: tuple[Msg | str, ...] = ()  # what the reader should know: assumptions, the used sections' notes
    tier: str = ""  # the tier whose figures were used (三甲 without its own figures → "3")
    critical_illness_name: str = "大病保险"
    limits: tuple[Limit, ...] = ()  # how much of each yearly limit is used after this bill
    lines: tuple[PayLine, ...] = ()  # every payer, in order (fund_pay and critical_illness_pay sum them)
    admission: int = 1

    def paid_by(self, payer: str) -> Decimal:
        """What the payer ``payer`` pays (0 when it pays nothing)."""
        return sum((line.amount for line in self.lines if line.payer == payer), D(0))


class Payment(NamedTuple):
    """Who pays a bill: the insurance parts, then the personal account, family, cash."""

    fund_pay: Decimal
    critical_illness_pay: Decimal
    account_pay: Decimal
    family_pay: Decimal
    cash_pay: Decimal
    total: Decimal
