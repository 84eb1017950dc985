"""One place for output formats and consoles (errors and exit codes: :mod:`medins_cli.errors`).

Data goes to stdout; notes, warnings and errors go to stderr. JSON and plain output never
import Rich; Rich (tables, colour) is imported only when a table is drawn.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any, Iterable, Sequence

from medins_cli.core.money import money as money  # re-exported: every renderer formats yuan the same way
from medins_cli.errors import UsageError

FORMATS_ROWS = ("table", "json", "plain", "csv")
FORMATS_DOC = ("table", "json", "plain", "markdown")
DISCLAIMER = "以上为按公开资料的估算,仅供参考;实际以参保地医保局的结算和解释为准。"
CONFIDENCE = {"official": "官方原文", "observed": "本人结算单", "secondary": "转述文章", "unverified": "未核实",
              "placeholder": "疑似占位"}
#: Where a policy file was found (``Policy.origin``), in words.
ORIGINS = {"shipped": "内置数据", "user": "用户数据文件", "file": "指定的数据文件"}

_state = {"quiet": False}


def set_quiet(quiet: bool) -> None:
    _state["quiet"] = quiet


def is_quiet() -> bool:
    return bool(_state["quiet"])


def note(message: str) -> None:
    """A note for people (stderr); ``--quiet`` silences it."""
    if not _state["quiet"]:
        sys.stderr.write(f"{message}\n")


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


def json_text(data: Any) -> str:
    """One JSON document, indented, with a final newline."""
    return json.dumps(data, ensure_ascii=False, default=json_default, indent=2) + "\n"


def emit_json(data: Any) -> None:
    """Exactly one JSON document on stdout. Decimals become numbers (yuan, ≤ 2 decimals)."""
    sys.stdout.write(json_text(data))


def emit_lines(lines: Iterable[str]) -> None:
    out = sys.stdout
    for line in lines:
        out.write(line)
        out.write("\n")


def plain_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (list, tuple)):
        return "; ".join(plain_value(v) for v in value)
    return str(value).replace("\t", " ").replace("\n", " ")


def emit_plain_mapping(data: dict[str, Any]) -> None:
    """Stable ``key: value`` lines, one per key, in a fixed order."""
    emit_lines(f"{k}: {plain_value(v)}" for k, v in data.items())


def emit_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    """Rows as tab-separated (plain) or CSV with a header line."""
    if not rows:
        return
    headers = list(rows[0])
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([plain_value(r.get(h)) for h in headers] for r in rows)
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
    """A Rich console (imports Rich). Colour follows the terminal and NO_COLOR."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def percent(ratio: Decimal) -> str:
    return f"{ratio * 100:.2f}%"
