"""Where medins keeps its files."""

from __future__ import annotations

import sys

import pytest

from medins_cli.store import paths


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG shortcut is Linux-only")
@pytest.mark.parametrize("kind", ["config", "data", "cache"])
@pytest.mark.parametrize("xdg", [None, "", "/tmp/xdg-somewhere"])
def test_linux_dirs_match_platformdirs(monkeypatch, tmp_path, kind, xdg):
    import platformdirs

    for env in ("MEDINS_CONFIG_DIR", "MEDINS_DATA_DIR", "MEDINS_CACHE_DIR"):
        monkeypatch.delenv(env, raising=False)
    var = {"config": "XDG_CONFIG_HOME", "data": "XDG_DATA_HOME", "cache": "XDG_CACHE_HOME"}[kind]
    if xdg is None:
        monkeypatch.delenv(var, raising=False)
    else:
        monkeypatch.setenv(var, xdg)
    ours = getattr(paths, f"{'user_data' if kind == 'data' else kind}_dir")()
    theirs = getattr(platformdirs, f"user_{kind}_dir")("medins", appauthor=False)
    assert str(ours) == theirs


def test_env_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDINS_CONFIG_DIR", str(tmp_path / "c"))
    assert paths.config_dir() == tmp_path / "c"


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "sub" / "f.txt"
    paths.atomic_write(target, "one")
    paths.atomic_write(target, "two")
    assert target.read_text(encoding="utf-8") == "two"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]
