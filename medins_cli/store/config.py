"""The user's config: a small JSON file that remembers region, insurance type, retirement, tier.

Writes are atomic (temp file + rename) and go through a symlink to its target. Every change
(:func:`set_value`, :func:`unset_value`, :func:`reset`) reads, changes and writes under the file's
lock (:mod:`medins_cli.store.userfile`), so five ``config set`` at once keep all five keys. A file
that cannot be read or holds a bad value is reported with its path and how to fix it, and is never
overwritten behind the user's back.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

from medins_cli.errors import DataError, UsageError, is_permission, os_reason
from medins_cli.store.paths import atomic_write, config_dir

FILE_NAME = "config.json"


def config_path() -> Path:
    return config_dir() / FILE_NAME


def _region(value: str) -> str:
    """A region's name as stored. Which names are known (regions with data, and places the guides
    know, such as 安宁) is the command's check: ``config set region`` resolves it first."""
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


def _confidence(value: str) -> str:
    from medins_cli.core.names import normalize_confidence

    return normalize_confidence(value)


def _bool(value: str) -> bool:
    from medins_cli.core.names import yes_no

    answer = yes_no(value)
    if answer is None:
        raise UsageError(f"「{value}」不是是/否:请写 true 或 false")
    return answer


KEYS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "region": ("默认地区,如 绵阳", _region),
    "type": ("参保类型:employee(职工)或 resident(居民)", _plan),
    "retired": ("是否退休:true 或 false(只对职工医保有意义)", _bool),
    "tier": ("默认医院等级:1|2|3|3a|community", _tier),
    "min_confidence": ("估算只用至少这么可信的数字:official|observed|secondary|unverified|placeholder", _confidence),
}


def shown(key: str, value: Any) -> str:
    """A stored value for people: what was stored and what it means (``employee(职工医保)``)."""
    from medins_cli.core.names import PLANS, TIERS

    if key == "retired" and isinstance(value, bool):
        return "true(退休)" if value else "false(在职)"
    meaning = {"type": PLANS, "tier": TIERS}.get(key, {}).get(str(value))
    return f"{value}({meaning})" if meaning else str(value)


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


class ConfigUnreadable(DataError):
    """The config file exists but cannot be read (permissions): not broken, so no reset advice."""


#: The option that says on the command line what a config key would have said.
OPTIONS = {"region": "--region", "type": "--type", "retired": "--retired 或 --not-retired", "tier": "--tier"}


