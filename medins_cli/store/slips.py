"""Reading settlement slips from a file or standard input: YAML, JSON (one slip, a list, or the
national interface's ``{"output": {"setlinfo": …}}`` message) or CSV (``slip export -f csv``).

A slip comes from anyone (a hospital export, a web page pasted into a file), so it is treated as
hostile: at most :data:`MAX_BYTES`, no YAML anchors or aliases, at most :data:`MAX_DEPTH` levels.
:func:`parse_slip_text` is the one place that parses; the values are checked by the core
(:func:`medins_cli.core.slip.read_slip`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from medins_cli.errors import UsageError, decode_reason, is_permission, json_reason, os_reason

MAX_BYTES = 1 << 20  # a slip is a few hundred bytes; an export of many years is still far below this
MAX_DEPTH = 8
MAX_SLIPS = 10_000


def read_source(source: str) -> tuple[str, str]:
    """(text, name) of a slip file, or of standard input for ``-``; one Chinese line when it cannot be read."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1) if hasattr(sys.stdin, "buffer") else sys.stdin.read(
            MAX_BYTES + 1).encode("utf-8")
        name = "标准输入"
    else:
        path = Path(source).expanduser()
        if path.is_dir():
            raise UsageError(f"{path} 是一个目录:请给出结算单文件(YAML、JSON 或 CSV)")
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise UsageError(f"找不到结算单文件 {path}:请检查路径") from None
        except OSError as exc:
            if is_permission(exc):
                raise UsageError(f"没有权限读取结算单文件 {path}:请检查文件的权限") from None
            raise UsageError(f"读不了结算单文件 {path}:{os_reason(exc)}") from None
        name = str(path)
    if len(data) > MAX_BYTES:
        raise UsageError(f"{name} 超过 {MAX_BYTES // 1024} KB,不像是结算单:请检查文件")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name} {decode_reason(exc)}:请用 UTF-8 保存(Excel 请选“CSV UTF-8”)") from None
    return text, name


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

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise UsageError(f"{name} 里「{key}」写了两次:请删掉一个")
            out[key] = value
        return out

    try:
        data = json.loads(text, parse_float=Decimal, object_pairs_hook=pairs)
    except ValueError as exc:
        raise UsageError(f"{name} 不是有效的 JSON:{json_reason(exc)}") from None
    except RecursionError:
        raise UsageError(f"{name} 嵌套太深,不像是结算单") from None
    _check_depth(data, name)
    return data


def _yaml(text: str, name: str) -> Any:
    import yaml

    from medins_cli.store.yamlio import load_yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise UsageError(f"{name} 用了 YAML 的锚点或别名(& / *):结算单不需要它们,请直接写出每一项")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise UsageError(f"{name} 嵌套太深,不像是结算单")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass  # load_yaml below says where, in Chinese
    try:
        return load_yaml(Path(name), text)
    except ValueError as exc:
        raise UsageError(str(exc).replace("。请修正该文件", "")) from None


def _csv(text: str, name: str) -> list[dict[str, str]]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise UsageError(f"{name} 是空的 CSV:第一行应是列名")
    rows = []
    for number, row in enumerate(reader, 2):
        if None in row:
            raise UsageError(f"{name} 第 {number} 行的列比表头多:请检查逗号(金额里的千位逗号要加引号)")
        rows.append({k: v for k, v in row.items() if k is not None and v not in (None, "")})
    return rows


def _check_depth(value: Any, name: str, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        raise UsageError(f"{name} 嵌套太深,不像是结算单")
    if isinstance(value, dict):
        for item in value.values():
            _check_depth(item, name, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_depth(item, name, depth + 1)


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
