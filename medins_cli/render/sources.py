"""Sources as the JSON payloads show them: one shape for region files and guides alike."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from medins_cli.core.model import Source

#: Fields of a source shown when set (its note is shown where the figure is, not in the list).
SHOWN = ("url", "publisher", "date", "effective")


def source_payload(src: Source) -> dict[str, Any]:
    item: dict[str, Any] = {"id": src.id, "title": src.title, "confidence": src.confidence}
    for key in SHOWN:
        value = getattr(src, key)
        if value:
            item[key] = value
    return item


def sources_payload(known: Mapping[str, Source], ids: Iterable[str]) -> list[dict[str, Any]]:
    """The sources of ``ids`` that ``known`` has, in order of first use, once each."""
    return [source_payload(known[sid]) for sid in dict.fromkeys(ids) if sid in known]
