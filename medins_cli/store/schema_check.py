"""One way to check a YAML document against a pydantic model and say the first problem in Chinese.

Shared by the guide files (``guide_schema``) and the rules books (``rules_schema``); the region files
have their own, richer report (``store.schema``)."""

from __future__ import annotations

from typing import Any, Callable

from pydantic import BaseModel, ValidationError


def where(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as a dotted path (``steps.2.text``); the top level by name."""
    return ".".join(str(p) for p in loc if p != "schema_") or "(顶层)"


def validated(model: type[BaseModel], raw: Any, origin: str, *, what: str, doc: str) -> dict[str, Any]:
    """``raw`` checked and normalised by ``model`` (as JSON-ready data, by alias); ValueError with one
    line naming the file (``what`` ``origin``), the first wrong place and ``doc`` to read otherwise."""
    if not isinstance(raw, dict):
        raise ValueError(f"{what} {origin} 的顶层应是映射(key: value):请对照 {doc} 修正")
    try:
        parsed = model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f"(另有 {exc.error_count() - 1} 处)" if exc.error_count() > 1 else ""
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise ValueError(f"{what} {origin} 有误:{where(first['loc'])}:{msg}{more}。请对照 {doc} 修正") from None
    return parsed.model_dump(mode="json", by_alias=True)


def validator(check: Callable[[Any, str], Any], model: type[BaseModel]) -> Callable[[Any, str], Any]:
    """``check`` bound as ``validate(raw, origin)``, documented with the model it checks."""
    def validate(raw: Any, origin: str) -> Any:
        return check(raw, origin)

    validate.__doc__ = f"Validate and normalise a {model.__name__} (raises ValueError)."
    return validate
