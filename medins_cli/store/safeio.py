"""Files from other people: sizes, encodings and nesting checked before anything is parsed.

A policy, guide, config, slip or batch file may come from anyone, so it is hostile until checked
(STYLE.md, "Files from other people"). Every reader in medins goes through here:

- :func:`read_limited` reads at most :data:`MAX_FILE_BYTES` (a bigger file is refused, not read);
- :func:`decode` turns the bytes into text, refusing UTF-16, NUL bytes and invalid UTF-8 with the line;
- :func:`parse_json` is ``json.loads`` with the same size and a depth limit of :data:`MAX_DEPTH`.

YAML's own checks (anchors, aliases, merge keys, nesting) are in :mod:`medins_cli.store.yamlio`,
which uses these for the bytes. Batch input (:mod:`medins_cli.commands.estimate.batch`) is read a line
at a time with :data:`MAX_LINE_CHARS`. This module imports only ``os`` and ``json`` (loaded on every
run anyway): the config loader uses it on the everyday path.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any, Iterator

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


def parse_json(text: str, limit: int = MAX_FILE_BYTES, object_pairs_hook: Any = None) -> Any:
    """``json.loads`` with medins' limits. ``ValueError`` with a short Chinese reason (no file
    name: the caller adds where) for text that is not JSON, too long or nested too deep.
    ``object_pairs_hook`` is json's (an exception it raises that is not a ValueError passes through)."""
    if len(text) > limit:
        raise ValueError(f"太长(超过 {size_text(limit)})")
    try:
        value = json.loads(text, object_pairs_hook=object_pairs_hook)
    except RecursionError:
        raise ValueError(f"嵌套超过 {MAX_DEPTH} 层") from None
    except json.JSONDecodeError as exc:
        from medins_cli.errors import json_reason

        raise ValueError(f"不是有效的 JSON({json_reason(exc)})") from None
    except ValueError:  # a number of thousands of digits (int_max_str_digits)
        raise ValueError("数字位数太多") from None
    # only text with that many brackets can nest that deep: an everyday row or config skips the walk
    if text.count("[") + text.count("{") > MAX_DEPTH and nesting_over(value):
        raise ValueError(f"嵌套超过 {MAX_DEPTH} 层")
    # "\ud800" is valid JSON but no character: it could not be written out again as UTF-8
    if "\\u" in text and not _valid_strings(value):
        raise ValueError("含有无效字符(单独的 \\ud800 这类转义不是字符)")
    return value


