"""Help for every command: readable in full at 80 columns (wrapped, never cut) and in Chinese."""

from __future__ import annotations

import re

import pytest
import typer
from rich.cells import cell_len

from medins_cli.app import app

ROOT = typer.main.get_command(app)


def _commands(group=ROOT, path=()):
    yield path, group
    for name, sub in getattr(group, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands())
_FLAT = re.compile(r"[\s│╭╮╰╯─┃┏┓┗┛━]")


def _flat(text: str) -> str:
    return _FLAT.sub("", text)


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) or "medins" for p, _ in COMMANDS])
def test_help_is_readable_in_full(run, monkeypatch, path, command, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = run(*path, "--help")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "…" not in out  # nothing cut
    assert max(cell_len(line) for line in out.splitlines()) <= width
    flat = _flat(out)
    for param in command.get_params(typer.Context(command)):
        help_text = getattr(param, "help", None)
        if help_text:
            assert _flat(help_text) in flat, (param.name, help_text)


def test_estimate_help_shows_every_allowed_value(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    flat = _flat(run("estimate", "--help").stdout)
    for word in ("1|2|3|3a|community", "一级/二级/三级/三甲/社区/基层", "职工|居民|employee|resident",
                 "filed(已备案)|transfer(转诊)|unfiled(未备案)|emergency(急诊)", "table|json|plain",
                 "official|observed|secondary|unverified"):
        assert _flat(word) in flat, word


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) or "medins" for p, _ in COMMANDS])
def test_help_is_chinese(run, path, command):
    out = run(*path, "--help").stdout
    for english in ("Show this message and exit.", "Options", "Usage:", "[OPTIONS]", "Commands", "Arguments",
                    "[required]", "[default", "Install completion", "Show completion"):
        assert english not in out, english
    assert "显示帮助" in out and "用法" in out


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("argv", [["--help"], ["-h"], []])
def test_the_quick_root_help_is_the_whole_apps(run, monkeypatch, capsys, width, argv):
    """`medins --help` (and bare `medins`) lists the commands from stand-ins that have no options
    (medins_cli.app.build_app(listing=True)): what it prints is what the whole app prints."""
    import sys

    from medins_cli.app import main

    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setattr(sys, "argv", ["medins", *argv])
    try:
        main()
    except SystemExit as stop:  # bare `medins`: help, then exit 0
        assert stop.code in (0, None)
    quick = capsys.readouterr().out
    whole = run("--help").stdout
    assert quick.rstrip("\n") == whole.rstrip("\n")  # bare `medins` ends without help's last blank line, as before
    assert "estimate" in quick and "slip" in quick


def test_help_leaves_the_rich_modules_it_skipped_importable(run):
    """Help imports typer's Rich helpers with stand-ins for rich.markdown and rich.traceback (unused
    by medins' help); afterwards the real modules import as usual, and the stand-ins forward to them."""
    import importlib
    import sys

    assert run("estimate", "--help").exit_code == 0
    rich_utils = sys.modules["typer.rich_utils"]
    markdown = importlib.import_module("rich.markdown")
    assert hasattr(markdown, "MarkdownIt") or hasattr(markdown, "Markdown")
    assert isinstance(rich_utils.Markdown("x"), markdown.Markdown)  # a stand-in makes the real thing
    traceback = importlib.import_module("rich.traceback")
    assert hasattr(traceback, "install")
    assert rich_utils.Traceback.from_exception.__func__ is traceback.Traceback.from_exception.__func__
