"""``medins policy migrate``: a schema 1 region file rewritten as schema 2 (dated sections), saying
exactly the same; the old file kept as a backup.

Each section becomes one version in force from ``<year>-01-01``; a tier's ``source`` becomes the
source of each of that tier's figures. The file's leading comments are kept (a policy file's only
comments, in every file medins ships). The new text is read back and must give the same
normalised policy before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from medins_cli.errors import DataError, os_reason, write_failed


class Migrated(NamedTuple):
    path: Path
    status: str  # migrated | current (already schema 2)
    backup: Path | None = None


def migrated_text(path: Path, text: str) -> str | None:
    """The schema 2 text of a schema 1 file (None when it is schema 2 already). Raises DataError
    when the file does not validate: it is fixed first (``policy validate``), then migrated."""
    from medins_cli.core.policy import policy_from_dict
    from medins_cli.store.schema import file_document, validate_policy
    from medins_cli.store.yamlio import load_yaml, policy_text

    raw = load_yaml(path, text)
    if isinstance(raw, dict) and raw.get("schema") == 2:
        return None
    try:
        normalised = validate_policy(raw, str(path))
    except ValueError as exc:
        raise DataError(f"{exc};先改正再迁移") from None
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    new = policy_text(file_document(normalised), header)
    if policy_from_dict(validate_policy(load_yaml(path, new), str(path))) != policy_from_dict(normalised):
        # a guard: the same policy, every figure Decimal-equal
        raise DataError(f"{path} 迁移后读回来与原文件不同(medins 的问题,请报告):没有写入")
    return new


def migrate(path: Path) -> Migrated:
    """Rewrite one file as schema 2, keeping the original as ``NAME.bak-…``; follows a symlink."""
    from medins_cli.store.paths import atomic_write, claim_backup
    from medins_cli.store.safeio import InputError, read_text

    target = Path(path).resolve()
    try:
        text = read_text(target)
    except OSError as exc:
        raise DataError(f"读不了 {path}:{os_reason(exc)}。请检查路径和权限") from None
    except InputError as exc:
        raise DataError(f"{path} {exc}") from None
    new = migrated_text(target, text)
    if new is None:
        return Migrated(Path(path), "current")
    backup = claim_backup(target)
    try:
        atomic_write(target, new)
    except OSError as exc:
        raise write_failed(path, exc) from None
    return Migrated(Path(path), "migrated", backup)