class UnreadableConfig(dict):  # type: ignore[type-arg]
    """Stands in for a config that cannot be read: empty, and asking it for any key raises.

    A command whose options say everything never asks, so it goes on; one that needs a saved
    value stops with one line naming the file and the option to give instead."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _refuse(self, key: Any) -> DataError:
        option = OPTIONS.get(str(key))
        instead = f"在命令行写出 {option},或" if option else ""
        return ConfigUnreadable(f"没有权限读取 {self.path},而这次要用其中的 {key}:请{instead}修正权限"
                                f"(如 chmod u+r {self.path})")

    def get(self, key: Any, default: Any = None) -> Any:
        raise self._refuse(key)

    def __getitem__(self, key: Any) -> Any:
        raise self._refuse(key)

    def __contains__(self, key: object) -> bool:
        raise self._refuse(key)


def load_for_command() -> dict[str, Any]:
    """The config for a command that may not need it: when it cannot be read (permissions), an
    :class:`UnreadableConfig` that fails only if a value is actually needed."""
    try:
        return load()
    except ConfigUnreadable:
        return UnreadableConfig(config_path())


def load() -> dict[str, Any]:
    """The saved config ({} when there is none, or when the file is empty).
    Raises DataError if the file is broken, ConfigUnreadable if it may not be read."""
    from medins_cli.store.safeio import InputError, parse_json, read_text

    path = config_path()
    try:
        text = read_text(path)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        if is_permission(exc):
            raise ConfigUnreadable(f"没有权限读取 {path}:请修正权限(如 chmod u+r {path})") from None
        raise _loop(path) or _broken(path, f"读取失败:{os_reason(exc)}") from None
    except InputError as exc:  # too big, not UTF-8 (a file copied from elsewhere is checked like any other)
        where = f"第 {exc.line} 行" if exc.line else ""
        raise _broken(path, f"{where}{exc.problem}") from None
    if not text.strip():
        return {}  # an empty file (e.g. `touch config.json`) is an empty config
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
        if key in ("type", "tier", "min_confidence") and not isinstance(value, str):
            raise _broken(path, f"{key} 应为字符串")
        if key in ("type", "tier", "min_confidence"):
            try:
                parse_value(key, value)
            except UsageError:
                raise _broken(path, f"{key} 的值「{value}」无效") from None
        if key == "region" and not isinstance(value, str):
            raise _broken(path, "region 应为地区名字符串")
        if key == "region" and len(value) > 64:  # store.regions.MAX_NAME_CHARS: never looked up, never compared
            from medins_cli.store.regions import RegionNameTooLong, check_name_length

            try:
                check_name_length(value)
            except RegionNameTooLong:
                raise _broken(path, f"region 太长({len(value):,} 个字),地区名不超过 64 个字") from None
    return data


def _save(path: Path, data: dict[str, Any]) -> None:
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def save(data: dict[str, Any]) -> None:
    """Write the whole config (no lock: a change of one key is :func:`set_value`)."""
    path = config_path()
    try:
        _save(path, data)
    except OSError as exc:
        raise _write_failed(path, exc) from None


def set_value(key: str, value: Any) -> None:
    """Store one (checked) value: read, change and write under the config's lock."""
    from medins_cli.store.userfile import locked

    path = config_path()
    try:
        with locked(path):
            data = load()
            data[key] = value
            _save(path, data)
    except OSError as exc:
        raise _write_failed(path, exc) from None


def unset_value(key: str) -> bool:
    """Remove one key under the config's lock; False when it was not set (nothing written)."""
    from medins_cli.store.userfile import locked

    path = config_path()
    if not os.path.lexists(path):
        load()  # a config folder that cannot be reached is said as such
        return False
    try:
        with locked(path):
            data = load()
            if data.pop(key, None) is None:
                return False
            _save(path, data)
            return True
    except OSError as exc:
        raise _write_failed(path, exc) from None


def _loop(path: Path) -> DataError | None:
    from medins_cli.store.userfile import loop_error

    return loop_error(path, ",或用环境变量 MEDINS_CONFIG_DIR 换一个目录")


def _write_failed(path: Path, exc: OSError) -> DataError:
    if is_permission(exc):
        folder = Path(os.path.realpath(path)).parent  # a symlinked config is written beside its target
        return DataError(f"没有权限写入 {path}:请检查 {folder} 的权限(如 chmod u+w {folder}),"
                         "或用环境变量 MEDINS_CONFIG_DIR 换一个目录")
    return _loop(path) or DataError(f"写不了配置文件 {path}:{os_reason(exc)}。原来的文件没有改动")


def reset() -> Path | None:
    """Move the current file aside (kept as a backup); returns the backup path.

    Backups are named to the second, with -2, -3 … when that name is taken: a backup is never
    overwritten (:func:`medins_cli.store.userfile.backup`). A symlinked config keeps its link: the
    target is moved aside, beside itself, and the next ``config set`` writes the target again."""
    from medins_cli.store.userfile import backup, locked

    path = config_path()
    try:
        if not os.path.lexists(path):
            load()  # a config folder that cannot be reached is said as such, not "nothing to reset"
            return None
        with locked(path) as real:
            if not real.exists():
                return None
            return backup(real, move=True)
    except OSError as exc:
        raise _write_failed(path, exc) from None
