"""Where medins finds its shipped data and the user's config, data and cache directories.

Environment overrides (tests and scripts use them; the real home is never needed):
``MEDINS_CONFIG_DIR``, ``MEDINS_DATA_DIR`` (user regions go in its ``regions/``),
``MEDINS_CACHE_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "medins"


def shipped_data_dir() -> Path:
    """``data/`` inside the installed wheel, or the repository's ``data/`` in a checkout."""
    here = Path(__file__).resolve().parent
    inside = here / "data"
    return inside if inside.is_dir() else here.parent / "data"


def _dir(env: str, kind: str) -> Path:
    value = os.environ.get(env)
    if value:
        return Path(value)
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP, appauthor=False))


def config_dir() -> Path:
    return _dir("MEDINS_CONFIG_DIR", "config")


def user_data_dir() -> Path:
    return _dir("MEDINS_DATA_DIR", "data")


def cache_dir() -> Path:
    return _dir("MEDINS_CACHE_DIR", "cache")


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temp file and rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
