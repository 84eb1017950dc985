"""Plain data the core computes with: a region's policy, a claim, and the breakdown.

The records are immutable ``NamedTuple`` classes: as cheap to define as to use, which
matters for a command-line tool that imports them on every run (a frozen dataclass
costs ~0.7 ms to define; twenty of them were a tenth of the start-up time).

Policies are built from the *normalised* dict that :mod:`medins_cli.store.schema` produces
after validating a YAML file (amounts and ratios as decimal strings), so this module
needs neither pydantic nor yaml.
"""


from decimal import Decimal
from typing import Any, Mapping, NamedTuple

D = Decimal


def _dec(value: Any) -> Decimal | None:
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


class InpatientSection(NamedTuple):
    tiers: Mapping[str, TierRule]
    source: str
    retiree_bonus: Decimal = D(0)
    repeat_admission: RepeatRule | None = None
    annual_cap: Decimal | None = None
    retiree_annual_cap: Decimal | None = None
    note: str | None = None


class OutpatientSection(NamedTuple):
    tiers: Mapping[str, TierRule]
    source: str
    annual_deductible: Decimal | None = None
    retiree_annual_deductible: Decimal | None = None
    retiree_bonus: Decimal = D(0)
    annual_cap: Decimal | None = None
    retiree_annual_cap: Decimal | None = None
    note: str | None = None


class CriticalIllnessSection(NamedTuple):
    """大病保险 / 大额医疗补助. ``mode`` ``on_burden``: bands on the year's policy-range personal
    burden above ``threshold``; ``above_cap``: bands on the policy-range costs above the point
    where the basic fund reached its annual cap (``threshold`` unused, 0)."""

    threshold: Decimal
    bands: tuple[Band, ...]
    source: str
    annual_cap: Decimal | None = None
    note: str | None = None
    mode: str = "on_burden"
    name: str | None = None  # the section's own name (e.g. 城镇职工大额医疗互助)
    includes_partial_self_pay: bool = False  # on_burden: 乙类先行自付 counts toward the burden


class RemoteRule(NamedTuple):
    ratio_minus: Decimal | None = None
    factor: Decimal | None = None


class RemoteSection(NamedTuple):
    rules: Mapping[str, RemoteRule]  # filed | transfer | unfiled | emergency
    source: str
    note: str | None = None


class AccountSection(NamedTuple):
    source: str
    contribution_rate: Decimal | None = None
    retiree_monthly: Decimal | None = None
    note: str | None = None


class Plan(NamedTuple):
    inpatient: InpatientSection | None = None
    outpatient: OutpatientSection | None = None
    critical_illness: CriticalIllnessSection | None = None
    remote: RemoteSection | None = None
    account: AccountSection | None = None


class Source(NamedTuple):
    id: str
    title: str
    confidence: str  # official | observed | secondary | unverified
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


class Policy(NamedTuple):
    region: Region
    year: int
    sources: Mapping[str, Source]
    plans: Mapping[str, Plan]
    notes: tuple[Note, ...] = ()
    file: str | None = None  # where the policy was read from, when it came from a file
    origin: str | None = None  # shipped | user | file (how the loader found it)


class Claim(NamedTuple):
    """One bill. Amounts are Decimal yuan; ``tier``/``plan``/``visit`` are normalised keys."""

    total: Decimal
    tier: str
    plan: str = "employee"
    visit: str = "inpatient"
    self_pay: Decimal = D(0)
    partial_self_pay: Decimal = D(0)
    retired: bool = False
    admission: int = 1
    ytd_fund: Decimal = D(0)
    ytd_outpatient: Decimal = D(0)
    remote: str | None = None
    ytd_burden: Decimal = D(0)  # this year's policy-range personal burden before this bill (大病 threshold)
    ytd_critical: Decimal = D(0)  # 大病/大额 already paid this year (lowers what is left of its cap)


class Step(NamedTuple):
    """One line of the explanation: what was computed, how, and the figure."""

    key: str
    label: str
    formula: str
    value: Decimal | None


class Limit(NamedTuple):
    """A yearly limit and how much of it is used once this bill is paid."""

    key: str  # fund_cap | critical_illness_threshold | critical_illness_cap
    label: str
    used: Decimal
    limit: Decimal


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
    warnings: tuple[str, ...]
    steps: tuple[Step, ...] = ()
    bound: str | None = None  # "upper" when the data lacks a figure that would lower the insurance share
    notes: tuple[str, ...] = ()  # what the reader should know: assumptions, the used sections' notes
    tier: str = ""  # the tier whose figures were used (三甲 without its own figures → "3")
    critical_illness_name: str = "大病保险"
    limits: tuple[Limit, ...] = ()  # how much of each yearly limit is used after this bill



class Payment(NamedTuple):
    """Who pays a bill: the insurance parts, then the personal account, family, cash."""

    fund_pay: Decimal
    critical_illness_pay: Decimal
    account_pay: Decimal
    family_pay: Decimal
    cash_pay: Decimal
    total: Decimal


