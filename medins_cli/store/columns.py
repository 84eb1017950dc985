"""Column names of the tables people hand medins (batch input, bill files, slips as CSV)."""

from __future__ import annotations

from typing import Callable, Iterable, Sequence


def column_key(name: str) -> str:
    """A column name as medins compares it: trimmed, lower case, ``-`` as ``_`` (``Self-Pay`` = ``self_pay``)."""
    return name.strip().lower().replace("-", "_")


def repeated_column(names: Sequence[str], key: Callable[[str], str] = column_key,
                    known: Iterable[str] | None = None, header: bool = True) -> str | None:
    """How ``names`` name one column twice (which copy counts is not for medins to guess), in
    words; None when they do not. Only keys in ``known`` count when it is given. ``header``: the
    names are a CSV header (said with their column numbers), else a JSON object's keys."""
    wanted = None if known is None else set(known)
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        k = key(name)
        if (wanted is None or k in wanted) and first.setdefault(k, i) != i:
            j = first[k]
            if name == names[j]:
                return f"列「{name}」写了两次(第 {j + 1}、{i + 1} 列)" if header else f"键「{name}」写了两次"
            both = (f"第 {j + 1} 列「{names[j]}」和第 {i + 1} 列「{name}」" if header else f"「{names[j]}」和「{name}」")
            return f"{both}是同一列 {k}"
    return None
