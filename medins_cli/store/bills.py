"""A year of one person's bills for ``medins plans --bills FILE``: the batch format (docs/batch.md),
CSV or JSON Lines, the same column names, read whole (a year is a few dozen rows; the file is
refused above 1 MiB like every file from other people).

Columns used: ``visit``, ``tier``, ``amount``, ``self_pay``, ``partial_self_pay``, ``remote``, ``date``
(and ``region``, which must agree with ``--region``). The plan columns (``type``, ``retired``) and the
year-so-far columns (``admission``, ``ytd_*``) are not used: ``plans`` runs the bills under both plans
and carries the year from bill to bill itself; a file with more than one ``person`` is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any, NamedTuple

from medins_cli.errors import UsageError
from medins_cli.store.columns import column_key, repeated_column

USED = ("region", "visit", "tier", "amount", "self_pay", "partial_self_pay", "remote", "date", "person")
NOT_USED = ("type", "retired", "admission", "ytd_fund", "ytd_outpatient", "ytd_burden", "ytd_critical")


class Row(NamedTuple):
    line: int
    cells: dict[str, str]


class YearFile(NamedTuple):
    rows: tuple[Row, ...]
    ignored: tuple[str, ...]  # known columns that plans does not use (named in a note)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read(source: str, input_format: str | None = None) -> YearFile:
    """The rows of a year file (``-`` for stdin); a UsageError for a file that cannot be read."""
    import sys

    from medins_cli.errors import os_reason
    from medins_cli.store.safeio import MAX_FILE_BYTES, InputError, decode, parse_json, read_limited, too_big

    if source == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        name = "标准输入"
        if len(data) > MAX_FILE_BYTES:
            raise UsageError(f"账单文件(标准输入){too_big(len(data))}")
    else:
        path = Path(source)
        if path.is_dir():
            raise UsageError(f"{source} 是目录:--bills 要一个 CSV 或 JSON Lines 文件(格式同 --batch,见 docs/batch.md)")
        try:
            data = read_limited(path)
        except OSError as exc:
            raise UsageError(f"读不了账单文件 {source}:{os_reason(exc)}。请检查路径") from None
        except InputError as exc:
            raise UsageError(f"账单文件 {exc}") from None
        name = source
    try:
        text = decode(data, name)
    except InputError as exc:
        raise UsageError(f"账单文件 {exc}") from None
    fmt = (input_format or "").strip().lower().replace("ndjson", "jsonl")
    if fmt and fmt not in ("csv", "jsonl"):
        raise UsageError(f"不支持的输入格式「{input_format}」:可选 csv|jsonl")
    if not fmt:
        lower = source.lower()
        if lower.endswith((".jsonl", ".ndjson", ".json")):
            fmt = "jsonl"
        elif lower.endswith((".csv", ".tsv", ".txt")):
            fmt = "csv"
        else:
            fmt = "jsonl" if text.lstrip().startswith("{") else "csv"
    rows: list[Row] = []
    columns: set[str] = set()
    if fmt == "csv":
        first = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first and "," not in first else ","
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            names = next(reader)
        except StopIteration:
            raise UsageError("账单文件是空的:第 1 行应是列名,如 date,tier,amount") from None
        except csv.Error as exc:
            raise UsageError(f"账单文件的第 1 行(列名)不是有效的 CSV({exc})") from None
        twice = repeated_column(names)
        if twice:
            raise UsageError(f"账单文件的表头里{twice}:请删掉或改名其中一列")
        header = [column_key(h) for h in names]
        columns.update(header)
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    raise UsageError(f"账单文件第 {reader.line_num} 行有 {len(cells)} 列,表头只有 {len(header)} 列:"
                                     "金额里的逗号(如 8,000)要加引号或去掉")
                rows.append(Row(reader.line_num, {h: c.strip() for h, c in zip(header, cells, strict=False)}))
        except csv.Error as exc:
            raise UsageError(f"账单文件第 {reader.line_num} 行不是有效的 CSV({exc})") from None
    else:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = parse_json(line)
            except ValueError as exc:
                raise UsageError(f"账单文件第 {n} 行:{exc}:每行应是一个 {{…}} 对象") from None
            if not isinstance(obj, dict):
                raise UsageError(f"账单文件第 {n} 行不是 JSON 对象:每行应是一个 {{…}} 对象")
            twice = repeated_column(list(obj), header=False)  # self-pay and self_pay: which one counts?
            if twice:
                raise UsageError(f"账单文件第 {n} 行:{twice}:请只留一个")
            found = {column_key(k): _cell(v).strip() for k, v in obj.items()}
            columns.update(found)
            rows.append(Row(n, found))
    if not rows:
        raise UsageError("账单文件里没有账单:每行一笔,至少要有 amount 列(格式同 --batch,见 docs/batch.md)")
    if "amount" not in columns:
        raise UsageError("账单文件缺少 amount 列:每行一笔账单的费用总额(格式同 --batch,见 docs/batch.md)")
    people = {r.cells.get("person", "") for r in rows} - {""}
    if len(people) > 1:
        raise UsageError(f"账单文件里有 {len(people)} 个人({'、'.join(sorted(people)[:3])}…):plans 比较的是一个人的一年,"
                         "请每人一个文件")
    return YearFile(tuple(rows), tuple(c for c in NOT_USED if c in columns))


def parse_day(text: str, line: int) -> str:
    try:
        return dt.date.fromisoformat(text.strip().replace("/", "-")).isoformat()
    except ValueError:
        raise UsageError(f"账单文件第 {line} 行的日期「{text}」不对:请写成 2026-03-01") from None
