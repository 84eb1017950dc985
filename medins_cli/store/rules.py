"""National and provincial rules (data/rules/*.yaml): loading, validation, and the core's records.

Each file is validated once with pydantic (:mod:`medins_cli.store.rules_schema`) through
:func:`medins_cli.store.cache.load_validated`, which caches a normalised JSON copy keyed by the
file's content: an everyday run reads JSON and imports neither yaml nor pydantic. The loaders
below turn that JSON into the pure records of :mod:`medins_cli.core` (Decimal figures, tuples).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medins_cli.core.sourced import Book, Figure, RuleSource, Text

if TYPE_CHECKING:
    from medins_cli.core.contribution import ContributionRules
    from medins_cli.core.coverage import WaitingRules, Window
    from medins_cli.core.maternity import MaternityRules
    from medins_cli.core.tax import TaxRules

RULE_FILES = ("contributions", "waiting", "tax", "maternity")


def rules_dir() -> Path:
    from medins_cli.store.paths import shipped_data_dir

    return shipped_data_dir() / "rules"


_loaded: dict[str, Any] = {}


def raw(name: str) -> Any:
    """One rules file's validated data (plain JSON)."""
    if name not in RULE_FILES:
        raise ValueError(name)
    if name not in _loaded:
        from medins_cli.store.cache import load_validated

        _loaded[name] = load_validated(rules_dir() / f"{name}.yaml", "rules",
                                       f"medins_cli.store.rules_schema:validate_{name}", "规则文件")
    return _loaded[name]


# ---- leaves -------------------------------------------------------------------------------------


def _book(name: str, data: dict[str, Any]) -> Book:
    return Book(name, {s["id"]: RuleSource(s["id"], s.get("title"), s.get("url"), s.get("date"), s["kind"],
                                           s["confidence"], s["quote"], s.get("doc_number"))
                       for s in data["sources"]})


def _fig(d: dict[str, Any] | None) -> Figure | None:
    if d is None:
        return None
    total = d.get("total")
    return Figure(Decimal(str(d["value"])), tuple(d["sources"]), d["confidence"], d.get("note"),
                  None if total is None else Decimal(total))


def _must(d: dict[str, Any]) -> Figure:
    fig = _fig(d)
    assert fig is not None
    return fig


def _text(d: dict[str, Any] | None) -> Text | None:
    if d is None:
        return None
    return Text(d["text"], tuple(d["sources"]), d["confidence"], d.get("note"))


def _t(d: dict[str, Any]) -> Text:
    text = _text(d)
    assert text is not None
    return text


# ---- the four files ------------------------------------------------------------------------------


def contributions() -> ContributionRules:
    from medins_cli.core.contribution import ContributionRules, Flexible, LocalResident, NationalYear

    d = raw("contributions")
    return ContributionRules(
        book=_book("contributions", d),
        national=tuple(NationalYear(n["notice_year"], n.get("notice"), _fig(n.get("individual")), _fig(n.get("subsidy")),
                                    n.get("note"), tuple(n.get("sources") or ())) for n in d["resident_national"]),
        lag=_must(d["collection_lag"]),
        local=tuple(LocalResident(x["place"], x["coverage_year"], _must(x["individual"]), _fig(x.get("subsidy")),
                                  x.get("note")) for x in d["resident_local"]),
        flexible=tuple(Flexible(x["place"], x.get("since"), x.get("since_basis"), _must(x["rate"]),
                                _fig(x.get("base_monthly_min")), _fig(x.get("base_monthly_max")), x.get("base_note"))
                       for x in d["flexible_local"]),
        notes=tuple(_t(n) for n in d["notes"]),
    )


def _window(d: dict[str, Any] | None) -> Window | None:
    from medins_cli.core.coverage import Window

    if d is None:
        return None
    start_m, start_d = (int(p) for p in d["from"].split("-"))
    end_m, end_d = d["to"].split("-")
    return Window((start_m, start_d), (int(end_m), None if end_d == "末" else int(end_d)),
                  Text(f"{d['from']} 至 {d['to']}", tuple(d["sources"]), d["confidence"], d.get("note")))


