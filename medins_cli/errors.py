"""Exit codes and the errors commands raise; one place turns them into a message and a code."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit codes, the same for every command (documented in the README)."""

    OK = 0
    ERROR = 1  # something went wrong that is not the user's typing: data, files, failed batch rows
    USAGE = 2  # bad option or input: fix the command line
    INTERRUPTED = 130  # Ctrl-C


class MedinsError(Exception):
    """An error with a one-line Chinese message for stderr and an exit code."""

    code = ExitCode.ERROR

    def __init__(self, message: str, code: ExitCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class UsageError(MedinsError):
    code = ExitCode.USAGE


class DataError(MedinsError):
    """A data, config or guide file is broken or lacks what was asked."""

    code = ExitCode.ERROR
