"""Every command is documented: help with examples, a row in the README, docs for its JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from medins_cli.app import COMMANDS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_has_help_with_examples_and_readme_row(run, name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "示例" in result.stdout, f"{name} --help has no examples"
    assert f"`medins {name}`" in README, f"README's command table lacks {name}"


@pytest.mark.parametrize("args", [["config", "set", "--help"], ["config", "show", "--help"]])
def test_subcommands_have_help(run, args):
    assert run(*args).exit_code == 0


def test_readme_starts_with_the_two_setup_commands():
    blocks = README.split("```sh\n")
    first, second = blocks[1].split("\n```")[0], blocks[2].split("\n```")[0]
    assert first.endswith("medins estimate --region 绵阳 --tier 3 --amount 8000")
    assert second.endswith("pytest")
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert second in ci  # CI runs the README's test command
