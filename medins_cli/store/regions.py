"""Finding and loading region policy files (I/O lives here, not in the core).

Speed: the everyday path reads a small JSON index of names → files and one cached,
already-validated JSON copy of the asked-for region. YAML and pydantic are imported
only when a file is new or changed (cache keyed by the file's content hash).
"""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path
from typing import Any

from medins_cli.core.model import Policy
from medins_cli.core.names import CONFIDENCE_RANK
from medins_cli.core.policy import policy_from_dict
from medins_cli.errors import UsageError
from medins_cli.store.cache import CACHE_TAG, content_key, read_cache, read_json, write_cache
from medins_cli.store.paths import cache_dir, shipped_data_dir, user_data_dir

_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "市", "省", "县", "区")

#: The longest region name medins looks up or compares for suggestions (the longest real one,
#: 克孜勒苏柯尔克孜自治州, has 11 characters). A longer one is refused at once: difflib's
#: comparison grows with the product of the lengths, and a region cell of a million characters
#: compared with ~800 names took minutes.
MAX_NAME_CHARS = 64


def region_key(text: str) -> str:
    """Lookup key: case-folded, no spaces, without a trailing 市/省/… ."""
    key = "".join(str(text).split()).lower()
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


class RegionNameTooLong(UsageError):
    """A region name too long to be one (see :data:`MAX_NAME_CHARS`): never looked up or compared."""


def too_long_message(text: str) -> str:
    return (f"地区名太长({len(text):,} 个字):地区名不超过 {MAX_NAME_CHARS} 个字,没有查找也没有比较;"
            "请检查地区的写法(如 绵阳)")


def check_name_length(text: str) -> None:
    """Raise :class:`RegionNameTooLong` for a name longer than :data:`MAX_NAME_CHARS` (spaces aside)."""
    if len(text) > MAX_NAME_CHARS and len(region_key(text)) > MAX_NAME_CHARS:
        raise RegionNameTooLong(too_long_message(text))


def region_dirs() -> list[Path]:
    """Shipped regions first, then the user's (which override on the same name)."""
    return [shipped_data_dir() / "regions", user_data_dir() / "regions"]


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


#: The index's own format version inside the cache tag: ambiguous keys (one key, several regions);
#: i3: one region's files ranked by :func:`file_rank`, the user's other files for it (``twins``).
INDEX_TAG = f"{CACHE_TAG}-i3"


def _folders_signature() -> str:
    """Changes when a region file is added, removed or renamed (folder mtimes): two stats."""
    parts = [INDEX_TAG]
    for folder in region_dirs():
        parts.append(f"{folder}\0{_stamp(str(folder))}")
    return content_key("\n".join(parts).encode())


def _scan() -> list[tuple[str, list[int]]]:
    """Every region file (shipped first, then the user's) with its (mtime, size) stamp."""
    files: list[tuple[str, list[int]]] = []
    for folder in region_dirs():
        try:
            with os.scandir(folder) as it:
                found = sorted(e.path for e in it
                               if e.name.endswith((".yaml", ".yml")) and not e.name.startswith("."))
        except OSError:
            continue
        files.extend((path, stamp) for path in found if (stamp := _stamp(path)) is not None)
    return files


#: The shipped regions' index entries, precomputed (``data/regions/index.json``, written by
#: ``scripts/gen_sources_md.py`` and checked by a test): a file whose content still matches its
#: seed needs no YAML parsing on the first run after install, and is known to validate.
SEED_FILE = "index.json"
SEED_FORMAT = 1  # bump when the fields of an index entry change

_seed_cache: dict[str, Any] = {}


def _seed() -> tuple[Path, dict[str, Any]]:
    """The shipped regions folder and its seed (read once per process)."""
    if "files" not in _seed_cache:
        folder = shipped_data_dir() / "regions"
        seed = read_json(folder / SEED_FILE)  # shipped with medins, not a cache
        ok = isinstance(seed, dict) and seed.get("format") == SEED_FORMAT and isinstance(seed.get("files"), dict)
        _seed_cache.update(folder=folder, files=seed["files"] if ok else {})
    return _seed_cache["folder"], _seed_cache["files"]


def _seeded(path: Path, data: bytes) -> dict[str, Any] | None:
    """The precomputed entry of a shipped file whose content is unchanged, else None."""
    folder, files = _seed()
    if path.parent != folder:
        return None
    seed = files.get(path.name)
    if not isinstance(seed, dict) or seed.get("key") != content_key(data):
        return None
    return {"path": str(path), **seed["entry"]}


