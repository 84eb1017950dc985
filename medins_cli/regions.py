"""Finding and loading region policy files (I/O lives here, not in the core).

Speed: the everyday path reads a small JSON index of names → files and one cached,
already-validated JSON copy of the asked-for region. YAML and pydantic are imported
only when a file is new or changed (cache keyed by the file's content hash).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from medins_cli.core.model import Policy, policy_from_dict
from medins_cli.errors import UsageError
from medins_cli.datacache import CACHE_TAG, content_key, read_cache, write_cache
from medins_cli.paths import cache_dir, shipped_data_dir, user_data_dir

_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "市", "省", "县", "区")


def region_key(text: str) -> str:
    """Lookup key: case-folded, no spaces, without a trailing 市/省/… ."""
    key = "".join(str(text).split()).lower()
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


def region_dirs() -> list[Path]:
    """Shipped regions first, then the user's (which override on the same name)."""
    return [shipped_data_dir() / "regions", user_data_dir() / "regions"]


def _region_files() -> list[Path]:
    files: list[Path] = []
    for folder in region_dirs():
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        files.extend(folder / n for n in names if n.endswith((".yaml", ".yml")) and not n.startswith("."))
    return files


def _signature(files: list[Path]) -> str:
    """Changes whenever a region file is added, removed, renamed or edited."""
    parts = [CACHE_TAG]
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        parts.append(f"{f}\0{st.st_mtime_ns}\0{st.st_size}")
    return content_key("\n".join(parts).encode())


def _index_entry(path: Path) -> dict[str, Any]:
    from medins_cli.yamlio import load_yaml

    entry: dict[str, Any] = {"path": str(path), "keys": [region_key(path.stem)]}
    try:
        raw = load_yaml(path)
        region = raw["region"]
        entry["name"] = str(region["name"])
        entry["province"] = str(region.get("province") or region["name"])
        entry["level"] = str(region.get("level", "city"))
        entry["has_plans"] = bool(raw.get("plans"))
        entry["keys"] += [region_key(entry["name"])] + [region_key(a) for a in region.get("aliases") or ()]
    except Exception:  # noqa: BLE001 - a broken file is reported when it is asked for
        entry["name"] = path.stem
        entry["broken"] = True
    return entry


def load_index() -> list[dict[str, Any]]:
    """Every known region (name, province, keys, path); cached until a file changes."""
    files = _region_files()
    signature = _signature(files)
    cache_path = cache_dir() / "index.json"
    cached = read_cache(cache_path)
    if isinstance(cached, dict) and cached.get("signature") == signature:
        return list(cached["entries"])
    entries = [_index_entry(f) for f in files]
    write_cache(cache_path, {"signature": signature, "entries": entries})
    return entries


def _table(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for entry in entries:  # later (user) files override earlier (shipped) ones
        for key in entry["keys"]:
            table[key] = entry
    return table


def suggest(query: str, entries: list[dict[str, Any]]) -> list[str]:
    import difflib

    names = {e["name"]: e for e in entries}
    table = _table(entries)
    key = region_key(query)
    hits = difflib.get_close_matches(key, list(table), n=5, cutoff=0.5)
    out = list(dict.fromkeys(table[h]["name"] for h in hits))
    out += [n for n in names if (key and (key in n or n in key)) and n not in out]
    return out[:4]


def find_region(query: str) -> dict[str, Any]:
    """The index entry for a region name, alias or pinyin; a usage error with suggestions if unknown."""
    entries = load_index()
    entry = _table(entries).get(region_key(query))
    if entry is None:
        close = suggest(query, entries)
        hint = f"你是不是要找:{'、'.join(close)}?" if close else ""
        raise UsageError(
            f"不认识的地区「{query}」。{hint}用 medins regions 查看已有地区;"
            "要添加新地区,把 YAML 文件放进用户数据目录的 regions/ 或用 --policy-file(见 README)"
        )
    return entry


def read_policy_dict(path: Path) -> dict[str, Any]:
    """The validated, normalised dict for one policy file (cached by content hash)."""
    from medins_cli.datacache import load_validated

    return load_validated(path, "policies", "medins_cli.schema:validate_policy", "地区数据文件")


def load_policy(path: Path) -> Policy:
    """Load one region's policy (validated once, then from the cache)."""
    return policy_from_dict(read_policy_dict(path))


def load_region(query: str) -> Policy:
    """Find a region by any of its names and load its policy."""
    entry = find_region(query)
    return load_policy(Path(entry["path"]))
