"""``medins policy migrate``: a schema 1 region file rewritten as schema 2 (dated sections), saying
exactly the same; the old file kept as a backup.

Each section becomes one version in force from ``<year>-01-01``; a tier's ``source`` becomes the
source of each of that tier's figures. The file's leading comments are kept (a policy file's only
comments, in every file medins ships). The new text is read back and must give the same
normalised policy before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from medins_cli.errors import DataError, os_reason, write_failed


class Migrated(NamedTuple):
    path: Path
    status: str  # migrated | current (already schema 2)
    backup: Path | None = None


def migrated_text(path: Path, text: str) -> str | None:
    """The schema 2 text of a schema 1 file (None when it is schema 2 already). Raises DataError
    when the file does not validate: it is fixed first (``policy validate``), then migrated."""
    from medins_cli.store.yamlio import load_yaml

    raw = load_yaml(path, text)
    if isinstance(raw, dict) and raw.get("schema") == 2:
        return None
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    return schema2_text(raw, path, header)


def schema2_text(raw: Any, path: Path, header: list[str]) -> str:
    """``raw`` (a parsed region file, schema 1 or 2) written as schema 2 text after ``header``,
    and read back to prove it is the same policy (every figure Decimal-equal). DataError when
    ``raw`` does not validate or the text reads back different (then nothing should be written)."""
    from medins_cli.core.policy import policy_from_dict
    from medins_cli.store.schema import file_document, validate_policy
    from medins_cli.store.yamlio import load_yaml, policy_text

    try:
        normalised = validate_policy(raw, str(path))
    except ValueError as exc:
        raise DataError(f"{exc};先改正再迁移") from None
    new = policy_text(file_document(normalised), header)
    if policy_from_dict(validate_policy(load_yaml(path, new), str(path))) != policy_from_dict(normalised):
        raise DataError(f"{path} 迁移后读回来与原文件不同(medins 的问题,请报告):没有写入")
    return new


def migrate(path: Path) -> Migrated:
    """Rewrite one file as schema 2, keeping the original as ``NAME.bak-…``; follows a symlink.
    Read, rewritten and written under the file's lock, like every other writer of user files."""
    from medins_cli.store.userfile import locked, loop_error

    try:
        with locked(Path(path)) as real:
            return _migrate_locked(Path(path), real)
    except OSError as exc:  # the lock or its folder could not be made
        raise loop_error(Path(path)) or write_failed(path, exc) from None


def _migrate_locked(path: Path, real: Path) -> Migrated:
    from medins_cli.store.paths import atomic_write
    from medins_cli.store.safeio import InputError, read_text
    from medins_cli.store.userfile import backup

    try:
        text = read_text(real)
    except OSError as exc:
        raise DataError(f"读不了 {path}:{os_reason(exc)}。请检查路径和权限") from None
    except InputError as exc:
        raise DataError(f"{path} {exc}") from None
    new = migrated_text(real, text)
    if new is None:
        return Migrated(path, "current")
    try:
        kept = backup(real)
    except OSError as exc:
        raise DataError(f"没能备份 {real}({os_reason(exc)}),没有迁移,原文件没有改动:"
                        f"请检查 {real.parent} 的空间和权限后再试") from None
    try:
        atomic_write(real, new)
    except OSError as exc:
        raise write_failed(path, exc) from None
    return Migrated(path, "migrated", kept)