def _valid_strings(value: Any) -> bool:
    """Whether every string (keys too) in a parsed JSON value is valid Unicode (iterative)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not _valid(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


# ---- batch input: lines and CSV records of bounded length ----------------------------------

_CHUNK = 1 << 16
_TOO_LONG = f"超过 {MAX_LINE_CHARS:,} 个字符的上限:一笔费用用不了这么长,请检查有没有没闭合的引号,或是不是选错了文件"


def text_problem(head: bytes) -> str | None:
    """What is wrong with the start of a text stream (UTF-16, NUL bytes, not UTF-8), or None.
    ``head`` may end in the middle of a character."""
    import codecs

    for bom, name in _BOMS:
        if head.startswith(bom):
            return f"是 {name} 编码:请另存为 UTF-8"
    if b"\x00" in head:
        return "含有 NUL 字节,不是文本文件:请确认选对了文件"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "不是 UTF-8 文本:请另存为 UTF-8(Excel:“CSV UTF-8”)"
    return None


class Lines:
    """The lines of a byte stream, decoded as UTF-8 (a BOM dropped) and checked as they are read,
    in constant memory however long a line is.

    Iterating yields each good line (line breaks kept, as ``newline=""`` reads them). A line longer
    than :data:`MAX_LINE_CHARS`, or with bytes that are not UTF-8, is not passed on: its rest is
    skipped unread, ``bad`` is set to ``(first line, last line, problem)`` and an empty line stands
    in for it. With ``records`` (CSV), a record that spans lines (a quoted cell with line breaks)
    counts as one line: its lines together may not exceed the limit (the caller sets ``used = 0``
    after each record), and a bad line inside it skips to the end of the record (counting quotes),
    then yields ``'"'`` so that the csv module ends the record there. ``line`` is the number of the
    last line read (1-based), for messages.
    """

    __slots__ = ("_readline", "records", "line", "used", "bad")

    def __init__(self, stream: IO[bytes], records: bool = False) -> None:
        import codecs
        import io

        try:
            codecs.lookup_error(_MARK)
        except LookupError:
            codecs.register_error(_MARK, _mark_bad_bytes)
        self._readline = io.TextIOWrapper(stream, encoding="utf-8-sig", errors=_MARK, newline="").readline
        self.records = records
        self.line = 0
        self.used = 0
        self.bad: tuple[int, int, str] | None = None

    def __iter__(self) -> Iterator[str]:
        return self._lines()

    def take(self) -> str:
        """The problem of the bad line just passed (``bad``), which is then cleared."""
        bad, self.bad = self.bad, None
        return bad[2] if bad is not None else ""

    def _lines(self) -> Iterator[str]:
        readline, limit, records = self._readline, MAX_LINE_CHARS, self.records
        marks = _BAD_BYTES
        clean = marks[0]  # while no bytes were replaced, no line needs checking for them
        number = start = 0  # start: the first line of the current CSV record
        while True:
            line = readline(limit + 1)
            if not line:
                return
            number += 1
            self.line = number
            size = len(line)
            used = self.used if records else 0
            if used + size > limit:  # this line, or the record it continues, is too long
                quotes = line.count('"') + (0 if line[-1] in "\r\n" else self._skip_rest())
                problem = _TOO_LONG
            elif marks[0] != clean and not line.isascii() and not _valid(line):
                problem, quotes = "不是 UTF-8 文本:请另存为 UTF-8(Excel:“CSV UTF-8”)", line.count('"')
            else:
                if records:
                    if not used:
                        start = number
                    self.used = used + size
                yield line
                continue
            # the csv module goes on to a next line of the same record only inside a quoted cell
            inside = used > 0
            first = start if inside else number
            if records and inside ^ bool(quotes % 2):
                self._skip_record()
                number = self.line
            what = "这一行" if first == number else f"这条记录(第 {first}–{number} 行)"
            self.bad = (first, number, what + problem)
            yield '"' if inside else ""  # ends the record there: a closing quote, or an empty line

    def _skip_rest(self) -> int:
        """Read past the rest of an over-long line; the number of quotes in it."""
        quotes = 0
        while True:
            chunk = self._readline(_CHUNK)
            quotes += chunk.count('"')
            if not chunk or chunk[-1] in "\r\n":
                return quotes

    def _skip_record(self) -> None:
        """Read past the rest of a record whose quoted cell is still open (an odd number of quotes)."""
        while True:
            line = self._readline(_CHUNK)
            if not line:
                return
            odd = line.count('"') % 2
            while line[-1] not in "\r\n":
                more = self._readline(_CHUNK)
                if not more:  # the last line, without a line break
                    break
                line = more
                odd ^= line.count('"') % 2
            self.line += 1
            if odd:
                return


_MARK = "medins-bad-bytes"
_BAD_BYTES = [0]  # how many times the decoder met bytes that are not UTF-8, in this process


def _mark_bad_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Like ``surrogateescape`` (the bytes become lone surrogates), and counted: a run without bad
    bytes never checks a line for them."""
    import codecs

    _BAD_BYTES[0] += 1
    return codecs.lookup_error("surrogateescape")(exc)  # type: ignore[return-value]


def _valid(text: str) -> bool:
    """No lone surrogates (bytes that were not UTF-8, read with surrogateescape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
