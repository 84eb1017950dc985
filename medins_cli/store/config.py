"""The user's config: a small JSON file that remembers region, insurance type, retirement, tier.

Writes are atomic (temp file + rename). A file that cannot be read or holds a bad value is
reported with its path and how to fix it, and is never overwritten behind the user's back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from medins_cli.errors import DataError, UsageError
from medins_cli.store.paths import atomic_write, config_dir

FILE_NAME = "config.json"
_TRUE = {"1", "true", "yes", "y", "on", "是", "退休", "retired"}
_FALSE = {"0", "false", "no", "n", "off", "否", "在职"}


def config_path() -> Path:
    return config_dir() / FILE_NAME


def _region(value: str) -> str:
    """A region's name as stored. Which names are known (regions with data, and places the guides
    know, such as 昆明) is the command's check: ``config set region`` resolves it first."""
    name = "".join(str(value).split())
    if not name:
        raise UsageError("地区不能为空:请写地区名,如 绵阳")
    return name


def _plan(value: str) -> str:
    from medins_cli.core.names import normalize_plan

    return normalize_plan(value)


def _tier(value: str) -> str:
    from medins_cli.core.names import normalize_tier

    return normalize_tier(value)


def _bool(value: str) -> bool:
    key = str(value).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise UsageError(f"「{value}」不是是/否:请写 true 或 false")


KEYS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "region": ("默认地区,如 绵阳", _region),
    "type": ("参保类型:employee(职工)或 resident(居民)", _plan),
    "retired": ("是否退休:true 或 false(只对职工医保有意义)", _bool),
    "tier": ("默认医院等级:1|2|3|community", _tier),
}


def check_key(key: str) -> str:
    if key not in KEYS:
        raise UsageError(f"没有配置项「{key}」:可用的有 {'、'.join(KEYS)}")
    return key


def parse_value(key: str, value: str) -> Any:
    """Validate a value for ``key`` (as typed on the command line); returns what is stored."""
    from medins_cli.core.errors import CoreError

    try:
        return KEYS[check_key(key)][1](value)
    except CoreError as exc:
        raise UsageError(str(exc)) from None


def _broken(path: Path, why: str) -> DataError:
    return DataError(
        f"配置文件 {path} 有误({why}):请手动修正,或运行 medins config reset 备份后重建"
    )


def load() -> dict[str, Any]:
    """The saved config ({} when there is none). Raises DataError if the file is broken."""
    from medins_cli.store.safeio import InputError, parse_json, read_text

    path = config_path()
    try:
        text = read_text(path)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise _broken(path, f"读取失败:{exc.strerror}") from None
    except InputError as exc:  # too big, not UTF-8 (a file copied from elsewhere is checked like any other)
        where = f"第 {exc.line} 行" if exc.line else ""
        raise _broken(path, f"{where}{exc.problem}") from None
    try:
        data = parse_json(text)
    except ValueError as exc:
        raise _broken(path, str(exc)) from None
    if not isinstance(data, dict):
        raise _broken(path, "顶层应是 {…} 对象")
    for key, value in data.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise _broken(path, f"{key} 的值含有无效字符") from None
        if key not in KEYS:
            raise _broken(path, f"未知的配置项「{key}」")
        if key == "retired" and not isinstance(value, bool):
            raise _broken(path, "retired 应为 true 或 false")
        if key in ("type", "tier") and not isinstance(value, str):
            raise _broken(path, f"{key} 应为字符串")
        if key in ("type", "tier"):
            try:
                parse_value(key, value)
            except UsageError:
                raise _broken(path, f"{key} 的值「{value}」无效") from None
        if key == "region" and not isinstance(value, str):
            raise _broken(path, "region 应为地区名字符串")
    return data


def save(data: dict[str, Any]) -> None:
    atomic_write(config_path(), json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def reset() -> Path | None:
    """Move the current file aside (kept as a backup); returns the backup path."""
    import time

    path = config_path()
    if not path.exists():
        return None
    backup = path.with_name(f"{FILE_NAME}.bak-{time.strftime('%Y%m%d-%H%M%S')}")
    path.replace(backup)
    return backup
