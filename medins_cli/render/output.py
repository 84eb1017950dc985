"""One place for output formats and consoles (errors and exit codes: :mod:`medins_cli.errors`).

Data goes to stdout; notes, warnings and errors go to stderr. JSON and plain output never
import Rich; Rich (tables, colour) is imported only when a table is drawn.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from typing import Any, Iterable, Sequence

from medins_cli.core.money import money as money  # re-exported: every renderer formats yuan the same way
from medins_cli.errors import UsageError, message_line, visible

FORMATS_ROWS = ("table", "json", "plain", "csv")
FORMATS_DOC = ("table", "json", "plain", "markdown")
DISCLAIMER = "以上为按公开资料的估算,仅供参考;实际以参保地医保局的结算和解释为准。"
CONFIDENCE = {"official": "官方原文", "observed": "本人结算单", "secondary": "转述文章", "unverified": "未核实",
              "placeholder": "疑似占位"}
#: Where a policy file was found (``Policy.origin``), in words.
ORIGINS = {"shipped": "内置数据", "user": "用户数据文件", "file": "指定的数据文件"}

def plain_sources(items: Any) -> list[str]:
    """Sources (payload items) as the plain format lists them: ``id(confidence)``."""
    return [f"{s['id']}({s['confidence']})" for s in items]


_state = {"quiet": False, "raw_csv": False}


def set_quiet(quiet: bool) -> None:
    _state["quiet"] = quiet


def set_raw_csv(raw: bool) -> None:
    """``--raw-csv``: CSV cells as they are (see :func:`csv_row`)."""
    _state["raw_csv"] = raw


def is_quiet() -> bool:
    return bool(_state["quiet"])


def note(message: str) -> None:
    """A note for people (stderr); ``--quiet`` silences it. Text from files in it is shown, never
    obeyed (:func:`~medins_cli.errors.message_line`)."""
    if not _state["quiet"]:
        sys.stdout.flush()  # what came before it first (and a stdout that cannot be written fails here, alone)
        sys.stderr.write(f"{message_line(message)}\n")


# ---- formats --------------------------------------------------------------------------


def resolve_format(value: str | None, allowed: Sequence[str] = FORMATS_ROWS) -> str:
    """The format to print: the one asked for, else a table on a terminal and plain when piped."""
    if value is None:
        return "table" if sys.stdout.isatty() else "plain"
    fmt = value.strip().lower()
    if fmt == "md":
        fmt = "markdown"
    if fmt not in allowed:
        raise UsageError(f"不支持的输出格式「{value}」:可选 {'|'.join(allowed)}")
    return fmt


def json_default(value: Any) -> Any:
    """``json`` hook: Decimal yuan become JSON numbers (integers when whole)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


#: What JSON leaves as it is (``ensure_ascii=False``) but a terminal would obey: DEL, the C1
#: controls and the bidi controls. JSON already writes C0 controls as ``\\u001b``.
_JSON_UNSAFE = r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_compiled: dict[str, Any] = {}


def _regex(pattern: str) -> Any:
    """``re.compile(pattern)`` on first use: importing this module compiles nothing (start-up time)."""
    found = _compiled.get(pattern)
    if found is None:
        found = _compiled[pattern] = re.compile(pattern)
    return found


def json_safe(text: str) -> str:
    """JSON text with those characters written as ``\\u202e`` escapes: the same data once parsed
    (nothing is escaped twice), and nothing on a terminal that reorders or hides text."""
    unsafe = _regex(_JSON_UNSAFE)
    if unsafe.search(text) is None:
        return text
    return unsafe.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_text(data: Any) -> str:
    """One JSON document, indented, with a final newline."""
    return json_safe(json.dumps(data, ensure_ascii=False, default=json_default, indent=2)) + "\n"


def emit_json(data: Any) -> None:
    """Exactly one JSON document on stdout. Decimals become numbers (yuan, ≤ 2 decimals)."""
    sys.stdout.write(json_text(data))


def emit_lines(lines: Iterable[str]) -> None:
    """Lines of text on stdout; control characters in them are shown, never obeyed (newlines and
    tabs inside a line are kept: a YAML document or a template is written as one "line")."""
    out = sys.stdout
    for line in lines:
        out.write(visible(line, layout=True))
        out.write("\n")


