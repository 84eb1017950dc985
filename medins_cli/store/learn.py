"""Writing what a slip determined (``medins slip check --learn``) into the user's own region file.

The user's file is the one the estimate already reads (the user data directory's, or the
``--policy-file``); a shipped region is first copied there, so the shipped data is never edited
and deleting the copy restores it. The new document is validated before it is written, an edited
file is kept as a dated backup (never over an earlier one), and the write is atomic, under the
file's lock, and through a symlink to its target.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any, NamedTuple

from medins_cli.core.model import Policy
from medins_cli.core.slip_learn import Learning
from medins_cli.errors import DataError, os_reason, write_failed
from medins_cli.store.paths import atomic_write, user_data_dir
from medins_cli.store.regions import read_policy_dict


def target(policy: Policy) -> tuple[Path, bool]:
    """(the file --learn writes, whether it is a new copy of the shipped file)."""
    if policy.file is None:
        raise DataError("这份地区数据不是从文件读的,没有地方写入")
    if policy.origin in ("user", "file"):
        return Path(policy.file), False
    path = user_data_dir() / "regions" / f"{policy.region.name}.yaml"
    if os.path.lexists(path):
        if _made_meanwhile(path, policy):  # another --learn copied the shipped data a moment ago
            return path, False
        # a user file of that name that did not load as the region: leave it alone
        raise DataError(f"{path} 已存在,但估算没有用它(可能有错):先用 medins policy validate {path} 检查,没有写入")
    return path, True


def _node(doc: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = doc
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def learned_document(base: Path, learning: Learning) -> tuple[dict[str, Any], Learning]:
    """The policy document of ``base`` (normalised, as validated) with the slip's figures and source
    written in, and the learning as written: its source id is made unique among the file's sources
    (another ``--learn`` may have added a slip of the same date since this one was planned)."""
    from medins_cli.core.slip_learn import source_id

    doc = copy.deepcopy(read_policy_dict(base))
    taken = {str(src.get("id")) for src in doc.get("sources") or [] if isinstance(src, dict)}
    if learning.source.id in taken:
        learning = learning._replace(source=learning.source._replace(id=source_id(taken, learning.source.date)))
    tiers = _node(doc, learning.tier_path[:-1])
    key = learning.tier_path[-1]
    if learning.copy_from is not None and key not in tiers:
        tiers[key] = {k: v for k, v in copy.deepcopy(tiers[learning.copy_from]).items() if k != "source"}
    for change in learning.changes:
        if change.kind == "tier":
            continue
        parent = _node(doc, change.path[:-1])
        field = change.path[-1]
        value = f"{change.new:f}"
        if isinstance(parent, list):
            parent[int(field)] = value
        else:
            parent[field] = value
    tiers[key]["source"] = learning.source.id
    src = learning.source
    doc.setdefault("sources", []).append({k: v for k, v in (
        ("id", src.id), ("title", src.title), ("date", src.date), ("confidence", src.confidence), ("note", src.note),
    ) if v is not None})
    return doc, learning


class Written(NamedTuple):
    path: Path  # the file written (as the user named it: a symlink stays one)
    backup: Path | None  # where the file as it was is kept (None for a new copy of the shipped file)


def write_learning(policy: Policy, learning: Learning) -> Written:
    """Validate and write the learned document.

    The file is read, changed and written under its lock (:func:`medins_cli.store.userfile.locked`):
    two ``--learn`` at the same moment both land, the second on top of the first. An edited file is
    first kept beside its target as ``NAME.yaml.bak-YYYYmmdd-HHMMSS`` (``-2`` … within one second);
    a symlinked file keeps its link and its target changes. Waiting for another medins is said on
    stderr (even with --quiet: the command would seem to hang otherwise)."""
    from medins_cli.store.userfile import locked, loop_error

    path, _ = target(policy)
    try:
        with locked(path) as real:
            return _write_locked(policy, learning, real)
    except OSError as exc:  # the lock or its folder could not be made
        raise loop_error(path) or write_failed(path, exc) from None


def _write_locked(policy: Policy, learning: Learning, real: Path) -> Written:
    from medins_cli.store.schema import file_document, validate_policy
    from medins_cli.store.userfile import backup, loop_error
    from medins_cli.store.yamlio import yaml_text

    path, new = target(policy)  # again, under the lock: another --learn may have made the file since
    base = Path(policy.file or "") if new else real
    doc, learning = learned_document(base, learning)
    try:
        normalised = validate_policy(doc, str(path))
    except ValueError as exc:  # the core only writes valid figures; kept as a last guard
        raise DataError(f"写入后的文件不合格,没有写入:{exc}") from None
    if new:
        header = (f"# {policy.region.name}:由 medins slip check --learn 复制内置数据 {Path(policy.file or '').name},"
                  "写入本人结算单的数字(来源 confidence: observed);删掉本文件即恢复内置数据\n")
    else:  # keep the file's own leading comments (e.g. the editor's schema line of policy init)
        line = "# 由 medins slip check --learn 改写:写入本人结算单的数字(来源 confidence: observed)\n"
        try:
            original = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            original = ""
        kept = []
        for text_line in original.splitlines(keepends=True):
            if not text_line.startswith("#"):
                break
            kept.append(text_line if text_line.endswith("\n") else text_line + "\n")
        header = "".join(kept) + ("" if line in kept else line)
    text = header + yaml_text(file_document(normalised)) + "\n"
    kept_as = None
    if not new:
        try:
            kept_as = backup(real)
        except OSError as exc:
            raise DataError(f"没能备份 {real}({os_reason(exc)}),没有写入,原文件没有改动:"
                            f"请检查 {real.parent} 的空间和权限后再试") from None
    try:
        atomic_write(real, text)
    except OSError as exc:
        if kept_as is not None:  # the file is as it was: a backup sharing its inode would only follow later edits
            kept_as.unlink(missing_ok=True)
        raise loop_error(path) or write_failed(path, exc) from None
    return Written(path, kept_as)


def _made_meanwhile(path: Path, policy: Policy) -> bool:
    """Whether the user file at ``path`` is this region's data, valid (a concurrent --learn made it)."""
    try:
        doc = read_policy_dict(path)
    except DataError:
        return False
    region = doc.get("region")
    return isinstance(region, dict) and region.get("name") == policy.region.name
