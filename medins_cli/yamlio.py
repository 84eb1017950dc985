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


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Parse one YAML file; raises ``ValueError`` with a Chinese message naming file and line."""
    if text is None:
        text = path.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=DataLoader)  # noqa: S506 - DataLoader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValueError(f"YAML 文件 {path} {where}格式错误:{problem}。请修正该文件") from None
