"""Building a :class:`~medins_cli.core.model.Policy` from the normalised dict the store produces
after validating a region file (schema 2: a list of dated sections; amounts and ratios as decimal
strings; a figure's own source and alternatives collected under each section's ``figures``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from medins_cli.core.benefits import kind as kind_of
from medins_cli.core.benefits.fund import bands_of
from medins_cli.core.errors import PolicyDataError
from medins_cli.core.model import Alternative, Figure, Note, Policy, Region, Section, Source

#: The keys every section has besides its kind's own fields.
SECTION_KEYS = ("plan", "kind", "effective", "until", "source", "note", "figures")


def figure_value(type_: str, value: Any) -> Any:
    """A figure's value (an alternative's, say) as the core computes with it."""
    if value is None:
        return None
    if type_ == "bands":
        return bands_of(value)
    if type_ in ("amount", "ratio"):
        return Decimal(str(value))
    return value


def _figures(raw: Mapping[str, Any], types: Mapping[str, str]) -> dict[str, Figure]:
    out = {}
    for path, meta in (raw or {}).items():
        type_ = types.get(path, "")
        alternatives = tuple(Alternative(figure_value(type_, a.get("value")), a["source"], a.get("note"))
                             for a in meta.get("alternatives") or ())
        out[path] = Figure(meta.get("source"), meta.get("note"), alternatives)
    return out


def leaf_type(fields: Any, parts: list[str]) -> str:
    """The type of the field at ``parts`` (tiers.<key>.<field>, record.<field>, field)."""
    if not parts:
        return ""
    field = next((f for f in fields if f.name == parts[0]), None)
    if field is None:
        return ""
    if field.type == "tiers":
        return leaf_type(field.fields, parts[2:]) if len(parts) > 2 else "tiers"
    if field.type == "record" and len(parts) > 1:
        return leaf_type(field.fields, parts[1:])
    return field.type


def policy_from_dict(raw: Mapping[str, Any]) -> Policy:
    """Build a :class:`Policy` from a validated, normalised policy dict (schema 2)."""
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
        s["id"]: Source(id=s["id"], title=s["title"], confidence=s["confidence"], url=s.get("url"),
                        publisher=s.get("publisher"), date=_iso(s.get("date")), effective=_iso(s.get("effective")),
                        note=s.get("note"))
        for s in raw.get("sources") or ()
    }
    sections = []
    for index, body in enumerate(raw.get("sections") or ()):
        k = kind_of(body["kind"])
        if k is None:
            raise PolicyDataError(f"不认识的报销规则种类「{body['kind']}」", code="unknown_kind", kind=body["kind"])
        figures = body.get("figures") or {}
        sections.append(Section(
            plan=body["plan"], kind=body["kind"], effective=str(body["effective"]), until=_iso(body.get("until")),
            source=body["source"], rule=k.build(body), note=body.get("note"),
            figures=_figures(figures, {p: leaf_type(k.spec.fields, p.split(".")) for p in figures}), position=index,
        ))
    notes = tuple(Note(n["text"], n["source"], n.get("plan"), n.get("kind")) for n in raw.get("notes") or ())
    year = raw.get("year")
    return Policy(region=region, year=None if year is None else int(year), sources=sources,
                  sections=tuple(sections), notes=notes, year_basis=raw.get("year_basis") or "policy")


def _iso(value: Any) -> str | None:
    return None if value is None else str(value)
