"""The command line's errors: exit codes, the errors the I/O layers raise, and :func:`guard`,
the one place that turns any failure into a one-line Chinese message and an exit code.

The pure core has its own errors (:mod:`medins_cli.core.errors`): a script that uses the core
catches those; this module is for the layers that read files and talk to the terminal.
"""

from __future__ import annotations

import enum
import functools
import io
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


# ---- the operating system's and Python's English reasons, in Chinese -------------------------

_ERRNO_WORDS = {
    "ENOENT": "找不到这个文件或目录",
    "EACCES": "没有权限",
    "EPERM": "没有权限(操作不被允许)",
    "EISDIR": "这是一个目录,不是文件",
    "ENOTDIR": "路径中有一部分不是目录",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "超出磁盘配额",
    "EROFS": "文件系统是只读的",
    "EIO": "读写出错(输入/输出错误)",
    "EEXIST": "已经存在",
    "ENAMETOOLONG": "文件名太长",
    "ELOOP": "符号链接太多层(可能是循环链接)",
    "EBUSY": "文件正被占用",
    "EMFILE": "打开的文件太多",
    "ETXTBSY": "文件正被占用",
    "EINVAL": "参数无效(这个文件可能不能这样读写)",
    "ENXIO": "没有这个设备或地址",
    "ENODEV": "没有这个设备",
    "EBADF": "文件描述符无效(可能已被关闭,如 >&-)",
    "EPIPE": "管道另一头已关闭",
}


def os_reason(exc: OSError) -> str:
    """An OSError's reason in Chinese ("No such file or directory" → 找不到这个文件或目录)."""
    import errno

    name = errno.errorcode.get(exc.errno or -1, "")
    if name in _ERRNO_WORDS:
        return _ERRNO_WORDS[name]
    return f"系统错误 {name or exc.errno}" if (name or exc.errno) else "系统错误"


def is_permission(exc: OSError) -> bool:
    import errno

    return isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM)


_JSON_WORDS = (
    ("Expecting property name enclosed in double quotes", "键名要用英文双引号括起来"),
    ("Expecting value", "这里应是一个值(数字、\"文字\"、true/false、null、[…] 或 {…})"),
    ("Expecting ',' delimiter", "缺少英文逗号"),
    ("Expecting ':' delimiter", "缺少英文冒号"),
    ("Unterminated string starting at", "字符串缺少结尾的英文双引号"),
    ("Invalid control character at", "字符串里有控制字符(如换行、制表符)"),
    ("Invalid \\escape", "无效的反斜杠转义"),
    ("Invalid \\uXXXX escape", "无效的 \\u 转义"),
    ("Extra data", "一个 JSON 值后面还有多余的内容"),
)


def json_reason(exc: ValueError) -> str:
    """A json.JSONDecodeError in Chinese, with its line and column."""
    msg = str(getattr(exc, "msg", exc))
    words = next((zh for en, zh in _JSON_WORDS if msg.startswith(en)), "格式不对")
    line, col = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    return f"第 {line} 行第 {col} 列:{words}" if line is not None else words


# ---- text from elsewhere, made visible before it reaches a terminal ------------------------

#: Characters that change what a terminal shows instead of being shown: C0 and C1 control
#: characters (ESC starts the sequences that set the window title, clear the screen or hide text),
#: DEL, and the bidirectional controls that reorder text (U+202E …). :func:`visible` writes them
#: as ``\x1b`` / ``\u202e``. The bidirectional ones (the C0/C1 ranges are spelled out below):
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(ch: str) -> str:
    return _NAMED.get(ch) or (f"\\u{ord(ch):04x}" if ch in _BIDI else f"\\x{ord(ch):02x}")


_ONE_LINE = {c: _escape(chr(c)) for c in (*range(0x20), *range(0x7F, 0xA0))} | {ord(c): _escape(c) for c in _BIDI}
_LAYOUT = {k: v for k, v in _ONE_LINE.items() if k not in (0x09, 0x0A)}  # tab and newline kept


