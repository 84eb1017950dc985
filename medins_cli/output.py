"""One place for output formats, consoles and turning errors into messages and exit codes.

Data goes to stdout; notes, warnings and errors go to stderr. JSON and plain output never
import Rich; Rich (tables, colour) is imported only when a table is drawn.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence, TypeVar

from medins_cli.errors import ExitCode, MedinsError, UsageError

F = TypeVar("F", bound=Callable[..., Any])

FORMATS_ROWS = ("table", "json", "plain", "csv")
FORMATS_DOC = ("table", "json", "plain", "markdown")
DISCLAIMER = "以上为按公开资料的估算,仅供参考;实际以参保地医保局的结算和解释为准。"
CONFIDENCE = {"official": "官方原文", "secondary": "转述文章", "unverified": "未核实"}

_state = {"quiet": False}


# ---- errors and exit codes ------------------------------------------------------------


def guard(fn: F) -> F:
    """Run a command body; turn every failure into one Chinese line on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from medins_cli.core.errors import CoreError

        try:
            return fn(*args, **kwargs)
        except MedinsError as exc:
            error(str(exc))
            raise SystemExit(int(exc.code)) from None
        except CoreError as exc:
            error(str(exc))
            raise SystemExit(int(ExitCode.USAGE if exc.usage else ExitCode.ERROR)) from None
        except KeyboardInterrupt:
            error("已中断")
            raise SystemExit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            _quiet_broken_pipe()
            raise SystemExit(int(ExitCode.OK)) from None
        except (SystemExit, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - never a traceback for the user
            if os.environ.get("MEDINS_DEBUG"):
                raise
            error(f"内部错误({type(exc).__name__}: {exc})。请加环境变量 MEDINS_DEBUG=1 重试并报告此问题")
            raise SystemExit(int(ExitCode.ERROR)) from None

    return wrapper  # type: ignore[return-value]


def _quiet_broken_pipe() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def set_quiet(quiet: bool) -> None:
    _state["quiet"] = quiet


def error(message: str) -> None:
    sys.stderr.write(f"错误:{message}\n")
    sys.stderr.flush()


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


def console(stderr: bool = False) -> Any:
    """A Rich console (imports Rich). Colour follows the terminal and NO_COLOR."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def percent(ratio: Decimal) -> str:
    return f"{ratio * 100:.2f}%"
