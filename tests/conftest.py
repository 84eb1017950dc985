"""Every test runs with its own config, data and cache directories: never the real home."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from medins_cli.app import app

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


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
