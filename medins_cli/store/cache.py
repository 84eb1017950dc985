"""Validate a YAML data file once, then read the normalised JSON copy from the cache.

The cache is keyed by the file's content hash and medins' version, so an edited file or
a new release is validated again; a missing or unwritable cache only costs speed.
"""

from __future__ import annotations

import importlib
import json
import zlib
from pathlib import Path
from typing import Any

from medins_cli import __version__
from medins_cli.errors import DataError, os_reason
from medins_cli.store.paths import atomic_write, cache_dir
from medins_cli.store.safeio import InputError, decode, read_limited

CACHE_TAG = f"{__version__}-3"  # -3: schema 2, the normalised form of dated sections


def content_key(data: bytes) -> str:
    """A cache key for file contents: length, CRC-32 and Adler-32 (~64 bits).

    Not a security boundary (the cache is the user's own); chosen over hashlib because
    loading OpenSSL's hashes costs ~4 ms on every run.
    """
    return f"{len(data):x}-{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


#: The first line of every cache file: this mark and the CRC-32 of the JSON after it.
_MARK = b"medins-cache "


def read_json(path: Path) -> Any:
    """A JSON file's value, or None when it is missing, unreadable or not JSON."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None


def read_cache(path: Path) -> Any:
    """What :func:`write_cache` stored at ``path``, or None: a missing or unreadable file, or one
    medins did not write as it stands (a hand edit, another program, valid JSON of another shape:
    its checksum line is missing or does not match). A cache is disposable: anything else is a miss,
    and the caller rebuilds it from the data files."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head, _, body = data.partition(b"\n")
    if head.rstrip(b"\r") != _MARK + b"%08x" % zlib.crc32(body):
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def write_cache(path: Path, data: Any) -> None:
    body = json.dumps(data, ensure_ascii=False)
    head = (_MARK + b"%08x" % zlib.crc32(body.encode("utf-8"))).decode("ascii")
    try:
        atomic_write(path, f"{head}\n{body}", durable=False)  # a cache: no fsync
    except OSError:
        pass  # a read-only cache dir only costs speed


def load_validated(path: Path, kind: str, validator: str, what: str) -> Any:
    """Parse and validate ``path`` with ``validator`` ("module:function", called as
    ``fn(raw, origin)`` and raising ValueError with a Chinese message), cached as JSON.

    Raises :class:`DataError` naming the file when it cannot be read, is refused as unsafe
    (:mod:`medins_cli.store.safeio`, :func:`medins_cli.store.yamlio.check_events`) or is invalid.
    """
    try:
        data = read_limited(path)
    except OSError as exc:
        raise DataError(f"读不了{what} {path}:{os_reason(exc)}。请检查路径和权限") from None
    except InputError as exc:
        raise DataError(f"{what} {exc}") from None
    digest = content_key(data)
    cache_path = cache_dir() / kind / f"{digest}-{CACHE_TAG}.json"
    cached = read_cache(cache_path)
    if cached is not None:
        return cached
    from medins_cli.store.yamlio import load_yaml

    module, _, func = validator.partition(":")
    validate = getattr(importlib.import_module(module), func)
    try:
        normalised = validate(load_yaml(path, decode(data, path)), str(path))
    except InputError as exc:
        raise DataError(f"{what} {exc}") from None
    except ValueError as exc:
        raise DataError(str(exc)) from None
    write_cache(cache_path, normalised)
    return normalised
