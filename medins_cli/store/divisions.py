"""China's administrative divisions down to county level, to find the city that pools a place
the user named: 顺德区 → 佛山, 昆山 → 苏州, 浦东新区 → 上海, 廣州 → 广州, 乌市 → 乌鲁木齐.

Reads ``data/divisions.tsv`` and ``data/divisions_t2s.tsv`` (both written by
``scripts/gen_divisions.py``; see its docstring for the columns and the sources) on the first
lookup only: medins asks here only for a name that is not one of its regions. Nothing but the
standard library is imported (``typing`` and ``pathlib``, which start-up has already; ``unicodedata``
on the first lookup).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from medins_cli.store.paths import shipped_data_dir

TABLE = "divisions.tsv"
CHARS = "divisions_t2s.tsv"

# Query suffixes cut when a name matched nothing as typed: 义乌县 (its old name) → 义乌 → 义乌市.
_QUERY_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "林区", "省", "市", "区", "县", "旗",
                   "盟", "州")
_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


class Division(NamedTuple):
    code: str  # GB/T 2260, six digits
    name: str  # 顺德区
    short: str  # 顺德 ("" when the bare name would be one character or shadow a bigger place)
    alt: tuple[str, ...]  # other names: 黔南州, and old or short names from data/division_aliases.yaml
    parent: str | None  # the city that pools it (prefecture, or 110000 … for a municipality's districts)
    province: str  # the province-level code
    level: str  # province | city | county
    flag: str  # "" | municipality | direct (省直辖县级) | xpcc (新疆生产建设兵团 city) | pooled (雄县: 雄安新区's)

    @property
    def city(self) -> str | None:
        """The code of the city whose insurance pools this unit; None for a province (but a
        municipality is its own city) and for the county-level units a province or the 兵团
        administers itself (济源, 仙桃, 海南's counties, 石河子), which pool on their own."""
        if self.level == "city" or self.flag == "municipality":
            return self.code
        return self.parent if self.level == "county" else None

    @property
    def directly_administered(self) -> bool:
        return self.flag in ("direct", "xpcc")


class _Table:
    """The table kept as one string and searched with ``str.find``: one lookup a run needs no
    index, and building one (splitting 3,200 rows into dicts) would cost several milliseconds."""

    def __init__(self, folder: Path) -> None:
        text = (folder / TABLE).read_text(encoding="utf-8")
        self.text = "\n" + text[text.index("\n", text.index("\n") + 1) + 1:]  # rows only, each after a \n
        pairs = (folder / CHARS).read_text(encoding="utf-8").splitlines()[1:]
        self.t2s = str.maketrans({pair[0]: pair[2] for pair in pairs})

    def rows(self) -> list[list[str]]:
        return [line.split("\t") for line in self.text[1:].splitlines()]

    def find(self, key: str) -> tuple[list[list[str]], list[list[str]]]:
        """The rows with ``key`` as name or alt, and those with it as short name."""
        exact: dict[str, list[str]] = {}
        short: dict[str, list[str]] = {}
        text = self.text
        for pattern in (f"\t{key}\t", f"\t{key}|", f"|{key}\t", f"|{key}|"):
            at = text.find(pattern)
            while at != -1:
                start = text.rfind("\n", 0, at) + 1
                row = text[start:text.find("\n", at)].split("\t")
                if row[1] == key or key in row[3].split("|"):
                    exact[row[0]] = row
                elif row[2] == key:
                    short[row[0]] = row
                at = text.find(pattern, at + 1)
        return list(exact.values()), list(short.values())

    def row(self, code: str) -> list[str] | None:
        at = self.text.find(f"\n{code}\t")
        return None if at == -1 else self.text[at + 1:self.text.find("\n", at + 1)].split("\t")


def _division(row: list[str]) -> Division:
    code, name, short, alt, parent, province, level, flag = row
    return Division(code, name, short, tuple(alt.split("|")) if alt else (), parent or None, province, level, flag)


_TABLE: _Table | None = None


def _table(folder: Path | None = None) -> _Table:
    global _TABLE
    if folder is not None:
        return _Table(folder)
    if _TABLE is None:
        _TABLE = _Table(shipped_data_dir())
    return _TABLE


def fold(text: str, table: _Table | None = None) -> str:
    """What a name is compared as: full-width forms and compatibility characters folded (NFKC:
    ＷＵＨＡＮ → WUHAN, 　→ space), no spaces, lower case, traditional characters made simplified."""
    import unicodedata

    folded = "".join(unicodedata.normalize("NFKC", text).split()).lower()
    return folded.translate((table or _table()).t2s)


def lookup(name: str, *, folder: Path | None = None) -> list[Division]:
    """Divisions called ``name``: by full name or another name (alt) first; failing that by the
    name without its suffix (顺德 → 顺德区, 昆山 → 昆山市); failing that with the query's own
    suffix cut (义乌县 → 义乌). Several results mean the name is ambiguous (朝阳区: 北京 and
    长春); they come province first, then city, then county, each by code."""
    table = _table(folder)
    key = fold(name, table)
    if not key:
        return []
    exact, short = table.find(key)
    hits = exact or short
    if not hits:
        for suffix in _QUERY_SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= 2:
                hits = table.find(key[: -len(suffix)])[1]
                if hits:
                    break
    found = [_division(row) for row in hits]
    return sorted(found, key=lambda d: (_LEVEL_ORDER[d.level], d.code))


def short_matches(name: str, *, folder: Path | None = None) -> list[Division]:
    """Divisions whose short name is ``name``, even when another division has it as its full or
    other name (巢湖: 合肥市 by its old name, and 巢湖市 by its short one), each by code."""
    table = _table(folder)
    key = fold(name, table)
    return sorted((_division(row) for row in table.find(key)[1]), key=lambda d: d.code) if key else []


def every(*, folder: Path | None = None) -> list[Division]:
    """Every division, by code (suggestions compare a name that matched nothing with all of them)."""
    return [_division(row) for row in _table(folder).rows()]


def by_code(code: str, *, folder: Path | None = None) -> Division | None:
    row = _table(folder).row(code) if code.isdigit() else None
    return None if row is None else _division(row)


def cities(name: str, *, folder: Path | None = None) -> list[str]:
    """The codes of the cities that pool the places called ``name``, without repeats (铁岭 is
    铁岭市 and 铁岭县: one city). Empty for a province or a unit that pools on its own."""
    return list(dict.fromkeys(c for d in lookup(name, folder=folder) if (c := d.city)))
