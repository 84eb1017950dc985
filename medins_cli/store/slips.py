"""Reading settlement slips from a file or standard input: YAML, JSON (one slip, a list, or the
national interface's ``{"output": {"setlinfo": …}}`` message) or CSV (``slip export -f csv``).

A slip comes from anyone (a hospital export, a web page pasted into a file), so it is read with
medins' readers for hostile files (:mod:`medins_cli.store.safeio`, :func:`medins_cli.store.yamlio.load_yaml`):
size, encoding and nesting checked, no YAML anchors, aliases or merge keys. :func:`parse_slip_text`
is the one place that parses; the values are checked by the core (:func:`medins_cli.core.slip.read_slip`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from medins_cli.errors import UsageError, is_permission, os_reason

MAX_SLIPS = 10_000


def read_source(source: str) -> tuple[str, str]:
    """(text, name) of a slip file, or of standard input for ``-``; one Chinese line when it cannot be read."""
    from medins_cli.store.safeio import MAX_FILE_BYTES, InputError, decode, read_limited, too_big

    try:
        if source == "-":
            name = "标准输入"
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(MAX_FILE_BYTES + 1) if stream is not None else sys.stdin.read(
                MAX_FILE_BYTES + 1).encode("utf-8")
            if len(data) > MAX_FILE_BYTES:
                raise InputError(name, None, too_big(len(data)))
        else:
            path = Path(source).expanduser()
            name = str(path)
            if path.is_dir():
                raise UsageError(f"{path} 是一个目录:请给出结算单文件(YAML、JSON 或 CSV)")
            data = read_limited(path)
        return decode(data, name), name
    except InputError as exc:
        raise UsageError(f"结算单 {exc}") from None
    except FileNotFoundError:
        raise UsageError(f"找不到结算单文件 {source}:请检查路径") from None
    except OSError as exc:
        if is_permission(exc):
            raise UsageError(f"没有权限读取结算单文件 {source}:请检查文件的权限") from None
        raise UsageError(f"读不了结算单文件 {source}:{os_reason(exc)}") from None


def _kind(text: str, name: str) -> str:
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    head = text.lstrip()
    if head.startswith(("{", "[")):
        return "json"
    first = head.splitlines()[0] if head else ""
    if "," in first and ":" not in first and ":" not in first:
        return "csv"
    return "yaml"


def parse_slip_text(text: str, name: str) -> Any:
    """Parse a slip document (YAML, JSON or CSV by name or content); raises UsageError in Chinese."""
    kind = _kind(text, name)
    if kind == "csv":
        return _csv(text, name)
    if kind == "json":
        return _json(text, name)
    return _yaml(text, name)


def _json(text: str, name: str) -> Any:
    import json
    from decimal import Decimal

    from medins_cli.store.safeio import parse_json

    try:
        parse_json(text)  # medins' limits for JSON from other people: depth, digits, invalid characters
    except ValueError as exc:
        raise UsageError(f"{name} {exc}") from None

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise UsageError(f"{name} 里「{key}」写了两次:请删掉一个")
            out[key] = value
        return out

    # again, for exact amounts (6090.5 as a Decimal, not a float) and repeated keys
    return json.loads(text, parse_float=Decimal, object_pairs_hook=pairs)


def _yaml(text: str, name: str) -> Any:
    from medins_cli.store.yamlio import load_yaml

    try:
        return load_yaml(Path(name), text)  # refuses anchors, aliases, merge keys and deep nesting first
    except ValueError as exc:
        raise UsageError(str(exc).replace("。请修正该文件", "")) from None


def _csv(text: str, name: str) -> list[dict[str, str]]:
    import csv
    import io

    from medins_cli.store.columns import repeated_column

    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise UsageError(f"{name} 是空的 CSV:第一行应是列名")
    twice = repeated_column(reader.fieldnames, key=str.strip)  # the same name twice: the last would win
    if twice:
        raise UsageError(f"{name} 的表头里{twice}:请删掉或改名其中一列")
    rows = []
    for number, row in enumerate(reader, 2):
        if None in row:
            raise UsageError(f"{name} 第 {number} 行的列比表头多:请检查逗号(金额里的千位逗号要加引号)")
        rows.append({k: _unguarded(v) for k, v in row.items() if k is not None and v not in (None, "")})
    return rows


def _unguarded(cell: str) -> str:
    """A cell as it was before ``slip export -f csv`` guarded it against spreadsheets: the ' in
    front of a text starting with = + - @, a tab or CR is taken off (render.output.csv_cell)."""
    if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return cell[1:]
    return cell


ENVELOPE = ("output", "setlinfo")


def slip_mappings(doc: Any, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The slips in a parsed document, and notes on how they were found.

    A mapping is one slip; a list (or ``{"slips": [...]}``) is many; the national interface's
    message ``{"output": {"setlinfo": {...}, "setldetail": [...]}}`` is its ``setlinfo``.
    """
    notes: list[str] = []
    if isinstance(doc, dict) and isinstance(doc.get("slips"), list) and len(doc) == 1:
        doc = doc["slips"]
    if isinstance(doc, dict):
        unwrapped = False
        for key in ENVELOPE:
            inner = doc.get(key)
            if isinstance(inner, dict):
                doc, unwrapped = inner, True
        if unwrapped:
            notes.append(f"{name} 是医保结算接口的报文:读的是其中的结算信息(setlinfo)")
        return [dict(doc)], notes
    if isinstance(doc, list):
        if len(doc) > MAX_SLIPS:
            raise UsageError(f"{name} 有 {len(doc)} 张结算单,超过 {MAX_SLIPS}:请分成几个文件")
        for i, item in enumerate(doc, 1):
            if not isinstance(item, dict):
                raise UsageError(f"{name} 的第 {i} 项不是「字段: 值」的键值对:每张结算单是一个对象")
        return [dict(item) for item in doc], notes
    if isinstance(doc, str) and "\uff1a" in doc:
        raise UsageError(f"{name} 用了中文冒号“\uff1a”:请改成英文冒号“:”,后面加一个空格(如 医疗费总额: 8000)")
    if doc is None:
        raise UsageError(f"{name} 是空的:请写上结算单的各项金额(见 medins slip check --help)")
    raise UsageError(f"{name} 不是结算单:应是「字段: 值」的键值对(YAML 或 JSON),或 CSV")


def load_slips(source: str) -> tuple[list[dict[str, Any]], list[str], str]:
    """The raw slips in a file (or ``-``): (mappings, notes, name)."""
    text, name = read_source(source)
    mappings, notes = slip_mappings(parse_slip_text(text, name), name)
    return mappings, notes, name
