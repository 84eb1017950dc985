"""What the person's own region file says that the shipped one does not: the figures their slips
taught (``slip check --learn``) and any they corrected by hand, each with its source — the content
of ``medins policy contribute``. No personal field leaves: no person, hospital or ID, only figures,
dates and sources (a slip's source is retitled without its hospital)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, NamedTuple

from medins_cli.core.model import Source
from medins_cli.core.policy import SECTION_KEYS
from medins_cli.errors import UsageError

#: Keys of a section that are not figures.
_META = (*SECTION_KEYS, "name")  # a section's own keys, and a region's name


class Contributed(NamedTuple):
    """One figure of the person's file that the project's file lacks or gives otherwise."""

    plan: str
    kind: str
    effective: str
    until: str | None
    path: str  # e.g. tiers.3.deductible
    value: Any
    shipped: Any  # the shipped file's figure in force then (None: it has none)
    source: Source
    taught: bool  # read off the person's own slip (observed), not typed by hand


class Contribution(NamedTuple):
    region: str
    province: str
    code: str | None
    user_file: str
    shipped_file: str | None
    figures: list[Contributed]


def _figures(section: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in section.items():
        if not prefix and key in _META:
            continue
        if isinstance(value, dict):
            yield from _figures(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _in_force(sections: list[dict[str, Any]], plan: str, kind: str, day: str) -> dict[str, Any] | None:
    """The shipped version of plan/kind in force on ``day`` (else the earliest one)."""
    same = sorted((s for s in sections if s["plan"] == plan and s["kind"] == kind), key=lambda s: str(s["effective"]))
    if not same:
        return None
    started = [s for s in same if str(s["effective"]) <= day]
    return started[-1] if started else same[0]


def _source(raw: dict[str, Any]) -> Source:
    src = Source(id=str(raw["id"]), title=str(raw.get("title") or raw["id"]), confidence=str(raw["confidence"]),
                 url=raw.get("url"), publisher=raw.get("publisher"),
                 date=None if raw.get("date") is None else str(raw["date"]), note=raw.get("note"))
    if src.confidence == "observed":  # the slip's title names the hospital: left out
        src = src._replace(title=f"本人结算单 {src.date or '日期未注明'}", url=None, publisher=None)
    return src


def contribution(query: str) -> Contribution:
    """The person's own file for ``query`` compared with the shipped one; a UsageError when the
    person has no file of their own for it."""
    from medins_cli.store.regions import find_region, load_index, origin, read_policy_dict, region_key

    entry = find_region(query)
    user = str(entry["path"])
    name = str(entry["name"])
    if origin(user) != "user":
        raise UsageError(f"你还没有自己的{name}数据文件,没有可以提交的数字:先用 medins slip check 结算单 --learn "
                         f"从本人结算单学到数字(或 medins policy init {name} 照通知填写)")
    shipped = next((str(e["path"]) for e in load_index()
                    if region_key(str(e["name"])) == region_key(name) and origin(str(e["path"])) == "shipped"), None)
    mine = read_policy_dict(Path(user))
    theirs = read_policy_dict(Path(shipped)) if shipped is not None else {"sections": [], "sources": []}
    sources = {str(s["id"]): s for s in mine.get("sources") or []}
    out = []
    for section in mine["sections"]:
        effective = str(section["effective"])
        base = _in_force(theirs["sections"], section["plan"], section["kind"], effective)
        known = dict(_figures(base)) if base is not None else {}
        meta = section.get("figures") or {}
        for path, value in _figures(section):
            sid = str((meta.get(path) or {}).get("source") or section["source"])
            src = sources.get(sid)
            if src is None:
                continue
            taught = src.get("confidence") == "observed"
            if known.get(path) == value and not taught:
                continue  # as shipped (a slip that confirms a shipped figure is evidence too: kept)
            out.append(Contributed(section["plan"], section["kind"], effective,
                                   None if section.get("until") is None else str(section["until"]), path, value,
                                   known.get(path), _source(src), taught))
    region = mine["region"]
    return Contribution(str(region["name"]), str(region.get("province") or ""), region.get("code"), user, shipped, out)


def contribution_text(payload: dict[str, Any]) -> str:
    """The contribution file (YAML), with a head saying what is in it and what is not."""
    import yaml

    head = ("# medins policy contribute:本人数据文件与内置数据不同的数字,每个带来源。\n"
            "# 不含姓名、身份证号、住院号、医院名;寄出前请自己再看一遍。\n")
    return head + yaml.safe_dump(payload, allow_unicode=True, sort_keys=False, width=100)
