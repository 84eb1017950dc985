"""Where medins finds its shipped data and the user's config, data and cache directories.

Environment overrides (tests and scripts use them; the real home is never needed):
``MEDINS_CONFIG_DIR``, ``MEDINS_DATA_DIR`` (user regions go in its ``regions/``),
``MEDINS_CACHE_DIR``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "medins"


def shipped_data_dir() -> Path:
    """``data/`` inside the installed wheel, or the repository's ``data/`` in a checkout."""
    package = Path(__file__).resolve().parents[1]  # medins_cli/
    inside = package / "data"
    return inside if inside.is_dir() else package.parent / "data"


_XDG = {"config": ("XDG_CONFIG_HOME", ".config"), "data": ("XDG_DATA_HOME", ".local/share"),
        "cache": ("XDG_CACHE_HOME", ".cache")}


def _dir(env: str, kind: str) -> Path:
    value = os.environ.get(env)
    if value:
        return Path(value)
    if sys.platform.startswith("linux"):
        # platformdirs' Unix rule, written out: importing platformdirs costs ~5 ms on every
        # run, a few percent of start-up. tests/test_paths.py checks both agree.
        xdg, default = _XDG[kind]
        base = os.environ.get(xdg, "").strip() or os.path.join(os.path.expanduser("~"), default)
        return Path(base) / APP
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP, appauthor=False))


def config_dir() -> Path:
    return _dir("MEDINS_CONFIG_DIR", "config")


def user_data_dir() -> Path:
    return _dir("MEDINS_DATA_DIR", "data")


def cache_dir() -> Path:
    return _dir("MEDINS_CACHE_DIR", "cache")


def atomic_write(path: Path, text: str, *, durable: bool = True) -> None:
    """Write ``text`` to ``path`` via a temp file and rename: readers never see half a file.

    A symlink is written through: the link stays and its target gets the text (the temp file goes
    beside the target, so the rename stays on one file system). A file that exists keeps its
    permissions. ``durable=False`` skips the fsync (caches: after a crash a lost file is only a
    cache miss)."""
    import errno
    import stat

    real = Path(os.path.realpath(path))
    if real.is_symlink():  # realpath stops at a link that leads back to itself
        raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))
    real.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(os.stat(real).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = real.with_name(f".{real.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            if mode is not None:
                os.chmod(tmp, mode)
            fh.write(text)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, real)
    finally:
        if tmp.exists():
            tmp.unlink()
