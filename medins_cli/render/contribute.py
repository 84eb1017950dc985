"""``medins policy contribute``: the file a person sends to the project (see CONTRIBUTING.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medins_cli.render.sources import source_payload

FORMAT = 1  # the contribution file's own format version


def _plain(value: Any) -> Any:
    """Figures as numbers (the normalised data keeps them as text); lists of bands as plain dicts."""
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        return int(number) if number == number.to_integral_value() else float(number)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def contribution_payload(c: Any, *, made: str, version: str) -> dict[str, Any]:
    """The contribution as data: the region, each figure with its shipped value and its source, and
    the sources (a slip's as 「本人结算单 日期」: no hospital, person or ID)."""
    used: dict[str, Any] = {}
    figures = []
    for f in c.figures:
        used.setdefault(f.source.id, f.source)
        figures.append({"plan": f.plan, "kind": f.kind, "effective": f.effective, "until": f.until, "figure": f.path,
                        "value": _plain(f.value), "shipped": _plain(f.shipped), "source": f.source.id,
                        "from": "slip" if f.taught else "hand"})
    sources = []
    for src in used.values():
        item = source_payload(src)
        if src.note:
            item["note"] = src.note
        sources.append(item)
    return {"medins_contribution": FORMAT, "made": made, "medins": version,
            "region": {"name": c.region, "province": c.province, "code": c.code},
            "figures": figures, "sources": sources,
            "review": "见 medins 的 CONTRIBUTING.md:结算单的数字怎样核对、何时改动 data/ 里的数字、何时只作另一说法"}