def visible(text: str, *, layout: bool = False) -> str:
    r"""``text`` safe to show on a terminal: control and bidi characters written out (``\x1b``,
    ``\u202e``). A one-line field (the default) shows even newlines and tabs that way;
    ``layout=True`` keeps newlines and tabs, for text whose lines are meant (a YAML document, a table cell)."""
    if text.isprintable():  # the everyday case, checked in C: nothing to do
        return text
    return text.translate(_LAYOUT if layout else _ONE_LINE)


def has_unsafe(text: str) -> bool:
    """Whether :func:`visible` would change ``text`` other than its newlines and tabs."""
    return not text.isprintable() and text.translate(_LAYOUT) != text


#: Longest message line written to stderr; longer ones (a cell of a million characters echoed in a
#: message) are cut in the middle, saying how long they were.
MAX_MESSAGE = 2000


def clip(text: str, limit: int = MAX_MESSAGE) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}…(中间略去 {len(text) - limit:,} 个字)…{text[-half:]}"


def message_line(text: str) -> str:
    """One line for stderr: clipped, and with every control character shown, never obeyed."""
    return visible(clip(text))


def write_failed(path: Any, exc: OSError) -> DataError:
    """One line for a file that could not be written: 没有权限写入 <path>, or the reason in Chinese."""
    if is_permission(exc):
        return DataError(f"没有权限写入 {path}:请检查它所在目录的权限,或换一个路径")
    return DataError(f"写不了文件 {path}:{os_reason(exc)}。请检查路径和权限")


# ---- notes shown only when a command succeeds ---------------------------------------------------

_later: list[str] = []


def note_later(message: str) -> None:
    """A note for stderr, written only if the command then succeeds (:func:`guard`): when it
    fails, its one error line says everything. The same note twice is said once."""
    if message not in _later:
        _later.append(message)


def _flush_later() -> None:
    while _later:
        sys.stderr.write(f"{message_line(_later.pop(0))}\n")


