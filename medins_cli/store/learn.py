"""Writing what a slip determined (``medins slip check --learn``) into the user's own region file.

The user's file is the one the estimate already reads (the user data directory's, or the
``--policy-file``); a shipped region is first copied there, so the shipped data is never edited
and deleting the copy restores it. The new document is validated before it is written, an edited
file is kept as a dated backup, and the write is atomic.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

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
    if path.exists():  # a user file of that name that did not load as the region: leave it alone
        raise DataError(f"{path} 已存在,但估算没有用它(可能有错):先用 medins policy validate {path} 检查,没有写入")
    return path, True


def _node(doc: Any, path: tuple[str, ...]) -> Any:
    node: Any = doc
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _figure_path(path: tuple[str, ...]) -> str:
    """The figure a change belongs to: a band's ratio belongs to the tier's ``bands``."""
    if "bands" in path:
        return ".".join(path[:path.index("bands") + 1])
    return ".".join(path)


def learned_document(policy: Policy, learning: Learning) -> dict[str, Any]:
    """The policy document (normalised, as validated) with the slip's figures and source written into
    the version in force on the slip's date (a new version for that year when none is)."""
    assert policy.file is not None
    doc = copy.deepcopy(read_policy_dict(Path(policy.file)))
    version = learning.version
    if version.at is None:
        section = copy.deepcopy(doc["sections"][version.copy_from])
        section["effective"] = version.effective
        section["until"] = version.until
        doc["sections"].append(section)
    else:
        section = doc["sections"][version.at]
    tiers = section["tiers"]
    key = learning.tier
    figures = section.setdefault("figures", {})
    if learning.copy_tier_from is not None:
        tiers[key] = copy.deepcopy(tiers[learning.copy_tier_from])
        prefix = f"tiers.{learning.copy_tier_from}."
        for path, meta in list(figures.items()):
            if path.startswith(prefix):
                figures[f"tiers.{key}." + path[len(prefix):]] = copy.deepcopy(meta)
    for change in learning.changes:
        if change.kind == "tier":
            continue
        parent = _node(section, change.path[:-1])
        field = change.path[-1]
        value = f"{change.new:f}"
        if isinstance(parent, list):
            parent[int(field)] = value
        else:
            parent[field] = value
        was = f"此前为 {change.old:f}(来源 {change.old_source})" if change.old is not None else None
        meta = figures.setdefault(_figure_path(change.path), {})
        meta["source"] = learning.source.id
        meta["note"] = was if meta.get("note") is None or "此前为" in str(meta.get("note")) else f"{meta['note']};{was}"
        if meta["note"] is None:
            meta.pop("note")
    if not figures:
        section.pop("figures")
    src = learning.source
    doc.setdefault("sources", []).append({k: v for k, v in (
        ("id", src.id), ("title", src.title), ("date", src.date), ("confidence", src.confidence), ("note", src.note),
    ) if v is not None})
    return doc


def write_learning(policy: Policy, learning: Learning) -> Path:
    """Validate and write the learned document; returns the file written (a backup of an edited file
    is kept beside it as ``NAME.yaml.bak-YYYYmmdd-HHMMSS``)."""
    from medins_cli.store.schema import file_document, validate_policy
    from medins_cli.store.yamlio import policy_text

    path, new = target(policy)
    doc = file_document(learned_document(policy, learning))
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
            original = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            original = ""
        kept = []
        for text_line in original.splitlines(keepends=True):
            if not text_line.startswith("#"):
                break
            kept.append(text_line if text_line.endswith("\n") else text_line + "\n")
        header = "".join(kept) + ("" if line in kept else line)
    text = header + policy_text(file_document(normalised))
    if not new:
        backup = path.with_name(f"{path.name}.bak-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            backup.write_bytes(path.read_bytes())
        except OSError as exc:
            raise DataError(f"没能备份 {path}({os_reason(exc)}),没有写入") from None
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise write_failed(path, exc) from None
    return path
