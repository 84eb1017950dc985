"""Benefit kinds as plug-ins: one module per kind, each registering what its data holds
(:class:`~medins_cli.core.benefits.spec.Spec`), when it applies, how it pays, its explanation
steps, its yearly limits and its warnings.

Roles:
- ``payer``: pays part of a bill and becomes a line of the breakdown (``fund`` for the basic fund,
  ``critical_illness`` for 大病/大额 …). The *primary* payer of a visit (the basic fund) decides the
  policy-range amount, the deductible and the ratio; the others come after it and may read it.
- ``modifier``: changes how the payers pay (out-of-area care changes the ratios).
- ``info``: figures that a command reads but no bill pays from (the personal account).

Adding a kind: write ``core/benefits/<kind>.py`` with a :class:`Kind` subclass and its spec, and
``register()`` it (the built-in kinds are registered at the bottom of this module); a data file's
section with ``kind: <key>`` is then validated, estimated, explained, shown and batched.
See docs/architecture.md.
"""


from decimal import Decimal
from typing import Any, Mapping, NamedTuple

from medins_cli.core.benefits.spec import Spec
from medins_cli.core.messages import Msg
from medins_cli.core.model import Bill, Dated, Limit, PayLine, Policy, RemoteRule, Section, Step, YearSoFar


class Prep(NamedTuple):
    """What fixes the rules of a kind of bill: the policy (as in force on the day), plan, visit,
    tier, retired, out-of-area kind."""

    policy: Policy
    dated: Dated
    plan: str
    visit: str
    tier: str
    retired: bool
    remote: str | None

    @property
    def employee_retired(self) -> bool:
        return self.retired and self.plan == "employee"


class Context:
    """What the modifiers and the primary payer work out for the payers after them."""

    __slots__ = ("remote_rule", "remote_applied", "bound_reasons", "warnings", "notes", "sources", "primary")

    def __init__(self) -> None:
        self.remote_rule: RemoteRule | None = None
        self.remote_applied: str | None = None
        self.bound_reasons: list[Msg] = []  # missing figures that make the insurance share an upper bound
        self.warnings: list[Msg] = []
        self.notes: list[str] = []
        self.sources: list[str] = []
        self.primary: Any = None  # the primary payer's prepared rule


class Paid(NamedTuple):
    """One payer's part of one bill: the amount and whatever the kind needs to explain it."""

    amount: Decimal
    detail: Any = None


class Prepared:
    """A payer ready for bills of one kind (see :meth:`Kind.prepare`). Subclasses compute."""

    kind: "Kind"
    section: Section
    plan: str
    retired: bool

    def pay(self, bill: Bill, year: YearSoFar, earlier: tuple[Paid, ...]) -> Paid:
        raise NotImplementedError

    def bill_bounds(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Msg]:
        """Upper-bound reasons that depend on this bill (e.g. a missing cap that would bite)."""
        return []

    def bill_warnings(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Msg]:
        return []

    def steps(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Step]:
        return []

    def limits(self, year: YearSoFar, after: YearSoFar, paid: Paid) -> list[Limit]:
        """How much of this payer's yearly limits is used once the bill is paid (``after``)."""
        return self.kind.limits(self.section, self.plan, self.retired, after)

    def carry(self, year: YearSoFar, bill: Bill, paid: Paid, earlier: tuple[Paid, ...]) -> YearSoFar:
        """The year so far after this bill, as this payer counts it."""
        return year

    def line(self, paid: Paid) -> PayLine:
        kind = self.kind
        return PayLine(kind.key, kind.payer or kind.key, self.label(), paid.amount, self.sources())

    def label(self) -> str:
        return self.kind.payer_label

    def sources(self) -> tuple[str, ...]:
        return (self.section.source,)


class Kind:
    """A benefit kind. Subclasses set the class attributes and implement :meth:`build` (and, for
    payers and modifiers, :meth:`prepare`)."""

    key: str = ""
    label: str = ""  # the section's name in words: 住院, 大病保险/大额医疗补助 …
    role: str = "payer"  # payer | modifier | info
    payer: str | None = None  # the breakdown field stem: fund → fund_pay
    payer_label: str = ""  # the table row: 统筹基金支付
    visits: tuple[str, ...] = ()  # the visits this payer pays for
    primary: bool = False  # the basic fund of its visits
    order: int = 50  # payers pay in this order, after the primary
    spec: Spec = Spec(())
    doc: str = ""  # one line for the template and docs

    def build(self, body: Mapping[str, Any]) -> Any:
        """The kind's typed record from a validated, normalised section body."""
        raise NotImplementedError

    def prepare(self, prep: Prep, section: Section, ctx: Context) -> Prepared | None:
        """For payers: ready to pay bills of this kind, or None when it does not apply; for
        modifiers: adjust ``ctx`` (and return None)."""
        return None

    def applies_to(self, visit: str) -> bool:
        return visit in self.visits

    def limits(self, section: Section, plan: str, retired: bool, so_far: YearSoFar) -> list[Limit]:
        """How much of this kind's yearly limits ``so_far`` has used (the ledger's year, or the year
        after a bill)."""
        return []


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (a later one with the same key replaces it); returns it."""
    _KINDS[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _KINDS.pop(key, None)


def kinds() -> tuple[Kind, ...]:
    """Every registered kind: primaries first, then by ``order``."""
    return tuple(sorted(_KINDS.values(), key=lambda k: (not k.primary, k.order, k.key)))


def kind(key: str) -> Kind | None:
    return _KINDS.get(key)


def payers() -> tuple[str, ...]:
    """The payer fields every breakdown has, in order (fund, critical_illness, then added kinds)."""
    return tuple(dict.fromkeys(k.payer for k in kinds() if k.role == "payer" and k.payer))


def _register_builtins() -> None:
    from medins_cli.core.benefits import account, critical_illness, fund, remote

    for k in (fund.INPATIENT, fund.OUTPATIENT, critical_illness.CRITICAL_ILLNESS, remote.REMOTE, account.ACCOUNT):
        register(k)


_register_builtins()