# ---- building a Policy from the normalised dict -------------------------------------


def _bands(raw: list[Mapping[str, Any]]) -> tuple[Band, ...]:
    return tuple(Band(_dec(b.get("upto")), D(str(b["ratio"]))) for b in raw)


def _tier(raw: Mapping[str, Any]) -> TierRule:
    extra = (_dec(raw.get("retiree_bonus")), _dec(raw.get("visit_deductible")), raw.get("source"))
    if raw.get("bands"):
        return TierRule(_dec(raw.get("deductible")), _bands(raw["bands"]), True, *extra)
    return TierRule(_dec(raw.get("deductible")), (Band(None, D(str(raw["ratio"]))),), False, *extra)


def _repeat(raw: Mapping[str, Any] | None) -> RepeatRule | None:
    if not raw:
        return None
    return RepeatRule(_dec(raw.get("step")), _dec(raw.get("floor")), _dec(raw.get("factor")),
                      tuple(D(str(f)) for f in raw.get("factors") or ()))


def _tiers(raw: Mapping[str, Any]) -> dict[str, TierRule]:
    return {str(k): _tier(v) for k, v in raw.items()}


def _inpatient(raw: Mapping[str, Any]) -> InpatientSection:
    return InpatientSection(
        tiers=_tiers(raw["tiers"]),
        source=raw["source"],
        retiree_bonus=_dec(raw.get("retiree_bonus")) or D(0),
        repeat_admission=_repeat(raw.get("repeat_admission")),
        annual_cap=_dec(raw.get("annual_cap")),
        retiree_annual_cap=_dec(raw.get("retiree_annual_cap")),
        note=raw.get("note"),
    )


def _outpatient(raw: Mapping[str, Any]) -> OutpatientSection:
    return OutpatientSection(
        tiers=_tiers(raw["tiers"]),
        source=raw["source"],
        annual_deductible=_dec(raw.get("annual_deductible")),
        retiree_annual_deductible=_dec(raw.get("retiree_annual_deductible")),
        retiree_bonus=_dec(raw.get("retiree_bonus")) or D(0),
        annual_cap=_dec(raw.get("annual_cap")),
        retiree_annual_cap=_dec(raw.get("retiree_annual_cap")),
        note=raw.get("note"),
    )


def _critical(raw: Mapping[str, Any]) -> CriticalIllnessSection:
    return CriticalIllnessSection(
        threshold=_dec(raw.get("threshold")) or D(0),
        bands=_bands(raw["bands"]),
        source=raw["source"],
        annual_cap=_dec(raw.get("annual_cap")),
        note=raw.get("note"),
        mode=raw.get("mode") or "on_burden",
        name=raw.get("name"),
        includes_partial_self_pay=bool(raw.get("includes_partial_self_pay")),
    )


def _remote(raw: Mapping[str, Any]) -> RemoteSection:
    rules = {
        kind: RemoteRule(_dec(rule.get("ratio_minus")), _dec(rule.get("factor")))
        for kind in ("filed", "transfer", "unfiled", "emergency")
        if (rule := raw.get(kind)) is not None
    }
    return RemoteSection(rules=rules, source=raw["source"], note=raw.get("note"))


def _account(raw: Mapping[str, Any]) -> AccountSection:
    return AccountSection(
        source=raw["source"],
        contribution_rate=_dec(raw.get("contribution_rate")),
        retiree_monthly=_dec(raw.get("retiree_monthly")),
        note=raw.get("note"),
    )


_SECTIONS = {
    "inpatient": _inpatient,
    "outpatient": _outpatient,
    "critical_illness": _critical,
    "remote": _remote,
    "account": _account,
}


def _sections(body: Mapping[str, Any]) -> dict[str, Any]:
    return {key: build(body[key]) for key, build in _SECTIONS.items() if body.get(key)}


def policy_from_dict(raw: Mapping[str, Any]) -> Policy:
    """Build a :class:`Policy` from a validated, normalised policy dict (schema 1)."""
    reg = raw["region"]
    region = Region(
        name=reg["name"],
        province=reg.get("province") or reg["name"],
        level=reg.get("level", "city"),
        code=reg.get("code"),
        aliases=tuple(reg.get("aliases") or ()),
        hotline=reg.get("hotline"),
    )
    sources = {
        s["id"]: Source(
            id=s["id"],
            title=s["title"],
            confidence=s["confidence"],
            url=s.get("url"),
            publisher=s.get("publisher"),
            date=_iso(s.get("date")),
            effective=_iso(s.get("effective")),
            note=s.get("note"),
        )
        for s in raw.get("sources") or ()
    }
    plans = {name: Plan(**_sections(body)) for name, body in (raw.get("plans") or {}).items()}
    notes = tuple(Note(n["text"], n["source"]) for n in raw.get("notes") or ())
    return Policy(region=region, year=int(raw["year"]), sources=sources, plans=plans, notes=notes)


def _iso(value: Any) -> str | None:
    return None if value is None else str(value)