def known_valid(path: Path) -> bool:
    """A shipped file whose content is exactly what the seed recorded (every seeded file validates)."""
    try:
        return _seeded(path, path.read_bytes()) is not None
    except OSError:
        return False


def seed_document(folder: Path) -> dict[str, Any]:
    """The seed for ``folder`` (the repository's data/regions): entries of the files that validate."""
    from medins_cli.store.schema import validate_policy
    from medins_cli.store.yamlio import load_yaml

    files: dict[str, Any] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = path.read_bytes()
        try:
            validate_policy(load_yaml(path, data.decode("utf-8")), str(path))
        except ValueError:
            continue
        entry = _index_entry(path, data, seeded=False)
        entry.pop("path")
        files[path.name] = {"key": content_key(data), "entry": entry}
    return {"format": SEED_FORMAT, "files": files}


def _index_entry(path: Path, data: bytes | None = None, *, seeded: bool = True) -> dict[str, Any]:
    from medins_cli.store.yamlio import load_yaml

    entry: dict[str, Any] = {"path": str(path), "keys": [region_key(path.stem)]}
    try:
        if data is None:
            data = path.read_bytes()
        seed = _seeded(path, data) if seeded else None
        if seed is not None:
            return seed
        raw = load_yaml(path, data.decode("utf-8"))
        region = raw["region"]
        entry["name"] = str(region["name"])
        entry["province"] = str(region.get("province") or region["name"])
        entry["level"] = str(region.get("level", "city"))
        entry.update(summary(raw))
        entry["keys"] += [region_key(entry["name"])] + [region_key(a) for a in region.get("aliases") or ()]
    except Exception:  # noqa: BLE001 - a broken file is reported when it is asked for
        names = _names_in_broken(path)
        entry["name"] = names[0] if names else path.stem
        entry["keys"] += [region_key(n) for n in names]
        entry["broken"] = True
    return entry


#: Compiled when a file fails to parse (re caches them): not on every estimate's start-up.
_NAME = r"""^\s*(?:region:\s*\{\s*)?name:\s*["']?([^"',}\]\n#]+?)["']?\s*(?:[,}#]|$)"""
_ALIASES = r"""^\s*aliases:\s*\[([^\]\n#]*)"""


