"""``medins policy validate`` and the data-health tests: every problem in a policy file, each
with its field path and line number.

The everyday load path (:func:`medins_cli.store.schema.validate_policy`) stops at the first problem;
this module reports them all: YAML syntax, repeated keys (PyYAML silently keeps the last),
the schema, the data rules, aliases that clash with another region; and, as warnings (hints,
not errors), a policy year that is already past and figures that are possible but unusual
(:func:`medins_cli.store.schema.data_hints`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from medins_cli.core.engine import stale_warning
from medins_cli.store.regions import file_rank, region_key

#: The checks' own version in the cache key of their results: bumped when a check is added, so a file
#: checked before is checked again (2: control characters).
CHECKS = 2


class Problem(NamedTuple):
    file: str
    where: str  # field path, e.g. plans.employee.inpatient.tiers.3.ratio ("" for the whole file)
    line: int | None
    message: str
    level: str = "error"  # error | warning

    def text(self) -> str:
        """One line: a file name or key with a newline or ESC in it is shown escaped, never split or obeyed."""
        from medins_cli.errors import visible

        at = f":{self.line}" if self.line else ""
        field = f" {self.where}:" if self.where else " "
        tag = "提示" if self.level == "warning" else "错误"
        return visible(f"{self.file}{at}: {tag}{field}{self.message}")


class Checked(NamedTuple):
    path: Path
    data: Any  # the parsed document (None when it is not YAML)
    problems: list[Problem]
    lines: dict[tuple[Any, ...], int] = {}


def _dotted(where: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in where)


def _line(lines: dict[tuple[Any, ...], int], where: tuple[Any, ...]) -> int | None:
    """The line of ``where``, or of its nearest parent that is in the file."""
    key = tuple(str(p) if not isinstance(p, int) else p for p in where)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None


def _as_written(where: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> tuple[Any, ...]:
    """The path as the file writes it: a 大病 ``ratio: 0.6`` is checked as ``bands: [{ratio: 0.6}]``."""
    if len(where) >= 3 and where[-3:] == ("bands", 0, "ratio"):
        short = (*where[:-3], "ratio")
        if short in lines and where[:-1] not in lines:
            return short
    return where


def check_file(path: Path, *, year: int | None = None) -> Checked:
    """Every problem in one policy file. ``year`` is the current year (for the age warning)."""
    from medins_cli.store.safeio import InputError, read_text
    from medins_cli.store.schema import data_hints, schema_problems
    from medins_cli.store.yamlio import YamlSyntaxError, outline

    name = str(path)
    try:
        data, lines, repeated = outline(path, read_text(path))
    except OSError as exc:
        from medins_cli.errors import os_reason

        return Checked(path, None, [Problem(name, "", None, f"读不了这个文件:{os_reason(exc)}。请检查路径和权限")])
    except InputError as exc:  # too big, not UTF-8, anchors, too deep: refused before it is parsed
        return Checked(path, None, [Problem(name, "", exc.line, exc.problem)])
    except YamlSyntaxError as exc:
        return Checked(path, None, [Problem(name, "", exc.line, f"YAML 格式错误:{exc.problem}")])
    problems = [Problem(name, _dotted(where), line, f"重复的键(第 {first} 行已有):PyYAML 会悄悄只留后一个,请删掉一个")
                for where, line, first in repeated]
    _, found = schema_problems(data)
    found = [(_as_written(where, lines), msg) for where, msg in found]
    problems += [Problem(name, _dotted(where), _line(lines, where), msg) for where, msg in found]
    problems += [Problem(name, _dotted(where), _line(lines, where), msg, "warning") for where, msg in data_hints(data)]
    this_year = year if year is not None else dt.date.today().year
    if isinstance(data, dict) and isinstance(data.get("year"), int) and data["year"] < this_year:
        region: Any = data.get("region") if isinstance(data.get("region"), dict) else {}
        stale = stale_warning(str(region.get("name") or "该地"), data["year"], this_year)
        problems.append(Problem(name, "year", _line(lines, ("year",)), str(stale), "warning"))
    problems += [Problem(name, _dotted(where), _line(lines, where), msg, "warning") for where, msg in hidden_text(data)]
    placeholder_lines = {p.line for p in problems if "模板里的占位" in p.message}
    problems = [p for p in problems if p.line not in placeholder_lines or "模板里的占位" in p.message]
    problems.sort(key=lambda p: (p.line or 0))
    return Checked(path, data, problems, lines)


def hidden_text(data: Any, where: tuple[Any, ...] = ()) -> Iterable[tuple[tuple[Any, ...], str]]:
    """(field path, message) for each key or text that holds control or bidi characters (an ESC
    sequence that sets the window title or hides text; U+202E that shows text backwards). Written
    with YAML escapes ("\\e[2J", "\\u202e") they pass every other check; medins shows them escaped
    everywhere, and ``policy validate`` names them, a warning (``--strict``: an error)."""
    from medins_cli.errors import has_unsafe, visible

    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and has_unsafe(key):
                yield (*where, key), f"键「{visible(key)}」含有控制字符:请删掉它们"
            yield from hidden_text(value, (*where, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from hidden_text(value, (*where, i))
    elif isinstance(data, str) and has_unsafe(data):
        shown = visible(data)
        if len(shown) > 80:
            shown = shown[:80] + "…"
        yield where, (f"文字「{shown}」含有控制字符(如终端转义序列或改变文字方向的字符,可能用来改写屏幕、"
                      "隐藏或倒排文字):medins 显示时已转义;请删掉它们")


def check_file_cached(path: Path, *, year: int | None = None) -> Checked:
    """:func:`check_file`, remembered in the user cache by the file's content (and medins' version
    and the year): ``medins policy validate`` over a few hundred unchanged files parses none of
    them again. The result holds only what the command uses: the problems and the region block."""
    from medins_cli.store.cache import CACHE_TAG, content_key, read_cache, write_cache
    from medins_cli.store.paths import cache_dir
    from medins_cli.store.safeio import read_limited

    this_year = year if year is not None else dt.date.today().year
    try:
        key = f"{content_key(read_limited(path))}-{CACHE_TAG}-{CHECKS}-{this_year}"
    except Exception:  # noqa: BLE001 - unreadable, too big …: check_file says what is wrong
        return check_file(path, year=this_year)
    cache_path = cache_dir() / "checks" / f"{key}.json"
    cached = read_cache(cache_path)
    if isinstance(cached, dict) and isinstance(cached.get("problems"), list):
        lines = {tuple(where): line for where, line in cached["lines"]}
        problems = [Problem(str(path), where, line, message, level) for where, line, message, level in cached["problems"]]
        return Checked(path, {"region": cached["region"]} if cached["region"] is not None else None, problems, lines)
    checked = check_file(path, year=this_year)
    region = checked.data.get("region") if isinstance(checked.data, dict) else None
    region = region if isinstance(region, dict) else None
    wanted = [where for where in checked.lines if where[:1] == ("region",)]
    write_cache(cache_path, {
        "problems": [[p.where, p.line, p.message, p.level] for p in checked.problems],
        "region": _jsonable(region), "lines": [[list(where), checked.lines[where]] for where in wanted]})
    return checked


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def alias_clashes(checked: Iterable[Checked], known: Iterable[dict[str, Any]] = ()) -> list[Problem]:
    """Names and aliases that two different regions both claim.

    ``checked`` are the files being validated; ``known`` are index entries of the regions
    medins already has (a file for the *same* region name overrides, it does not clash).
    Pinyin and English aliases (ASCII letters and digits) may be shared by several regions:
    ``-r suzhou`` then asks "苏州 还是 宿州", so they are not clashes.
    """
    owner: dict[str, tuple[str, str]] = {}  # key → (region name, file)
    for entry in known:
        for key in entry.get("keys", ())[1:]:  # [0] is the file name's own key
            owner.setdefault(key, (entry.get("name", ""), entry.get("path", "")))
    problems: list[Problem] = []
    for item in checked:
        region = item.data.get("region") if isinstance(item.data, dict) else None
        if not isinstance(region, dict) or not isinstance(region.get("name"), str):
            continue
        name = region["name"]
        aliases: Any = region.get("aliases") if isinstance(region.get("aliases"), list) else []
        mine: set[str] = set()
        for i, word in enumerate([name, *aliases]):
            key = region_key(str(word))
            where = ("region", "name") if i == 0 else ("region", "aliases", i - 1)
            if key in mine:  # 绵阳市 and 绵阳 are one key: not a clash
                continue
            mine.add(key)
            other = owner.get(key)
            if key.isascii() and key.isalnum():  # pinyin or English may be shared (suzhou: 苏州, 宿州):
                continue                          # a lookup by it asks which one, never picks
            if other is not None and other[0] != name and Path(other[1]) != item.path:
                problems.append(Problem(str(item.path), _dotted(where), _line(item.lines, where),
                                        f"「{word}」已是地区「{other[0]}」的名称或别名({other[1]}):别名在所有地区中必须唯一"))
        for key in mine:
            owner.setdefault(key, (name, str(item.path)))
    return problems


def same_region_files(checked: Iterable[Checked], known: Iterable[dict[str, Any]], user_folder: Path) -> list[Problem]:
    """Two files in the user's regions folder for one region (绵阳.yaml and an old 绵阳_old.yaml):
    an estimate reads only one of them (:func:`medins_cli.store.regions.file_rank`), so each checked
    file of such a pair is an error naming the other and the one in use.

    ``checked`` are the files being validated; ``known`` are index entries of the files medins
    already has (the user's others among them).
    """
    folder = user_folder.resolve()
    prefix = str(folder / "x")[:-1]
    mine: dict[str, Checked] = {}
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in checked:
        region = item.data.get("region") if isinstance(item.data, dict) else None
        if not isinstance(region, dict) or not isinstance(region.get("name"), str) or item.path.resolve().parent != folder:
            continue
        path = str(item.path.resolve())
        aliases: Any = region.get("aliases") if isinstance(region.get("aliases"), list) else []
        keys = [region_key(item.path.stem), region_key(region["name"]), *(region_key(str(a)) for a in aliases)]
        mine[path] = item
        groups.setdefault(region_key(region["name"]), []).append({"path": path, "name": region["name"], "keys": keys})
    for entry in known:
        path = str(Path(entry["path"]).resolve())
        if path not in mine and Path(path).parent == folder:
            groups.setdefault(region_key(entry["name"]), []).append({**entry, "path": path})
    problems: list[Problem] = []
    for files in groups.values():
        if len(files) < 2:
            continue
        files.sort(key=lambda e: file_rank(e, prefix))
        used = files[0]["path"]
        for entry in files:
            found = mine.get(entry["path"])
            if found is None:
                continue
            others = "、".join(e["path"] for e in files if e is not entry)
            which = "估算用的是这个文件" if entry["path"] == used else f"估算用的是 {used},这个文件被忽略"
            problems.append(Problem(str(found.path), "region.name", _line(found.lines, ("region", "name")),
                                    f"和 {others} 是同一个地区「{entry['name']}」的文件:{which};"
                                    "请删掉或改名不用的那个(文件名就是地区名的那个优先)"))
    return problems
