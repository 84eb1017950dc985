"""Sourced rules: the records every national or provincial rule of data/rules/*.yaml is made of.

A rule's figure (15,000 yuan, 3 months, 98 days) never travels alone: it carries the ids of the
sources it was read from and how sure they are. A computation built on them (the contribution,
the waiting period, the tax deduction, the maternity leave) is a list of :class:`Step`, each naming
the sources of the figures it used, so that ``--explain`` and JSON can cite every rule.

Pure: the store reads and validates the files (:mod:`medins_cli.store.rules`) and hands over these records.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from medins_cli.core.names import CONFIDENCE_RANK


def walk_sources(data: Any) -> Iterator[str]:
    """Every ``source`` value anywhere in nested dicts and lists (a guide file, a payload)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "source" and isinstance(value, str):
                yield value
            else:
                yield from walk_sources(value)
    elif isinstance(data, list):
        for value in data:
            yield from walk_sources(value)


class RuleSource(NamedTuple):
    """A public page a rule was read from (the quote is at most 200 characters, as found)."""

    id: str
    title: str | None
    url: str | None
    date: str | None
    kind: str  # official | news | reprint | qa | portal | content_farm
    confidence: str  # official | secondary | unverified
    quote: str
    doc_number: str | None = None


class Figure(NamedTuple):
    """One figure of a rule and where it comes from."""

    value: Decimal
    sources: tuple[str, ...]
    confidence: str
    note: str | None = None
    total: Decimal | None = None  # days: the total a source reported, when ``value`` is worked out from it


class Text(NamedTuple):
    """One sourced sentence (a rule that is not a number, a dispute between sources)."""

    text: str
    sources: tuple[str, ...]
    confidence: str
    note: str | None = None


class Step(NamedTuple):
    """One step of a computation: what was worked out, how, the result, and the sources it rests on."""

    key: str
    label: str
    formula: str
    value: Any  # Decimal, int, a date (ISO text), or None for a rule that is only stated
    sources: tuple[str, ...] = ()
    confidence: str | None = None  # the weakest of the figures used; None: the user's own figure
    note: str | None = None
    unit: str | None = None  # 元, 天, 个月, 年 … (shown after the value)


class Book(NamedTuple):
    """The sources of one rules file, by id."""

    name: str  # contributions | waiting | tax | maternity
    sources: Mapping[str, RuleSource]


def weakest(confidences: Iterable[str | None]) -> str | None:
    """The least sure of some confidences (None, the user's own figures, is ignored)."""
    known = [c for c in confidences if c is not None]
    if not known:
        return None
    return min(known, key=CONFIDENCE_RANK.index)


def cited(steps: Iterable[Step]) -> tuple[str, ...]:
    """The source ids of some steps, in order of first use."""
    return tuple(dict.fromkeys(s for step in steps for s in step.sources))


def honesty_line(book_sources: Mapping[str, RuleSource], ids: Iterable[str]) -> str | None:
    """One warning when none of the sources used is the authority's own text (today: always)."""
    used = [book_sources[i] for i in dict.fromkeys(ids) if i in book_sources]
    if not used or any(s.confidence == "official" for s in used):
        return None
    if all(s.confidence == "unverified" for s in used):
        return "这些规则只有未核实的网页(问答、门户、内容农场)作来源,没有读到发文机关的原文:数字仅供参考,请以官方文件为准"
    return "这些规则的来源是新闻、转载或未核实的网页,没有读到发文机关的原文:请以官方文件为准"


# ---- dates with the precision a source gives ------------------------------------------------------


def since_date(since: str | None) -> dt.date | None:
    """"2025" → 2025-01-01, "2021-11" → 2021-11-01, "2022-02-10" → that day; None stays None.

    A source that gives only a year or a month is compared from its first day; it is *shown* as
    written (:func:`since_text`), never as a day the source did not give."""
    if since is None:
        return None
    parts = [int(p) for p in since.split("-")]
    while len(parts) < 3:
        parts.append(1)
    return dt.date(parts[0], parts[1], parts[2])


def since_text(since: str | None, basis: str | None) -> str:
    """How a version's date reads: "2022-02-10 起施行(来源写明)", "2021-11-26 已通过(报道日期;施行日未写明)"."""
    if since is None:
        return "日期不明(来源没有写)"
    shown = since
    parts = since.split("-")
    if len(parts) == 1:
        shown = f"{parts[0]} 年"
    elif len(parts) == 2:
        shown = f"{parts[0]} 年 {int(parts[1])} 月"
    if basis == "stated":
        return f"{shown} 起施行(来源写明)"
    return f"{shown} 前已通过或实行(报道的日期;施行日未写明)"


class Dated(NamedTuple):
    """A version picked for a day: the record, whether its date is known, and why it was picked."""

    record: Any
    dated: bool  # False: an undated version (the source gave no date)
    note: str | None  # said when the pick is not plainly "the version in force that day"


def pick(versions: Iterable[Any], day: dt.date) -> Dated | None:
    """The version in force on ``day``: the latest with a known date on or before it; else an undated
    one (said so); else None (every known version is later than the day)."""
    items = list(versions)
    dated = [(since_date(v.since), v) for v in items if v.since is not None]
    before = [(d, v) for d, v in dated if d is not None and d <= day]
    if before:
        return Dated(max(before, key=lambda p: p[0])[1], True, None)
    undated = [v for v in items if v.since is None]
    if undated:
        return Dated(undated[-1], False, "这个版本的日期来源没有写,不能确定那天是否已经适用")
    return None
