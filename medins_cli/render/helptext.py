"""One help cell as a single Rich Text that folds at the column edge instead of being cut.

Used by :mod:`medins_cli.commands.helpfmt` when typer draws help: Chinese help has no
spaces to wrap at, and a table cell that is one long "word" is otherwise cropped with "…".
"""

from __future__ import annotations

from typing import Any


def folded(renderable: Any) -> Any:
    """A Text (or a group of Texts, e.g. help + ``[默认:…]``) joined into one Text with
    ``overflow="fold"``; anything else (Markdown) is returned as it is."""
    from rich.text import Text

    parts = list(getattr(renderable, "renderables", [renderable]))
    if not parts or not all(isinstance(p, Text) for p in parts):
        return renderable
    text = Text(" ").join(parts)
    text.overflow = "fold"
    return text
