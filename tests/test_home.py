"""The test run never touches the real home directory, not even while pytest collects modules
(before any fixture runs): run pytest in a child process with an empty HOME and look at it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _pytest_in_empty_home(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[Path]]:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDINS_", "XDG_"))}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    return proc, sorted(home.rglob("*"))


def test_collection_writes_nothing_under_home(tmp_path):
    proc, left = _pytest_in_empty_home(tmp_path, "--collect-only", str(TESTS))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert left == [], left[:10]


def test_a_run_writes_nothing_under_home(tmp_path):
    # module-level data loads (test_balance, test_batch, test_properties) and a few real runs
    proc, left = _pytest_in_empty_home(
        tmp_path, str(TESTS / "test_balance.py"), str(TESTS / "test_config.py"),
        "-k", "worked_examples or round_trip or split_invariants")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert left == [], left[:10]
