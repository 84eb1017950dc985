"""Errors the core raises; each carries a one-line Chinese message that says what to do.

Like :class:`~medins_cli.core.messages.Msg`, an error may carry a ``code`` and ``params``: the
message is neutral (it names no option), and a front end re-words the codes it knows (the command
line names ``--admission``, batch mode the ``admission`` column)."""

from __future__ import annotations

from typing import Any


class CoreError(ValueError):
    """Base class: ``str(err)`` is the user-facing message."""

    usage = False

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


class ClaimError(CoreError):
    """The claim (the user's input) is impossible: a usage error."""

    usage = True


class PolicyDataError(CoreError):
    """The policy data lacks what the claim needs (a plan, a section, a tier)."""

    def __init__(self, message: str, *, usage: bool = False, code: str | None = None, **params: Any) -> None:
        super().__init__(message, code=code, **params)
        self.usage = usage
