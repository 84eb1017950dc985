"""Reading YAML the way medins data wants it: C loader, exact decimals, no duplicate keys."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataLoader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader: floats become exact Decimals; a repeated key is an error."""


def _decimal(loader: Any, node: Any) -> Any:
    text = str(node.value).replace("_", "")
    if text.lower() in {".inf", "+.inf", "-.inf", ".nan"}:
        raise yaml.constructor.ConstructorError(None, None, f"不接受 {node.value}", node.start_mark)
    return Decimal(text)


def _mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键「{key}」", key_node.start_mark
            )
        seen.add(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node, deep=deep))


DataLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
DataLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


class LenientLoader(_Base):  # type: ignore[misc, valid-type]
    """Like :class:`DataLoader` but a repeated key keeps the last value (PyYAML's habit):
    ``medins policy validate`` reports every repeated key itself and checks the rest."""


LenientLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def _yaml_error(exc: Exception, path: Path) -> ValueError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"第 {mark.line + 1} 行" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return ValueError(f"YAML 文件 {path} {where}格式错误:{problem}。请修正该文件")


FieldPath = tuple[Any, ...]


def outline(path: Path, text: str) -> tuple[Any, dict[FieldPath, int], list[tuple[FieldPath, int, int]]]:
    """Parse ``text`` for checking: (data, line of every field path, repeated keys).

    Field paths are tuples of mapping keys (as text) and list positions, as pydantic
    reports them; lines count from 1. Each repeated key is (path, line, first line).
    Raises ``ValueError`` (Chinese, with the line) when the text is not YAML at all.
    """
    try:
        root = yaml.compose(text, Loader=_Base)
        data = yaml.load(text, Loader=LenientLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None
    lines: dict[FieldPath, int] = {}
    repeated: list[tuple[FieldPath, int, int]] = []
    stack: list[tuple[FieldPath, Any]] = [((), root)] if root is not None else []
    while stack:
        where, node = stack.pop()
        lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(getattr(key_node, "value", ""))
                line = key_node.start_mark.line + 1
                if key in first:
                    repeated.append(((*where, key), line, first[key]))
                    continue
                first[key] = line
                lines[where + (key,)] = line
                stack.append(((*where, key), value_node))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append(((*where, i), item))
    return data, lines, sorted(repeated, key=lambda r: r[1])


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one YAML file; raises ``ValueError`` with a Chinese message naming file and line."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=DataLoader)  # noqa: S506 - DataLoader is a SafeLoader
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path) from None