def _names_in_broken(path: Path) -> list[str]:
    """The region name and aliases a file that does not parse still spells out (``name: 测试市``),
    so asking for 测试市 reports the broken file instead of an unknown region."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:20_000]
    except OSError:
        return []
    names = [m.group(1).strip() for m in re.finditer(_NAME, text, re.M)][:1]
    for m in re.finditer(_ALIASES, text, re.M):
        names += [a.strip().strip("'\"") for a in m.group(1).split(",") if a.strip()]
        break
    return [n for n in names if n]


CONFIDENCE_ORDER = tuple(reversed(CONFIDENCE_RANK))  # strongest first: official … placeholder
_PARTS = ("inpatient", "outpatient", "critical_illness")


def _sections_of(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """(plan, kind) of every section, in schema 2 (``sections``) or schema 1 (``plans``)."""
    if isinstance(raw.get("sections"), list):
        return [(str(s.get("plan")), str(s.get("kind"))) for s in raw["sections"] if isinstance(s, dict)]
    plans: Any = raw.get("plans") if isinstance(raw.get("plans"), dict) else {}
    return [(plan, part) for plan, body in plans.items() if isinstance(body, dict) for part, v in body.items() if v]


def summary(raw: dict[str, Any]) -> dict[str, Any]:
    """What ``medins regions`` shows of a policy document: year, code, the plan sections
    present (``employee.inpatient`` …) and the weakest confidence among its sources."""
    have = set(_sections_of(raw))
    present = [f"{plan}.{part}" for plan in ("employee", "resident") for part in _PARTS if (plan, part) in have]
    levels = [s.get("confidence") for s in raw.get("sources") or () if isinstance(s, dict)]
    known = [c for c in CONFIDENCE_ORDER if c in levels]
    notes: Any = raw.get("notes") if isinstance(raw.get("notes"), list) else []
    year = raw.get("year")
    if year is None and isinstance(raw.get("sections"), list):
        years = [str(s.get("effective"))[:4] for s in raw["sections"] if isinstance(s, dict) and s.get("effective")]
        year = max((int(y) for y in years if y.isdigit()), default=None)
    return {"year": year, "code": raw["region"].get("code"), "sections": present,
            "confidence": known[-1] if known else None, "notes": len(notes)}


def origin(path: str) -> str:
    """``shipped`` (medins' own data), ``user`` (the user data directory) or ``file``."""
    parent = Path(path).parent
    if parent == shipped_data_dir() / "regions":
        return "shipped"
    if parent == user_data_dir() / "regions":
        return "user"
    return "file"


def _load() -> dict[str, Any]:
    """The index, checked against every file: ``entries`` and ``table`` (key → entry number).

    Stats every region file and re-reads only those whose (mtime, size) changed; when
    anything changed, rewrites the cache and its shards (see :func:`_quick_lookup`).
    """
    cache_path = cache_dir() / "index.json"
    cached = read_cache(cache_path)
    folders = _folders_signature()
    valid = isinstance(cached, dict) and cached.get("tag") == INDEX_TAG
    files = _scan()
    old = {e["path"]: e for e in cached["entries"]} if valid else {}
    if valid and [(e["path"], e.get("stamp")) for e in cached["entries"]] == files:
        if cached.get("folders") == folders and all(k in cached for k in ("table", "ambiguous", "twins")):
            return cached  # nothing changed: the keys were worked out from these very files
        entries = cached["entries"]
    else:
        entries = [
            old[path] if path in old and old[path].get("stamp") == stamp else {**_index_entry(Path(path)), "stamp": stamp}
            for path, stamp in files
        ]
    table, ambiguous = _key_table(entries)
    twins = {str(n): others for n, others in same_region_files(entries).items()}
    index = {"tag": INDEX_TAG, "folders": folders, "entries": entries, "table": table, "ambiguous": ambiguous,
             "twins": twins}
    if index != cached:
        write_cache(cache_path, index)
        _write_shards(index)
    return index


def file_rank(entry: dict[str, Any], user_folder: str | None = None) -> tuple[int, int, str]:
    """Which of several files for one region is used (the smallest rank): a user file before a
    shipped one; among the user's files, the one named after the region (绵阳.yaml), then one named
    after an alias (mianyang.yaml), then the first by file name. Deterministic: a file's name and
    folder decide, never its modification time (a copy or a checkout changes that)."""
    folder = user_folder if user_folder is not None else _user_folder()
    keys = entry.get("keys") or [region_key(Path(entry["path"]).stem)]
    name = region_key(str(entry.get("name", "")))
    named = 0 if keys[0] == name else 1 if keys[0] in keys[1:] else 2
    return (0 if entry["path"].startswith(folder) else 1, named, entry["path"])


def regions_in_use() -> list[list[dict[str, Any]]]:
    """Each region's files from the index, the one an estimate uses first (a user file overrides a
    shipped one; see :func:`file_rank`)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in load_index():
        groups.setdefault(region_key(entry["name"]), []).append(entry)
    folder = _user_folder()
    for group in groups.values():
        group.sort(key=lambda e: file_rank(e, folder))
    return list(groups.values())


def estimable_by_confidence() -> dict[str, list[str]]:
    """The regions an estimate can use (the file in use has an inpatient or outpatient section), by the
    weakest confidence among that file's sources, strongest level first: level → region names.
    What ``medins regions --confidence LEVEL`` lists, less the regions with no figures."""
    out: dict[str, list[str]] = {level: [] for level in CONFIDENCE_ORDER}
    for group in regions_in_use():
        entry = group[0]
        level = entry.get("confidence")
        if level in out and any(s.endswith((".inpatient", ".outpatient")) for s in entry.get("sections") or ()):
            out[level].append(str(entry["name"]))
    return out


def _user_folder() -> str:
    return os.path.join(str(user_data_dir() / "regions"), "")


def same_region_files(entries: list[dict[str, Any]]) -> dict[int, list[int]]:
    """User files that are for the same region as another user file (绵阳.yaml and 绵阳_old.yaml):
    entry number → the numbers of the others, the one in use first. Only one of them is ever read,
    so each use says which (:func:`twin_warning`) and ``medins policy validate`` calls it an error."""
    folder = _user_folder()
    groups: dict[str, list[int]] = {}
    for number, entry in enumerate(entries):
        if entry["path"].startswith(folder):
            groups.setdefault(region_key(entry["name"]), []).append(number)
    twins: dict[int, list[int]] = {}
    for numbers in groups.values():
        if len(numbers) > 1:
            numbers.sort(key=lambda n: file_rank(entries[n], folder))
            for number in numbers:
                twins[number] = [n for n in numbers if n != number]
    return twins


def twin_warning(entry: dict[str, Any]) -> str | None:
    """One line when the user has other files for the region of ``entry`` (its ``others``)."""
    others = entry.get("others") or []
    if not others:
        return None
    return (f"提示:用户数据目录里有 {len(others) + 1} 个「{entry['name']}」的地区文件:用的是 {entry['path']},"
            f"没有用 {'、'.join(others)}:请删掉或改名不用的那个(medins policy validate 会列出)")


def _key_table(entries: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Lookup keys → entry number, and the keys that belong to more than one region.

    Files for the *same* region (the same name, 绵阳 or 绵阳市) are one region: the one
    :func:`file_rank` puts first is used (a user file overrides a shipped one; not ambiguity);
    one key claimed by regions of different names (``suzhou``: 苏州 and 宿州) is ambiguous and
    is never resolved silently.
    """
    folder = _user_folder()
    ranks = [file_rank(entry, folder) for entry in entries]
    owners: dict[str, dict[str, int]] = {}
    for number, entry in enumerate(entries):
        region = region_key(entry["name"])
        for key in entry["keys"]:
            by_region = owners.setdefault(key, {})
            best = by_region.get(region)
            if best is None or ranks[number] < ranks[best]:
                by_region[region] = number
    table: dict[str, int] = {}
    ambiguous: dict[str, list[int]] = {}
    for key, by_name in owners.items():
        if len(by_name) == 1:
            table[key] = next(iter(by_name.values()))
        else:
            ambiguous[key] = sorted(by_name.values(), key=lambda n: (entries[n].get("code") or "", entries[n]["name"]))
    return table, ambiguous


_SHARDS = 16


def _shard_path(key: str) -> Path:
    return cache_dir() / "index" / f"{_shard(key):02d}.json"


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % _SHARDS


def _write_shards(index: dict[str, Any]) -> None:
    """Split the lookup table into small files so a lookup reads ~1/16 of it."""
    shards: list[dict[str, Any]] = [{} for _ in range(_SHARDS)]
    several: list[dict[str, Any]] = [{} for _ in range(_SHARDS)]
    for key, number in index["table"].items():
        shards[_shard(key)][key] = _found(index, number)
    for key, numbers in index.get("ambiguous", {}).items():
        several[_shard(key)][key] = [index["entries"][n] for n in numbers]
    for number, keys in enumerate(shards):
        write_cache(cache_dir() / "index" / f"{number:02d}.json",
                    {"tag": INDEX_TAG, "folders": index["folders"], "keys": keys, "ambiguous": several[number]})


def _found(index: dict[str, Any], number: int) -> dict[str, Any]:
    """Entry ``number`` as a lookup returns it: with ``others``, the user's other files for its region."""
    entry = dict(index["entries"][number])
    twins = (index.get("twins") or {}).get(str(number))
    if twins:
        entry["others"] = [index["entries"][n]["path"] for n in twins]
    return entry


def _quick_lookup(key: str, typed: str | None = None) -> tuple[dict[str, Any] | list[dict[str, Any]] | None, bool]:
    """The entry for ``key`` from its shard (a list of entries when the key names several
    regions), and whether that shard is current.

    The everyday path: two folder stats, one small file, one stat of the region file, so
    its cost does not grow with the number of regions. A shard is current while no region
    file was added, removed or renamed; an entry counts only if its file is unchanged.
    (Editing another file's aliases in place is seen by the next miss or ``medins regions``.)
    A place name resolved before (``typed`` as :func:`_typed` makes it: 顺德区) is in the
    same shard (:func:`_remember`), so naming a district costs what naming its city does.
    """
    shard = read_cache(_shard_path(key))
    if not isinstance(shard, dict) or shard.get("tag") != INDEX_TAG or shard.get("folders") != _folders_signature():
        return None, False
    place = (shard.get("places") or {}).get(typed) if typed is not None else None
    if place is not None and place.get("stamp") == _stamp(place["path"]):
        return dict(place), True
    several = (shard.get("ambiguous") or {}).get(key)
    if several:
        if any(e.get("stamp") != _stamp(e["path"]) for e in several):
            return None, True
        return [dict(e) for e in several], True
    entry = shard["keys"].get(key)
    if entry is None or entry.get("stamp") != _stamp(entry["path"]):
        return None, True
    return dict(entry), True


def load_index() -> list[dict[str, Any]]:
    """Every known region (name, province, keys, path), checked against every file."""
    return list(_load()["entries"])


def _table(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {key: entry for entry in entries for key in entry["keys"]}


def ambiguous_keys(entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Keys (such as ``suzhou``) that belong to more than one region, with those regions."""
    _, ambiguous = _key_table(entries)
    return {key: [entries[n] for n in numbers] for key, numbers in ambiguous.items()}


def suggest(query: str, entries: list[dict[str, Any]]) -> list[str]:
    """Names close to ``query``; among equally close ones, those that start the same way first
    (南景 → 南京 before 黔南, with hundreds of two-character names)."""
    import difflib
    import os

    names = {e["name"]: e for e in entries}
    table = _table(entries)
    key = region_key(query)
    if len(key) > MAX_NAME_CHARS:  # never compared: see MAX_NAME_CHARS
        return []
    scored = []
    for candidate in table:
        ratio = difflib.SequenceMatcher(None, key, candidate).ratio()
        if ratio >= 0.5:
            scored.append((-ratio, -len(os.path.commonprefix([key, candidate])), candidate))
    hits = [c for _, _, c in sorted(scored)[:8]]
    out = list(dict.fromkeys(table[h]["name"] for h in hits))
    out += [n for n in names if (key and (key in n or n in key)) and n not in out]
    return out[:4]


class AmbiguousRegion(UsageError):
    """A name several regions share (the pinyin suzhou): the message names the choices."""


class AmbiguousPlace(AmbiguousRegion):
    """A place name whose divisions are pooled by different regions (朝阳区: 北京 and 长春)."""


class PlaceWithoutFile(UsageError):
    """A real place that no region file answers for: a province, or a county-level unit that a
    province runs itself (琼海). ``place`` is its (name, province) for the guides, which need no
    figures (checklist -r 琼海 applies 海南's rules)."""

    def __init__(self, message: str, place: tuple[str, str | None]) -> None:
        super().__init__(message)
        self.place = place


def ambiguity_message(query: str, entries: list[dict[str, Any]]) -> str:
    """「suzhou」: 你是指 苏州(江苏) 还是 宿州(安徽)? — the regions one name could mean."""
    names = [f"{e['name']}({e.get('province') or e['name']})" for e in entries]
    choice = names[0] if len(names) == 1 else f"{'、'.join(names[:-1])} 还是 {names[-1]}"
    return f"「{query}」不止一个地区,你是指 {choice}?请写中文名,如 --region {entries[0]['name']}"


def _typed(query: str) -> str:
    """A name as typed, only without spaces and in lower case (顺德区, 朝阳区): what a resolved
    place is remembered by (:func:`region_key` would cut 朝阳区 to 朝阳, another place)."""
    return "".join(str(query).split()).lower()


def _shadowed(typed: str, key: str, entry: dict[str, Any]) -> bool:
    """True when ``typed`` is a district or county (区/县) whose bare name is a city's or a
    province's (朝阳区 is 北京's or 长春's, not 辽宁's 朝阳; 海南区 is 乌海's): asked of the
    division table. A name the table or the region's own file gives (铁岭县) resolves the same."""
    code = str(entry.get("code") or "")
    return (typed[len(key):] in ("区", "县") and typed.startswith(key) and "resolved_from" not in entry
            and code.endswith("00"))


#: At most this many resolved place names are remembered per index shard (16 shards, about 1,000
#: names): each is a whole entry (~400 bytes), and every lookup reads its shard (~20 KB without them).
_PLACES_PER_SHARD = 64


def _remember(key: str, typed: str, entry: dict[str, Any]) -> None:
    """Keep a resolved place name (顺德区 → 佛山's entry, with how) in the shard of ``key``, so the
    next run finds it on the everyday path without the division table. The shards are rewritten
    (and these forgotten) whenever a region file is added, removed or renamed."""
    path = _shard_path(key)
    shard = read_cache(path)
    if not isinstance(shard, dict) or shard.get("tag") != INDEX_TAG or shard.get("folders") != _folders_signature():
        return
    places = shard.setdefault("places", {})
    if typed in places or len(places) < _PLACES_PER_SHARD:
        places[typed] = entry
        write_cache(path, shard)


def resolution_note(entry: dict[str, Any]) -> str | None:
    """The one line to say when the name asked for was a district, county, old or short name
    (顺德区 属于 佛山,按佛山计算), else None."""
    resolved = entry.get("resolved_from")
    return str(resolved["note"]) if isinstance(resolved, dict) and resolved.get("note") else None


def find_region(query: str) -> dict[str, Any]:
    """The index entry for a region name, alias or pinyin; a usage error with suggestions if unknown,
    or naming the choices when the name belongs to several regions (never one picked silently).

    A name the index does not know is looked up in the division table
    (:mod:`medins_cli.store.placenames`): a district, county or old name gives its city's entry,
    with ``resolved_from`` (see :func:`resolution_note`)."""
    check_name_length(query)
    key = region_key(query)
    typed = _typed(query)
    quick, current = _quick_lookup(key, typed)
    if isinstance(quick, list):
        raise AmbiguousRegion(ambiguity_message(query, quick))
    if quick is not None and not _shadowed(typed, key, quick):
        return quick
    index = _load()  # a miss, an edited file or no cache yet: check every file
    if not current:
        _write_shards(index)
    several = index.get("ambiguous", {}).get(key)
    if several:
        raise AmbiguousRegion(ambiguity_message(query, [index["entries"][n] for n in several]))
    number = index["table"].get(key)
    if number is not None and not _shadowed(typed, key, index["entries"][number]):
        return _found(index, number)
    from medins_cli.store import placenames

    resolved = placenames.resolve(query, index, number)
    if resolved is not None:
        entry = _found(index, resolved[0])
        entry["resolved_from"] = resolved[1]  # None when only the spelling was folded (廣州) or 铁岭县 is 铁岭's
        _remember(key, typed, entry)
        return entry
    if number is not None:  # 区/县 after a city's name, and no division of that name: the city
        return _found(index, number)
    close = placenames.suggestions(query, index, suggest(query, index["entries"]))
    hint = f"你是不是要找:{'、'.join(close)}?" if close else ""
    broken = [e["path"] for e in index["entries"] if e.get("broken") and origin(e["path"]) == "user"]
    if broken:  # the region may be in a file that does not parse: say so before suggesting a new one
        hint += (f"注意:用户数据目录里有读不了的地区文件 {'、'.join(broken[:3])}"
                 f"{' 等' if len(broken) > 3 else ''}(用 medins policy validate 查看问题);")
    raise UsageError(
        f"不认识的地区「{query}」。{hint}用 medins regions 查看已有地区;"
        f"要添加新地区:medins policy init {query}(照当地医保局通知填写),或用 --policy-file"
    )


def read_policy_dict(path: Path) -> dict[str, Any]:
    """The validated, normalised dict for one policy file (cached by content hash)."""
    from medins_cli.store.cache import load_validated

    return load_validated(path, "policies", "medins_cli.store.schema:validate_policy", "地区数据文件")


def load_policy(path: Path) -> Policy:
    """Load one region's policy (validated once, then from the cache)."""
    return policy_from_dict(read_policy_dict(path))._replace(file=str(path), origin=origin(str(path)))


def _guide_place(query: str) -> tuple[str, str | None] | None:
    """(name, province) when the guides know the place (data/guides/places.yaml), e.g. 安宁."""
    from medins_cli.store import guides

    try:
        place = guides.find_place(query)
    except UsageError:
        return None
    return place.name, place.province


def load_region(query: str) -> Policy:
    """Find a region by any of its names and load its policy."""
    return load_region_entry(query)[0]


def load_region_entry(query: str) -> tuple[Policy, dict[str, Any]]:
    """:func:`load_region`, and the index entry it found (``others``: see :func:`twin_warning`)."""
    from medins_cli.errors import DataError

    try:
        entry = find_region(query)
    except (RegionNameTooLong, AmbiguousRegion, PlaceWithoutFile):
        raise  # too long; several places (asked back); a place without figures (said why)
    except UsageError:
        place = _guide_place(query)
        if place is None:
            raise
        name, province = place
        where = f"({province})" if province and province != name else ""
        raise UsageError(f"{name}{where}是已知的地区,但还没有报销数据:估算请用 --policy-file 提供该地数据,"
                         f"或用 medins policy init {name} 照当地医保局通知填写;checklist 和 transfer-guide "
                         "可以直接用它") from None
    path = Path(entry["path"])
    try:
        return load_policy(path), entry
    except DataError as exc:  # a broken file: where, and how to see every problem in it
        message = str(exc)
        if "policy validate" not in message:
            message = f"{message.rstrip('。')};用 medins policy validate {path} 列出全部问题"
        raise DataError(message) from None
