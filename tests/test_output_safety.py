"""`--output` never writes over anything but a plain file, and never invents folders."""

from __future__ import annotations

import os

import pytest

from medins_cli.errors import ExitCode

ARGS = ["checklist", "住院手工报销", "--format", "markdown"]


def test_fifo_is_refused_even_with_force(run, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run(*ARGS, "--output", str(fifo), "--force")
    assert result.exit_code == ExitCode.USAGE and "不是普通文件" in result.stderr
    assert fifo.exists() and not fifo.is_file()


def test_symlink_is_refused_even_with_force(run, tmp_path):
    target = tmp_path / "real.md"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    result = run(*ARGS, "--output", str(link), "--force")
    assert result.exit_code == ExitCode.USAGE
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep"


def test_missing_folder_is_not_created(run, tmp_path):
    result = run(*ARGS, "--output", str(tmp_path / "nope" / "x.md"))
    assert result.exit_code == ExitCode.USAGE and "不存在" in result.stderr
    assert not (tmp_path / "nope").exists()


@pytest.mark.parametrize("command", [ARGS, ["transfer-guide", "--from", "广州", "--to", "南京", "--format", "plain"]])
def test_dash_means_stdout(run, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run(*command, "--output", "-")
    assert result.exit_code == 0 and result.stdout.strip()
    assert not (tmp_path / "-").exists()