def error(message: str) -> None:
    """One error line on stderr (what came from a file or the command line in it is shown, never
    obeyed: :func:`message_line`). A stderr that cannot be written is no reason for a traceback."""
    try:
        sys.stderr.write(f"错误:{message_line(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # closed or full: nobody can read it anyway
        pass


def guard(fn: F) -> F:
    """Run a command body; turn every failure into one Chinese line on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from medins_cli.core.errors import CoreError

        _later.clear()
        try:
            _ctrl_c_raises(True)
            try:
                result = fn(*args, **kwargs)
                sys.stdout.flush()  # a full or closed stdout is this command's failure, said here
            finally:
                _ctrl_c_raises(False)  # from here Ctrl-C ends the run at once (entry.main), never mid-message
            _flush_later()
            return result
        except MedinsError as exc:
            error(str(exc))
            raise SystemExit(int(exc.code)) from None
        except CoreError as exc:
            from medins_cli.words import word

            error(word(exc))
            raise SystemExit(int(ExitCode.USAGE if exc.usage else ExitCode.ERROR)) from None
        except KeyboardInterrupt:
            error("已中断")
            raise SystemExit(int(ExitCode.INTERRUPTED)) from None
        except OutputError as exc:
            raise SystemExit(output_failed(exc.errno)) from None
        except BrokenPipeError:
            _quiet_broken_pipe()
            raise SystemExit(int(ExitCode.OK)) from None
        except (SystemExit, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - never a traceback for the user
            if os.environ.get("MEDINS_DEBUG"):
                raise
            if isinstance(exc, OSError) and exc.filename:  # a safety net: files are reported where they are read
                error(f"没有权限读写 {exc.filename}:请检查它和所在目录的权限" if is_permission(exc)
                      else f"读写 {exc.filename} 失败:{os_reason(exc)}。请检查路径和权限")
                raise SystemExit(int(ExitCode.ERROR)) from None
            error(f"内部错误({type(exc).__name__}: {exc})。请加环境变量 MEDINS_DEBUG=1 重试并报告此问题")
            raise SystemExit(int(ExitCode.ERROR)) from None

    return wrapper  # type: ignore[return-value]


def _quiet_broken_pipe() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# ---- Ctrl-C ------------------------------------------------------------------------------------

_quiet_exit: list[Any] = []  # entry.main's SIGINT handler: one line, exit 130, at once


def set_interrupt_handler(handler: Any) -> None:
    """Called by :func:`medins_cli.entry.main`: outside a command body Ctrl-C runs ``handler``
    (start-up, parsing, help, exit: nothing to finish); inside one it raises KeyboardInterrupt, so
    the command can finish what it writes (a JSON array's ``]``) and :func:`guard` says 已中断."""
    _quiet_exit[:] = [handler]


# Packages whose compiled core calls back into Python and cannot take an exception there: pydantic 2.10's
# Rust core panics (a Rust backtrace on stderr, then a PanicException) when KeyboardInterrupt is raised
# while it builds its own schema. Ctrl-C that lands under one of them waits until it has returned.
_NATIVE = frozenset({"pydantic", "pydantic_core"})
_RETRY = 0.02  # seconds between checks whether the native call has returned
_pending: list[bool] = []  # a Ctrl-C that came under _NATIVE and is not raised yet


def _under_native(frame: Any) -> bool:
    while frame is not None:
        if str(frame.f_globals.get("__name__", "")).partition(".")[0] in _NATIVE:
            return True
        frame = frame.f_back
    return False


def _interrupt(signum: int, frame: Any) -> None:
    """Ctrl-C inside a command body: KeyboardInterrupt where it lands, unless that is under
    :data:`_NATIVE`; then it is raised on the first check (every :data:`_RETRY` s) after the
    call has returned, so the command still ends with 已中断 and 130, just a few ms later."""
    import _signal

    if _under_native(frame) and hasattr(_signal, "setitimer"):  # no interval timer (Windows): raise it here
        _pending[:] = [True]
        _signal.signal(_signal.SIGALRM, _interrupt)
        _signal.setitimer(_signal.ITIMER_REAL, _RETRY)
        return
    _pending.clear()
    raise KeyboardInterrupt


def _ctrl_c_raises(inside: bool) -> None:
    """Inside a command body Ctrl-C raises (:func:`_interrupt`); outside, entry.main's handler
    ends the run at once. Leaving a body with a Ctrl-C still waiting raises it here."""
    if not _quiet_exit:  # only under entry.main: an in-process caller (tests, a script) keeps its own handling
        return
    import _signal

    _signal.signal(_signal.SIGINT, _interrupt if inside else _quiet_exit[0])
    if not inside and _pending:
        _signal.setitimer(_signal.ITIMER_REAL, 0)
        _pending.clear()
        raise KeyboardInterrupt


# ---- stdout and stderr that cannot be written -------------------------------------------------


class OutputError(OSError):
    """stdout could not be written: closed (``>&-``, EBADF), full (``> /dev/full``, ENOSPC), the
    reader gone (EPIPE), … Raised by the stream :func:`install_stdio` puts under ``sys.stdout``."""


class ReaderGone(OutputError, BrokenPipeError):
    """EPIPE on stdout: still a BrokenPipeError to code that handles one (and then lets it go on)."""


_stdout: dict[str, Any] = {"errno": None, "said": False}

_OUTPUT_WHY = {
    "EBADF": "标准输出已关闭(如 >&-)。请把输出重定向到文件,或 >/dev/null 丢弃",
    "ENOSPC": "磁盘空间不足。请腾出空间,或把输出重定向到别处",
    "EDQUOT": "超出磁盘配额。请腾出空间,或把输出重定向到别处",
}


def output_failed(number: int | None) -> int:
    """Say once (one line) that stdout could not be written, and the exit code: 0 when the reader
    went away (``medins … | head -1``: it read what it wanted), else 1."""
    import errno

    if number == errno.EPIPE:
        return int(ExitCode.OK)
    if not _stdout["said"]:
        _stdout["said"] = True
        name = errno.errorcode.get(number or -1, "")
        why = _OUTPUT_WHY.get(name) or f"{os_reason(OSError(number, ''))}。请检查标准输出重定向到的文件或设备"
        error(f"输出写不出去:{why}")
    return int(ExitCode.ERROR)


def finish_output(code: Any) -> Any:
    """At exit (:func:`medins_cli.entry.main`): write what stdout still holds, and the exit code.

    A reader that went away makes it 0 (even where click turned EPIPE into 1). Any other failure of
    stdout is said here (one line, exit 1) only if the run otherwise succeeded: a run that already
    failed has said why, whoever caught the failure (guard, or a command that names what it had
    already done, such as slip add). Nothing is left for Python to complain about at shutdown
    ("Exception ignored … BrokenPipeError")."""
    import errno

    try:
        sys.stdout.flush()
    except OSError as exc:
        _stdout["errno"] = _stdout["errno"] or exc.errno
    failed = _stdout["errno"]
    if failed == errno.EPIPE:
        return int(ExitCode.OK)
    if failed is not None and code in (0, None):
        return output_failed(failed)
    return code


def install_stdio() -> None:
    """Put sys.stdout and sys.stderr on streams whose failures medins can name (entry.main only).

    stdout: the first write that fails raises :class:`OutputError` (the command stops, :func:`guard`
    or :func:`finish_output` says why in one line); later writes are dropped, so nothing fails again
    at shutdown. stderr: failures are dropped (there is nowhere to report them). A closed stdin,
    stdout or stderr gets /dev/null on its descriptor first, so no file medins opens can take it
    (and then receive the output)."""
    for fd, name, flags in ((0, "stdin", os.O_RDONLY), (1, "stdout", os.O_WRONLY), (2, "stderr", os.O_WRONLY)):
        if getattr(sys, name) is None:  # Python found the descriptor closed
            try:
                spare = os.open(os.devnull, flags)
                if spare != fd:
                    os.dup2(spare, fd)
                    os.close(spare)
            except OSError:
                return
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - lives as long as the process
    for fd, name in ((1, "stdout"), (2, "stderr")):
        old = getattr(sys, name)
        closed = old is None
        stream = _Stream(fd, closed=closed, quiet=fd == 2)
        # a closed stdout fails at the first write, before anything else is said
        buffered = io.BufferedWriter(stream, buffer_size=1 if closed else io.DEFAULT_BUFFER_SIZE)
        text = io.TextIOWrapper(buffered, encoding=getattr(old, "encoding", None) or "utf-8",
                                errors=getattr(old, "errors", None) or ("backslashreplace" if fd == 2 else "strict"),
                                line_buffering=bool(getattr(old, "line_buffering", False)),
                                write_through=closed or bool(getattr(old, "write_through", fd == 2)))
        setattr(sys, name, text)


class _Stream(io.RawIOBase):
    """File descriptor 1 or 2 for :func:`install_stdio` (``io`` is loaded with Python itself)."""

    def __init__(self, fd: int, *, closed: bool, quiet: bool) -> None:
        import errno

        super().__init__()
        self.fd, self.quiet = fd, quiet
        self.failed: int | None = errno.EBADF if closed else None  # said only if something is written
        self.raised = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        try:
            return self.failed is None and os.isatty(self.fd)
        except OSError:
            return False

    def write(self, data: Any) -> int:
        if self.failed is None:
            try:
                return os.write(self.fd, data)
            except OSError as exc:
                self.failed = exc.errno
        if self.quiet or self.raised:
            return len(memoryview(data))  # dropped: the failure is said once, by whoever caught it
        self.raised = True
        _stdout["errno"] = self.failed
        import errno

        kind = ReaderGone if self.failed == errno.EPIPE else OutputError
        raise kind(self.failed, os.strerror(self.failed or 0))