def waiting() -> WaitingRules:
    from medins_cli.core.coverage import (
        EmployeeGap,
        Exempt,
        Incentives,
        LocalExempt,
        PlaceRule,
        ResidentWaiting,
        WaitingRules,
    )

    d = raw("waiting")
    resident = []
    for r in d["resident"]:
        inc = r["incentives"]
        resident.append(ResidentWaiting(
            r.get("since"), r.get("since_basis"), r["document"], _t(r["doc_number"]), _t(r["applies"]),
            _must(r["fixed_months"]), _must(r["variable_months_per_gap_year"]), _must(r["free_gap_years"]),
            _must(r["repair_months_per_year"]), _must(r["long_gap_years"]), _must(r["long_gap_minimum_months"]),
            _t(r["waiting_costs"]),
            tuple(Exempt(e["group"], tuple(e["words"]), Text(e["text"], tuple(e["sources"]), e["confidence"]))
                  for e in r["exempt"]),
            tuple(LocalExempt(e["place"], tuple(e["groups"]), Text("、".join(e["groups"]), tuple(e["sources"]),
                                                                    e["confidence"], e.get("note")))
                  for e in r["local_exempt_examples"]),
            Incentives(_must(inc["continuous_after_years"]), _must(inc["continuous_min_per_year"]),
                       _must(inc["zero_claim_min"]), _must(inc["total_cap_share"]), _t(inc["resets"])),
        ))
    employee = tuple(EmployeeGap(e.get("since"), e.get("since_basis"), e["document"], _must(e["arrears_months"]),
                                 _must(e["max_waiting_months"]), tuple(_t(x) for x in e["local_examples"]))
                     for e in d["employee"])
    places = tuple(PlaceRule(p["place"], p.get("since"), p.get("since_basis"), p["draft"], _window(p.get("window")),
                             _window(p.get("extension")), _fig(p.get("newborn_days")), _fig(p.get("incentive_amount")))
                   for p in d["places"])
    return WaitingRules(_book("waiting", d), tuple(resident), employee, places,
                        tuple(_t(x) for x in d["disputes"]["resident"]), tuple(_t(x) for x in d["disputes"]["employee"]))


def tax() -> TaxRules:
    from medins_cli.core.tax import SlipFields, TaxRule, TaxRules

    d = raw("tax")
    rules = tuple(TaxRule(r.get("since"), r["document"], _t(r["doc_number"]), _must(r["threshold"]), _must(r["limit"]),
                          _t(r["base"]), _t(r["who"]), _t(r["separately"]), _t(r["when"]), _t(r["record"]),
                          _text(r.get("no_inpatient_needed")))
                  for r in d["serious_illness"])
    sf = d["slip_fields"]
    fields = SlipFields(sf["basis"], tuple(sf["counted"]), tuple(sf["not_counted"]),
                        Text(sf["text"], tuple(sf["sources"]), sf["confidence"]))
    return TaxRules(_book("tax", d), rules, fields, tuple(_t(n) for n in d["notes"]))


def maternity() -> MaternityRules:
    from medins_cli.core.maternity import DailyRate, MaternityRules, MatNational, MatProvince, MatVersion

    d = raw("maternity")
    n = d["national"]
    national = MatNational(n["regulation"], _must(n["base_days"]), _must(n["difficult_extra"]), _must(n["per_extra_baby"]),
                           _must(n["miscarriage_months"]), _must(n["miscarriage_under"]), _must(n["miscarriage_from"]),
                           _t(n["allowance_basis"]), _t(n["payer"]), _t(n["overview"]), _t(n["local_bands"]))
    rates = tuple(DailyRate(r["key"], r["text"], r["months"], r["divisor"], tuple(r["sources"]), r["confidence"],
                            r.get("note")) for r in d["daily_rate"])
    provinces = {}
    for p in d["provinces"]:
        versions = tuple(MatVersion(
            v.get("since"), v.get("since_basis"), v.get("regulation"), _fig(v.get("extra_days")),
            {k: _must(f) for k, f in (v.get("extra_days_by_child") or {}).items()}, _fig(v.get("insurance_days")),
            _text(v.get("pay_words")), tuple(_t(x) for x in v["disputes"]), tuple(_t(x) for x in v["alternatives"]),
            v.get("note"), tuple(v["note_sources"]), v["current"], v.get("current_note"), tuple(v["current_sources"]),
        ) for v in p["versions"])
        provinces[p["province"]] = MatProvince(p["province"], versions, p.get("unknown"), tuple(p["unknown_sources"]))
    return MaternityRules(_book("maternity", d), national, rates, tuple(_t(x) for x in d["disputes"]), provinces)
