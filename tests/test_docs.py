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


# ---- the README's first example and its JSON are what medins prints today ------------------------

EXAMPLE = ("estimate", "--region", "绵阳", "--tier", "3", "--amount", "8000", "--type", "职工")


def _readme_block(opening: str, kind: str = "text") -> str:
    """The README's ``kind`` code block that contains ``opening``."""
    start = README.rindex(f"```{kind}\n", 0, README.index(opening))
    body = README[start + len(f"```{kind}\n"):]
    return body[:body.index("\n```")]


def test_readme_table_example_is_what_estimate_prints(run):
    shown = _readme_block("$ medins estimate --region 绵阳 --tier 3 --amount 8000 --type 职工").splitlines()[1:]
    out = [line.rstrip() for line in run(*EXAMPLE, "--format", "table").stdout.splitlines()]

    def bar_free(lines: list[str]) -> list[str]:
        # Rich pads a bar's cell by one space more or less from version to version (13.7 vs 15):
        # a limit's line is compared word by word, every other line character by character
        return [" ".join(line.split()) if "/" in line and "元" in line and "┃" not in line and "│" not in line
                else line for line in lines]

    # the caveat, the title (with what its year means), the table and the bars
    assert bar_free(shown[:16]) == bar_free(out[:16])
    assert "(数据更新于 2026 年)" in shown[1]


def test_readme_json_example_is_what_estimate_prints(run):
    import json
    import re

    block = _readme_block('"region": "绵阳", "province": "四川"', "json")
    data = run.json(*EXAMPLE)
    nested = ("  \"limits", "  \"data_file", "  \"sources", "  \"lines")  # shown in part ("…")
    shown = {k: v for line in block.splitlines() if line.startswith("  \"") and not line.startswith(nested)
             for k, v in re.findall(r'"(\w+)": ("[^"…]*"|-?\d+(?:\.\d+)?|null|true|false|\[\])(?=[,}\n]|$)', line)}
    assert len(shown) >= 25
    for key, literal in shown.items():
        assert data[key] == json.loads(literal), key
    assert set(data) <= set(re.findall(r'"(\w+)":', block)), set(data) - set(re.findall(r'"(\w+)":', block))
