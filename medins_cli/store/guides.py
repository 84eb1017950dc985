"""Guide content (data/guides/*.yaml): loading, scenario matching and region rules.

Each file is validated once with pydantic (:mod:`medins_cli.store.guide_schema`) through
:func:`medins_cli.store.cache.load_validated`, which caches a normalised JSON copy keyed by the
file's content, so an everyday run reads JSON and imports neither yaml nor pydantic.
Every ``source`` in a guide must be an id in sources.yaml; that cross-file check is here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from medins_cli.core.model import Source
from medins_cli.core.sourced import walk_sources
from medins_cli.errors import DataError, UsageError

GUIDE_FILES = ("sources", "places", "checklists", "balance", "transfer", "filing")
_FOLD_DROP = re.compile(r"[\s\-_·・/()（）《》【】\[\]、,，.。:：\"“”']+")


def guides_dir() -> Path:
    from medins_cli.store.paths import shipped_data_dir

    return shipped_data_dir() / "guides"


def fold(text: str) -> str:
    """Matching key for scenario words: case-folded, without spaces, brackets and punctuation."""
    return _FOLD_DROP.sub("", str(text)).casefold()


# ---- loading -----------------------------------------------------------------------------

_loaded: dict[tuple[str, str], Any] = {}


def _raw(kind: str) -> Any:
    from medins_cli.store.cache import load_validated

    path = guides_dir() / f"{kind}.yaml"
    key = (kind, str(path))
    if key not in _loaded:
        _loaded[key] = load_validated(path, "guides", f"medins_cli.store.guide_schema:validate_{kind}", "指南文件")
    return _loaded[key]


def sources() -> dict[str, Source]:
    """Source id → :class:`~medins_cli.core.model.Source` (the type region files use) from sources.yaml."""
    return {s["id"]: Source(id=s["id"], title=s["title"], confidence=s["confidence"], url=s.get("url"),
                            publisher=s.get("publisher"), date=s.get("date"))
            for s in _raw("sources")["sources"]}


def load(kind: str) -> dict[str, Any]:
    """One guide file's validated data; a DataError if a ``source`` names no known id."""
    if kind not in GUIDE_FILES:
        raise ValueError(kind)
    data = _raw(kind)
    if kind not in ("sources", "places"):
        known = sources()
        for sid in walk_sources(data):
            if sid not in known:
                raise DataError(
                    f"指南文件 {guides_dir() / (kind + '.yaml')} 引用了不存在的来源「{sid}」:"
                    f"请在 sources.yaml 中添加,或改用已有的 id"
                )
    return data


# ---- scenarios ---------------------------------------------------------------------------


def scenarios() -> list[dict[str, Any]]:
    """Every checklist scenario, its ``parts`` (ids in the file) resolved to the parts themselves."""
    data = load("checklists")
    parts = {p["id"]: p for p in data.get("parts", ())}
    return [{**s, "parts": [parts[pid] for pid in s.get("parts", ())]} for s in data["scenarios"]]


def scenario_names() -> list[str]:
    """Scenario names and ids (shell completion)."""
    out: list[str] = []
    for s in scenarios():
        out += [s["name"], s["id"]]
    return out


def find_scenario(query: str) -> dict[str, Any]:
    """The scenario whose id, name or alias (Chinese or pinyin) matches ``query``.

    Exact match first (case, spaces and punctuation ignored), then a unique partial match;
    otherwise a UsageError that suggests close names.
    """
    key = fold(query)
    all_ = scenarios()
    words = {s["id"]: [fold(w) for w in (s["id"], s["name"], *s["aliases"])] for s in all_}
    if key:
        for s in all_:
            if key in words[s["id"]]:
                return s
        partial = [s for s in all_ if len(key) >= 2 and any(key in w or (len(w) >= 2 and w in key) for w in words[s["id"]])]
        if len(partial) == 1:
            return partial[0]
    else:
        partial = []
    raise UsageError(f"不认识的场景「{query}」。{_hint(key, all_, words, partial)}用 medins checklist --list 查看全部场景")


_MAX_COMPARED = 64  # as store.regions.MAX_NAME_CHARS: longer words are never compared for suggestions


def _hint(key: str, all_: list[dict[str, Any]], words: dict[str, list[str]], partial: list[dict[str, Any]]) -> str:
    import difflib

    by_word = {w: s["name"] for s in all_ for w in words[s["id"]]}
    names = [s["name"] for s in partial]
    if len(key) <= _MAX_COMPARED:  # a name of thousands of characters is like none: not compared
        names += [by_word[w] for w in difflib.get_close_matches(key, list(by_word), n=6, cutoff=0.4)]
    names = list(dict.fromkeys(names))[:4]
    return f"你是不是要找:{'、'.join(names)}?" if names else ""


# ---- places and region rules -------------------------------------------------------------


