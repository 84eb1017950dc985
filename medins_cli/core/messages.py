"""Warnings and notes as codes: the core says *what* (a code and its parameters); the front end says
it in its own words (an option name on the command line, a column name in batch mode).

A :class:`Msg` is a ``str`` (its neutral wording, naming no option and no column), so code that only
shows text keeps working; :func:`medins_cli.render.words.word` re-words the codes a front end
knows. The core never names a flag: a script that uses the core gets the neutral text.
"""

from __future__ import annotations

from typing import Any


class Msg(str):
    """A message with a ``code`` and its ``params``; ``str(msg)`` is the neutral wording."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, text: str, **params: Any) -> Msg:
        self = super().__new__(cls, text)
        self.code = code
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # keeps code and params through copy/pickle
        return (_rebuild, (self.code, str(self), self.params))


def _rebuild(code: str, text: str, params: dict[str, Any]) -> Msg:
    return Msg(code, text, **params)
