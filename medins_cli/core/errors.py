"""Errors the core raises; each carries a one-line Chinese message that says what to do."""


class CoreError(ValueError):
    """Base class: ``str(err)`` is the user-facing message."""

    usage = False


class ClaimError(CoreError):
    """The claim (the user's input) is impossible: a usage error."""

    usage = True


class PolicyDataError(CoreError):
    """The policy data lacks what the claim needs (a plan, a section, a tier)."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage
