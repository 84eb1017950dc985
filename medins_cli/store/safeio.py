"""Files from other people: sizes, encodings and nesting checked before anything is parsed.

A policy, guide, config, slip or batch file may come from anyone, so it is hostile until checked
(STYLE.md, "Files from other people"). Every reader in medins goes through here:

- :func:`read_limited` reads at most :data:`MAX_FILE_BYTES` (a bigger file is refused, not read);
- :func:`decode` turns the bytes into text, refusing UTF-16, NUL bytes and invalid UTF-8 with the line;
- :func:`parse_json` is ``json.loads`` with the same size and a depth limit of :data:`MAX_DEPTH`.

YAML's own checks (anchors, aliases, merge keys, nesting) are in :mod:`medins_cli.store.yamlio`,
which uses these for the bytes. Batch input (:mod:`medins_cli.commands.support.batch`) is read a line
at a time with :data:`MAX_LINE_CHARS`. This module imports only ``os`` and ``json`` (loaded on every
run anyway): the config loader uses it on the everyday path.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: A policy, guide, config or slip file: the largest shipped region file is a few KB.
MAX_FILE_BYTES = 1 << 20
#: Nesting of a YAML or JSON document (or JSON Lines row): policy files need 8 or so.
MAX_DEPTH = 32
#: Values (scalars, lists, mappings) in one YAML document: the biggest shipped file has under 1,000;
#: this keeps loading any accepted file well under a second.
MAX_NODES = 50_000
#: One line (or one CSV record) of batch input, in characters: a real bill's row is a few hundred.
MAX_LINE_CHARS = 1 << 20

_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


class InputError(ValueError):
    """A file refused before or while it is parsed: ``line`` (1-based, or None) and ``problem``,
    a Chinese sentence that says what to do. ``str()`` is "path 第 N 行:problem", for the caller
    to put after what the file is ("地区数据文件 …")."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        where = f" 第 {line} 行" if line else ""
        super().__init__(f"{path}{where}:{problem}")
        self.path, self.line, self.problem = str(path), line, problem


def size_text(size: int) -> str:
    """1048576 → "1 MiB", 2500000 → "2.4 MiB", 4096 → "4 KiB"."""
    for unit, step in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= step:
            value = size / step
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} 字节"


def too_big(size: int, limit: int = MAX_FILE_BYTES) -> str:
    """The problem sentence for a file over ``limit`` bytes."""
    shown = "超过 " + size_text(limit) if size <= limit + 1 else size_text(size)
    return f"文件太大({shown},上限 {size_text(limit)}):medins 读的这类文件只有几 KB,请确认选对了文件"


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; :class:`InputError` if it is bigger than ``limit`` (only ``limit + 1`` bytes
    are ever read, so a huge file or a device costs nothing). ``OSError`` passes through."""
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
        if len(data) > limit:
            try:
                size = max(len(data), os.fstat(fh.fileno()).st_size)
            except OSError:
                size = len(data)
            raise InputError(path, None, too_big(size, limit))
    return data


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text (a BOM is dropped); :class:`InputError` naming the line for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError(path, None, f"是 {name} 编码:请另存为 UTF-8")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(path, _line_at(data, nul), "含有 NUL 字节,不是文本文件:请确认选对了文件,并用 UTF-8 文本保存")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, _line_at(data, exc.start), "不是 UTF-8 文本:请用 UTF-8 保存") from None


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """:func:`read_limited` then :func:`decode`."""
    return decode(read_limited(path, limit), path)


def nesting_over(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and dicts in ``value`` nest deeper than ``limit`` (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((v, depth + 1) for v in item if isinstance(v, (dict, list)))
    return False


def parse_json(text: str, limit: int = MAX_FILE_BYTES) -> Any:
    """``json.loads`` with medins' limits. ``ValueError`` with a short Chinese reason (no file
    name: the caller adds where) for text that is not JSON, too long or nested too deep."""
    if len(text) > limit:
        raise ValueError(f"太长(超过 {size_text(limit)})")
    try:
        value = json.loads(text)
    except RecursionError:
        raise ValueError(f"嵌套超过 {MAX_DEPTH} 层") from None
    except json.JSONDecodeError as exc:
        where = f"第 {exc.lineno} 行:" if exc.lineno > 1 else ""
        raise ValueError(f"不是有效的 JSON({where}{exc.msg})") from None
    except ValueError:  # a number of thousands of digits (int_max_str_digits)
        raise ValueError("数字位数太多") from None
    # only text with that many brackets can nest that deep: an everyday row or config skips the walk
    if text.count("[") + text.count("{") > MAX_DEPTH and nesting_over(value):
        raise ValueError(f"嵌套超过 {MAX_DEPTH} 层")
    return value
