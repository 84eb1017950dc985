"""Changing the user's own files (the config, a region file ``slip check --learn`` edits) so that
nothing is lost:

- :func:`locked` holds an exclusive lock (``NAME.lock`` beside the file) across a read–modify–write:
  two medins changing the same file at the same moment both land, the second after the first. A
  wait of more than a moment is said once on stderr; after :data:`LOCK_TIMEOUT` seconds it gives
  up with one Chinese line (exit 1) and writes nothing.
- :func:`real_path`: a symlink is written through, never replaced: the link stays, its target
  (say, a dotfiles repository) changes, and the lock and backups go beside the target.
- :func:`backup` keeps the current file under a name no other file has (``NAME.bak-YYYYmmdd-HHMMSS``,
  then ``-2``, ``-3`` …), claimed atomically; a backup that fails leaves no half-written file.
- :func:`loop_error`: a symlink loop on the way to a file is named as what it is.

Imported only by the commands that write (``fcntl`` only when a lock is taken): the estimate's
start-up never loads this module.
"""

from __future__ import annotations

import errno
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from medins_cli.errors import DataError

LOCK_TIMEOUT = 30.0  # seconds to wait for another medins writing the same file
WAIT_NOTICE = 1.0  # seconds of waiting before saying so on stderr
_POLL = 0.05
#: flock errors meaning "this file system has no locks" (some network and FUSE file systems)
_NO_FLOCK = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL, getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}


class LockTimeout(DataError):
    """Another medins held the file's lock for longer than :data:`LOCK_TIMEOUT`."""


def real_path(path: Path) -> Path:
    """The file a write of ``path`` must change: symlinks followed (a dangling link gives the file
    it names). Raises OSError(ELOOP) when the links go round in a loop."""
    real = Path(os.path.realpath(path))
    if real.is_symlink():  # realpath stops at a link that leads back to itself
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    return real


def _say(message: str) -> None:
    import sys

    sys.stderr.write(f"{message}\n")
    sys.stderr.flush()


@contextmanager
def locked(path: Path, *, on_wait: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the exclusive lock of the file ``path`` (creating its folder if need be); yields the real
    path (symlinks followed) to read and write while the lock is held.

    The lock is ``fcntl.flock`` on ``NAME.lock`` beside the real file (the kernel drops it if the
    process dies); where there is no flock (Windows, some network file systems) holding it means
    having created ``NAME.lock``. Either way the lock file is removed on release. Raises OSError
    when the folder or the lock file cannot be made, :class:`LockTimeout` after :data:`LOCK_TIMEOUT`.
    """
    real = real_path(path)
    real.parent.mkdir(parents=True, exist_ok=True)
    release = _acquire(real.with_name(f"{real.name}.lock"), path, on_wait or _say)
    try:
        yield real
    finally:
        release()


def _acquire(lock: Path, shown: Path, on_wait: Callable[[str], None]) -> Callable[[], None]:
    import time

    try:
        import fcntl
    except ImportError:  # Windows: holding the lock is having created the lock file
        fcntl = None  # type: ignore[assignment]
    start = time.monotonic()
    said = False

    def wait(leftover_possible: bool) -> None:
        nonlocal said
        waited = time.monotonic() - start
        if waited >= LOCK_TIMEOUT:
            stale = f";如果没有别的 medins 在运行,删掉 {lock} 后再试" if leftover_possible else ""
            raise LockTimeout(f"另一个 medins 正在写 {shown},等了 {LOCK_TIMEOUT:g} 秒还没写完:这次没有写入,"
                              f"请稍后再试{stale}")
        if not said and waited >= WAIT_NOTICE:
            on_wait(f"另一个 medins 正在写 {shown},等待中…(最多等 {LOCK_TIMEOUT:g} 秒)")
            said = True
        time.sleep(_POLL)

    while True:
        created = True
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            created = False
            try:
                fd = os.open(lock, os.O_RDWR)
            except FileNotFoundError:  # its holder has just let go: try again
                continue
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                wait(False)
                continue
            except OSError as exc:
                if exc.errno not in _NO_FLOCK:
                    os.close(fd)
                    raise
            else:
                # The holder before us removes the file as it lets go: a lock on a removed file
                # guards nothing, so only the file at the name counts.
                if _same_file(fd, lock):
                    return lambda: _release(fd, lock, unlink_first=True)
                os.close(fd)
                continue
        if created:  # no flock here: creating the file was taking the lock
            return lambda: _release(fd, lock, unlink_first=False)
        os.close(fd)
        wait(True)


def _same_file(fd: int, lock: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(lock))
    except FileNotFoundError:
        return False


def _release(fd: int, lock: Path, *, unlink_first: bool) -> None:
    if unlink_first:  # still holding the flock: nobody can be inside while the name goes
        _unlink(lock)
        os.close(fd)
    else:  # (Windows cannot remove an open file)
        os.close(fd)
        _unlink(lock)


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def backup(path: Path, *, move: bool = False) -> Path:
    """Keep what ``path`` holds now beside it, as ``NAME.bak-YYYYmmdd-HHMMSS`` (``-2``, ``-3`` … when
    that name is taken: an existing file is never overwritten); returns the backup's path.

    The name is claimed with a hard link to the file: atomic, failing if the name exists, and
    nothing is copied (whatever later replaces ``path`` is a new file). Where the file system has
    no hard links, the name is created exclusively and the bytes copied in (fsynced); if that
    fails the half-made backup is removed. Either way ``path`` itself is left as it was, unless
    ``move``: then it is moved to the backup name (``config reset``). Raises OSError on failure.
    """
    import time

    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 10_000):
        claimed = path.with_name(f"{path.name}.bak-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            os.link(path, claimed)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                raise
            if not _copy_into_new(path, claimed, move=move):
                continue
            return claimed
        if move:
            os.unlink(path)
        return claimed
    raise DataError(f"{path.parent} 里 {path.name} 的备份太多:请先删掉一些 {path.name}.bak-* 文件")


def _copy_into_new(path: Path, claimed: Path, *, move: bool) -> bool:
    """Create ``claimed`` (only if it does not exist) holding ``path``'s bytes, or ``path`` itself
    when ``move``; False when the name is taken. Nothing is left at ``claimed`` on failure."""
    import stat

    mode = stat.S_IMODE(os.stat(path).st_mode)
    try:
        fd = os.open(claimed, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    except FileExistsError:
        return False
    try:
        if move:
            os.close(fd)
            fd = -1
            os.replace(path, claimed)
            return True
        with open(path, "rb") as source:
            while chunk := source.read(1 << 16):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(fd, view):]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        return True
    except BaseException:
        if fd >= 0:
            os.close(fd)
        _unlink(claimed)
        raise


def symlink_loop(path: Path) -> Path | None:
    """The first part of ``path`` that is a symlink going round in a loop, or None."""
    parts = Path(os.path.abspath(path)).parts
    for i in range(1, len(parts) + 1):
        prefix = Path(*parts[:i])
        try:
            os.stat(prefix)
        except OSError as exc:
            return prefix if exc.errno == errno.ELOOP else None
    return None


def loop_error(path: Path, instead: str = "") -> DataError | None:
    """One line for a symlink loop on the way to ``path`` (None when there is none): what is
    wrong and what to do; ``instead`` offers another way (", 或用环境变量 … 换一个目录")."""
    link = symlink_loop(path)
    if link is None:
        return None
    return DataError(f"{link} 是循环的符号链接(链接绕回了自己),读写不了 {path}:请用 ls -l {link} 查看,"
                     f"删除或改正这个链接{instead}")
