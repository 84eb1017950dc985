"""The command line's errors: exit codes, the errors the I/O layers raise, and :func:`guard`,
the one place that turns any failure into a one-line Chinese message and an exit code.

The pure core has its own errors (:mod:`medins_cli.core.errors`): a script that uses the core
catches those; this module is for the layers that read files and talk to the terminal.
"""

from __future__ import annotations

import enum
import functools
import os
import sys
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


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


def error(message: str) -> None:
    """One error line on stderr."""
    sys.stderr.write(f"错误:{message}\n")
    sys.stderr.flush()


def guard(fn: F) -> F:
    """Run a command body; turn every failure into one Chinese line on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from medins_cli.core.errors import CoreError

        try:
            return fn(*args, **kwargs)
        except MedinsError as exc:
            error(str(exc))
            raise SystemExit(int(exc.code)) from None
        except CoreError as exc:
            error(str(exc))
            raise SystemExit(int(ExitCode.USAGE if exc.usage else ExitCode.ERROR)) from None
        except KeyboardInterrupt:
            error("已中断")
            raise SystemExit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            _quiet_broken_pipe()
            raise SystemExit(int(ExitCode.OK)) from None
        except (SystemExit, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - never a traceback for the user
            if os.environ.get("MEDINS_DEBUG"):
                raise
            error(f"内部错误({type(exc).__name__}: {exc})。请加环境变量 MEDINS_DEBUG=1 重试并报告此问题")
            raise SystemExit(int(ExitCode.ERROR)) from None

    return wrapper  # type: ignore[return-value]


def _quiet_broken_pipe() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