def text_value(value: Any) -> str:
    """A value as one cell of text: yuan as written, booleans as true/false, lists joined by ``; ``,
    tabs and newlines as spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(text_value(v) for v in value)
    return str(value).replace("\t", " ").replace("\n", " ")


def plain_value(value: Any) -> str:
    """:func:`text_value` for a terminal: control characters written out (``\\x1b``)."""
    return visible(text_value(value))


def emit_plain_mapping(data: dict[str, Any]) -> None:
    """Stable ``key: value`` lines, one per key, in a fixed order."""
    emit_lines(f"{k}: {plain_value(v)}" for k, v in data.items())


# ---- CSV: cells a spreadsheet will not run -------------------------------------------------

#: A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(…) runs when the file
#: is opened); OWASP's rule puts a ' in front. A tab or CR first hides the = from a quick look.
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_TRIGGER_AFTER_COMMA = ",[=+@-]"


def _plain_row(cells: list[str]) -> bool:
    """True when no cell needs :func:`csv_cell` (nearly every row): checked in C on the joined row.
    A tab, CR or control character makes it not printable; a cell starting with = + - @ follows a
    comma. Commas inside cells only send a harmless row the slow way."""
    row = "," + ",".join(cells)
    return row.isprintable() and _regex(_TRIGGER_AFTER_COMMA).search(row) is None


def csv_cell(text: str) -> str:
    """One CSV cell made safe: a text cell starting with ``= + - @``, a tab or CR gets a ``'`` in
    front (a number such as ``-5.00`` is data and stays as it is), and control characters are written
    out (``\\x1b``; newlines and tabs inside the cell are kept, CSV quotes them)."""
    if text[:1] in CSV_TRIGGERS and _regex(_NUMBER).fullmatch(text) is None:
        text = "'" + text
    return visible(text, layout=True)


def csv_row(cells: list[str]) -> list[str]:
    """A row of text cells as medins writes CSV: :func:`csv_cell` on each, unless ``--raw-csv``.
    Rows with nothing to change (nearly all) are checked in one pass and returned as they are."""
    if _state["raw_csv"] or _plain_row(cells):
        return cells
    return [csv_cell(c) for c in cells]


def csv_writer(out: Any) -> Any:
    """``writerow(cells)`` for CSV on ``out``, every row through :func:`csv_row`."""
    import csv

    write = csv.writer(out, lineterminator="\n").writerow
    if _state["raw_csv"]:
        return write

    def writerow(cells: list[str]) -> Any:
        return write(cells if _plain_row(cells) else [csv_cell(c) for c in cells])

    return writerow


def emit_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    """Rows as tab-separated (plain) or CSV with a header line."""
    if not rows:
        return
    headers = list(rows[0])
    if fmt == "csv":
        writerow = csv_writer(sys.stdout)
        writerow(headers)
        for r in rows:
            writerow([text_value(r.get(h)) for h in headers])
    else:
        emit_lines("\t".join(plain_value(r.get(h)) for h in headers) for r in [dict(zip(headers, headers, strict=True))] + rows)


def print_table(con: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A simple Rich table of text rows (the last column dimmed: it explains the others)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, head in enumerate(headers):
        table.add_column(head, style="dim" if i == len(headers) - 1 and len(headers) > 2 else None)
    for row in rows:
        table.add_row(*row)
    con.print(table)


def console(stderr: bool = False) -> Any:
    """A Rich console (imports Rich). Colour follows the terminal and NO_COLOR.

    Every string and Text it draws is shown as written: markup is off (a note saying ``[/bold]``
    is text, not a tag) and control characters are written out (``\\x1b``) before Rich lays the
    text out, so names, notes and titles from other people's files never reach the terminal raw."""
    return _safe_console_class()(stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False)


_classes: list[Any] = []


def _rich_visible(text: str, _table: Any = None) -> str:  # the signature of rich.control.strip_control_codes
    return visible(text, layout=True)


def _safe_console_class() -> Any:
    if _classes:
        return _classes[0]
    import rich.text
    from rich.console import Console
    from rich.text import Text

    # Rich itself drops BEL, BS, VT, FF and CR from every Text it builds and keeps the rest (ESC
    # included); medins writes them all out instead, so what a file holds is seen, not obeyed or lost.
    # Rich looks the function up in rich.text each time it builds a Text (tests/test_display.py checks
    # that it still does).
    rich.text.strip_control_codes = _rich_visible  # type: ignore[attr-defined,assignment]

    class SafeConsole(Console):  # type: ignore[misc]
        def render_str(self, text: str, **kwargs: Any) -> Any:
            return super().render_str(visible(text, layout=True), **kwargs)

        def render(self, renderable: Any, options: Any = None) -> Any:
            if isinstance(renderable, Text) and not renderable.plain.isprintable():
                renderable = _visible_text(renderable)
            return super().render(renderable, options)

    def _visible_text(text: Any) -> Any:
        """A copy of a Rich Text with its control characters written out, its styles kept."""
        plain = text.plain
        cuts = sorted({0, len(plain), *(s.start for s in text.spans), *(s.end for s in text.spans)})
        moved = {0: 0}
        pieces = []
        for start, end in zip(cuts, cuts[1:], strict=False):
            pieces.append(visible(plain[start:end], layout=True))
            moved[end] = moved[start] + len(pieces[-1])
        out = Text("".join(pieces), style=text.style, justify=text.justify, overflow=text.overflow,
                   no_wrap=text.no_wrap, end=text.end, tab_size=text.tab_size)
        for span in text.spans:
            out.stylize(span.style, moved.get(span.start, 0), moved.get(span.end, len(out.plain)))
        return out

    _classes.append(SafeConsole)
    return SafeConsole


def percent(ratio: Decimal) -> str:
    return f"{ratio * 100:.2f}%"
