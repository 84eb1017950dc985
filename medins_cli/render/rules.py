"""Presenting sourced rules (data/rules): steps with their sources, the sources as footnotes, and the
honesty line. Shared by ``plans``, ``coverage``, ``maternity`` and the tax deduction of ``slip year``.

Payload builders are plain Python; the ``render_*`` functions draw with Rich and import it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlparse

from medins_cli.core.sourced import RuleSource, Step, Text, honesty_line
from medins_cli.render.output import CONFIDENCE

KINDS = {"official": "官方原文", "news": "新闻", "reprint": "转载", "qa": "问答网页", "portal": "门户网站",
         "content_farm": "内容农场网页"}


def source_label(src: RuleSource) -> str:
    """A source's title, or (when the page had none) what kind of page it is and where."""
    if src.title:
        return src.title
    host = urlparse(src.url).hostname if src.url else None
    return f"无标题的{KINDS.get(src.kind, src.kind)}" + (f"({host})" if host else "")


def sources_payload(book: Mapping[str, RuleSource], ids: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for sid in dict.fromkeys(ids):
        src = book.get(sid)
        if src is None:
            continue
        item: dict[str, Any] = {"id": src.id, "title": src.title, "url": src.url, "date": src.date, "kind": src.kind,
                                "confidence": src.confidence, "quote": src.quote}
        if src.doc_number:
            item["doc_number"] = src.doc_number
        out.append(item)
    return out


def value_text(value: Any) -> str:
    """A step's value as people read it: yuan with two decimals, whole numbers with separators."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if value.as_tuple().exponent == -2:  # yuan, to the fen
            return f"{value:,.2f}"
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return f"{value.normalize():f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def shown_value(step: Step) -> str:
    """A step's value with its unit ("3 个月", "15,000.00 元"), or "" for a rule that is only stated."""
    text = value_text(step.value)
    return f"{text} {step.unit}" if text and step.unit else text


def step_payload(step: Step) -> dict[str, Any]:
    return {"key": step.key, "label": step.label, "formula": step.formula, "value": _json_value(step.value),
            "unit": step.unit, "sources": list(step.sources), "confidence": step.confidence, "note": step.note}


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def texts_payload(items: Iterable[Text]) -> list[dict[str, Any]]:
    return [{"text": t.text, "sources": list(t.sources), "confidence": t.confidence} for t in items]


def honesty(book: Mapping[str, RuleSource], ids: Iterable[str]) -> list[str]:
    line = honesty_line(book, ids)
    return [line] if line else []


def plain_steps(steps: Sequence[Step]) -> list[str]:
    """``step.N: label:formula = value [sources]`` lines (stdout, with --explain)."""
    out = []
    for i, step in enumerate(steps, 1):
        value = shown_value(step)
        cite = f" [{', '.join(step.sources)}]" if step.sources else ""
        out.append(f"step.{i}: {step.label}:{step.formula}" + (f" = {value}" if value else "") + cite)
    return out


def footnotes(ids: Iterable[str]) -> dict[str, int]:
    """Source id → its footnote number, in order of first use."""
    return {sid: i for i, sid in enumerate(dict.fromkeys(ids), 1)}


def _marks(step: Step, numbers: Mapping[str, int]) -> str:
    return "".join(f"[{numbers[s]}]" for s in step.sources if s in numbers)


def render_steps(con: Any, steps: Sequence[Step], numbers: Mapping[str, int], title: str = "计算过程:") -> None:
    """Numbered steps, each with its value and footnote marks; a step's note folds under it."""
    from rich.table import Table
    from rich.text import Text as RichText

    con.print(RichText(title, style="bold"))
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(overflow="fold")
    for i, step in enumerate(steps, 1):
        value = shown_value(step)
        line = RichText(f"{step.label}:{step.formula}" + (f" = {value}" if value else ""))
        marks = _marks(step, numbers)
        if marks:
            line.append(f" {marks}", style="cyan")
        if step.confidence == "unverified":
            line.append(" 未核实", style="yellow")
        grid.add_row(f"{i}.", line)
        if step.note:
            grid.add_row("", RichText(step.note, style="dim"))
    con.print(grid)


def render_sources(con: Any, book: Mapping[str, RuleSource], numbers: Mapping[str, int], *,
                   quotes: bool = False) -> None:
    """The footnoted sources: title (or kind and host), confidence, date, URL, and (``quotes``) the quote."""
    from rich.table import Table
    from rich.text import Text as RichText

    if not numbers:
        return
    con.print(RichText("来源:", style="bold"))
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(overflow="fold")
    for sid, n in numbers.items():
        src = book.get(sid)
        if src is None:
            continue
        line = RichText(source_label(src))
        if src.doc_number:
            line.append(f" {src.doc_number}")
        line.append(f" [{CONFIDENCE.get(src.confidence, src.confidence)}]",
                    style="green" if src.confidence == "official" else "yellow")
        line.append(f" {src.date}" if src.date else " 日期未注明")
        if src.url:
            line.append(f" {src.url}", style="dim")
        else:
            line.append(" 没有网址(种子文章)", style="dim")
        grid.add_row(f"[{n}]", line)
        if quotes:
            grid.add_row("", RichText(f"「{src.quote}」", style="dim"))
    con.print(grid)


def render_lines(con: Any, warnings: Iterable[str] = (), notes: Iterable[str] = ()) -> None:
    """Warnings (⚠) then notes (·), each folding under its own text."""
    from medins_cli.render.estimate import render_messages

    render_messages(con, list(warnings), list(notes))