class Place(NamedTuple):
    """The user's region as far as guides care: its name and, when known, its province."""

    name: str
    province: str | None = None
    #: Said once on stderr when the name asked for was a district, county, old or short name
    #: (顺德区 属于 佛山,按佛山计算): :func:`medins_cli.store.regions.resolution_note`.
    note: str | None = None

    def keys(self) -> set[str]:
        from medins_cli.store.regions import region_key

        return {region_key(n) for n in (self.name, self.province) if n}

    def payload(self) -> dict[str, Any]:
        return {"name": self.name, "province": self.province}


def _place_table() -> dict[str, Place]:
    from medins_cli.store.regions import region_key

    data = load("places")
    table: dict[str, Place] = {}
    for p in data["provinces"]:
        for word in (p["name"], *p["aliases"]):
            table[region_key(word)] = Place(p["name"], p["name"])
    for c in data["cities"]:
        for word in (c["name"], *c["aliases"]):
            table[region_key(word)] = Place(c["name"], c["province"])
    return table


def _rule_regions() -> set[str]:
    out: set[str] = set()
    for kind in ("checklists", "balance", "transfer", "filing"):
        data = load(kind)
        rules = [r for s in data["scenarios"] for r in s["region_rules"]] if kind == "checklists" else data["region_rules"]
        out.update(n for r in rules for n in r["regions"])
    return out


def find_place(query: str) -> Place:
    """A region the guides know: from data/regions (name, alias, pinyin), else data/guides/places.yaml,
    else any region a guide rule names. Unknown → UsageError with suggestions."""
    from medins_cli.store.regions import (
        AmbiguousPlace,
        AmbiguousRegion,
        PlaceWithoutFile,
        RegionNameTooLong,
        find_region,
        region_key,
        resolution_note,
    )

    try:
        entry = find_region(query)
        return Place(str(entry["name"]), entry.get("province"), resolution_note(entry))
    except (AmbiguousPlace, PlaceWithoutFile) as exc:  # 安宁 (昆明's or 兰州's), 琼海 (海南's own), 广东
        known = _place_table().get(region_key(query))
        if known is not None:  # a place the guides were told about: its province decides
            return known
        if isinstance(exc, PlaceWithoutFile):
            return Place(*exc.place)  # no figures, but a place: its province's rules apply
        raise
    except (AmbiguousRegion, RegionNameTooLong):
        raise  # 苏州 or 宿州: asking back is the answer, not a guess among the guide places; too long: no name
    except UsageError as exc:
        key = region_key(query)
        table = _place_table()
        if key in table:
            return table[key]
        for name in _rule_regions():
            if region_key(name) == key:
                return Place(name, None)
        import difflib

        close = difflib.get_close_matches(key, list(table), n=3, cutoff=0.6)
        extra = "、".join(dict.fromkeys(table[c].name for c in close))
        if extra and "你是不是要找" not in str(exc):
            raise UsageError(f"不认识的地区「{query}」。你是不是要找:{extra}?用 medins regions 查看已有地区") from None
        raise


def rule_applies(rule: dict[str, Any], place: Place | None, role: str = "any") -> bool:
    """True when ``place`` (its name or province) is listed in the rule and the role fits."""
    if place is None:
        return False
    if rule.get("role", "any") not in ("any", role):
        return False
    from medins_cli.store.regions import region_key

    keys = place.keys()
    return any(region_key(r) in keys for r in rule["regions"])


def matching_rules(rules: Iterable[dict[str, Any]], place: Place | None, role: str = "any") -> list[dict[str, Any]]:
    """The rules that apply to ``place``, each with ``matched`` set to the listed name that matched."""
    from medins_cli.store.regions import region_key

    out = []
    for rule in rules:
        if rule_applies(rule, place, role):
            assert place is not None
            keys = place.keys()
            matched = next(r for r in rule["regions"] if region_key(r) in keys)
            out.append({**rule, "matched": matched})
    return out




class Guide(NamedTuple):
    """One guide (a guide file, or one checklist scenario) with what the person's places select from it.

    ``applying`` are the region rules that apply (each with ``matched``, the name that matched),
    ``others`` the rules that do not (their ``example`` lines are shown as examples); the
    payloads are built from this record by :mod:`medins_cli.render.guide_payloads`.
    """

    data: dict[str, Any]
    applying: list[dict[str, Any]]
    others: list[dict[str, Any]]
    sources: dict[str, Source]


def select(data: dict[str, Any], *wants: tuple[Place | None, str]) -> Guide:
    """``data`` (a guide file's or a scenario's) with its region rules sorted for ``wants``, pairs of a
    place and its role (``from``/``to``/``any``): the rules for the first want first."""
    rules = data["region_rules"]
    applying = [r for place, role in wants for r in matching_rules(rules, place, role)]
    others = [r for r in rules if not any(rule_applies(r, place, role) for place, role in wants)]
    return Guide(data, applying, others, sources())


def guide(kind: str, *wants: tuple[Place | None, str]) -> Guide:
    """A guide file (``transfer``, ``filing``, ``balance``) selected for ``wants`` (see :func:`select`)."""
    return select(load(kind), *wants)


def default_contribution_rate() -> dict[str, Any]:
    return dict(load("balance")["default_contribution_rate"])
