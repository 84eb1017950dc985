"""Every test runs with its own config, data and cache directories: never the real home."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from medins_cli.app import app

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


_SANDBOX_KEYS = ("MEDINS_CONFIG_DIR", "MEDINS_DATA_DIR", "MEDINS_CACHE_DIR", "HOME", "XDG_CONFIG_HOME",
                 "XDG_DATA_HOME", "XDG_CACHE_HOME")
_saved: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported: point medins (and HOME) at a throw-away folder.

    Test modules may load data when pytest imports them (a policy for a hypothesis strategy),
    which writes the cache; the autouse fixture below only starts with the first test.
    """
    base = Path(tempfile.mkdtemp(prefix="medins-collect-"))
    _saved["base"] = str(base)
    for key in _SANDBOX_KEYS:
        _saved[key] = os.environ.get(key)
    os.environ.update(MEDINS_CONFIG_DIR=str(base / "config"), MEDINS_DATA_DIR=str(base / "data"),
                      MEDINS_CACHE_DIR=str(base / "cache"), HOME=str(base / "home"))
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ.pop(key, None)


def pytest_unconfigure(config: pytest.Config) -> None:
    for key in _SANDBOX_KEYS:
        value = _saved.get(key)
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if _saved.get("base"):
        shutil.rmtree(_saved["base"], ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("medins-home")
    dirs = {name: base / name for name in ("config", "data", "cache")}
    monkeypatch.setenv("MEDINS_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("MEDINS_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("MEDINS_CACHE_DIR", str(dirs["cache"]))
    monkeypatch.setenv("HOME", str(base / "home"))  # belt and braces: nothing may write the real home
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("MEDINS_DEBUG", raising=False)
    return dirs


class Run:
    """Invoke the app as a user would; stdout and stderr kept apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)

    def json(self, *args: str) -> Any:
        result = self(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def run() -> Run:
    return Run()


def section_of(doc: dict[str, Any], plan: str, kind: str) -> dict[str, Any]:
    """The (first) section of ``plan`` and ``kind`` in a schema 2 document (a file, or policy show -f json)."""
    return next(s for s in doc["sections"] if (s["plan"], s["kind"]) == (plan, kind))
