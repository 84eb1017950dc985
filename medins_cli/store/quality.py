"""The evidence and data-quality index of the imported cities (``data/evidence/quality.json``,
written by ``scripts/import_aggregator.py``): what ``medins regions --quality`` shows."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from medins_cli.errors import DataError

#: Kinds of evidence page, best first (as data/evidence/README.md).
EVIDENCE_KINDS = ("authority", "reprint", "institution", "news", "portal", "qa", "content_farm")


class Quality(NamedTuple):
    """One imported city: its best evidence, the tables it shares, and its figures in doubt."""

    slug: str
    name: str
    province: str
    evidence: str | None  # the best kind of page found; "nothing_usable" when searched in vain; None: not searched
    pages: int
    agree: int
    differ: int
    changed: int
    placeholder: tuple[str, ...]  # "<plan>.<kind>" tables identical to cities in other provinces
    province_shared: tuple[str, ...]  # tables identical only to cities in the same province
    alternatives: int  # figures that carry another reading
    by_reason: dict[str, int]


def quality() -> list[Quality]:
    """Every imported city, in the index's order; a DataError when the index cannot be read."""
    from medins_cli.store.paths import shipped_data_dir

    path = shipped_data_dir() / "evidence" / "quality.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        rows = [_row(slug, r) for slug, r in doc["regions"].items()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"读不了数据质量索引 {path}({type(exc).__name__}):请重新安装 medins,"
                        "或运行 python scripts/import_aggregator.py 重写它") from None
    from medins_cli.core.names import PROVINCE_CODES

    return sorted(rows, key=lambda r: (PROVINCE_CODES.get(r.province, "99"), r.slug))  # as `medins regions`


def _row(slug: str, r: dict[str, Any]) -> Quality:
    ev = r.get("evidence")
    shared = r.get("shared") or {}
    if ev is None:
        kind = None
    elif ev.get("outcome") == "nothing_usable" or not ev.get("best_kind"):
        kind = "nothing_usable"
    else:
        kind = str(ev["best_kind"])
    return Quality(slug, str(r["name"]), str(r["province"]), kind, int((ev or {}).get("pages", 0)),
                   int((ev or {}).get("agree", 0)), int((ev or {}).get("differ", 0)), int((ev or {}).get("changed", 0)),
                   tuple(k for k, v in shared.items() if v["scope"] == "placeholder"),
                   tuple(k for k, v in shared.items() if v["scope"] == "province"),
                   int(r.get("figures_with_alternatives", 0)), dict(r.get("alternatives_by_reason") or {}))
