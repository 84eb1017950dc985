"""The typer app. Imports only typer; a command's module is imported when the app is built,
and each command imports what it needs (core, yaml, Rich, pydantic) inside its body.

``main()`` builds the app with just the command being run (``medins estimate …`` never
imports or converts the other commands: ~5 ms of every run); ``medins_cli.app.app`` is
the whole app, for tests, help and shell completion.
"""

import importlib
import os
import sys
from typing import Any

import typer

from medins_cli import __version__

# name on the command line: (module under medins_cli.commands, attribute, is a sub-typer)
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "estimate": ("estimate", "estimate", False),
    "balance": ("balance", "balance", False),
    "checklist": ("checklist", "checklist", False),
    "transfer-guide": ("transfer", "transfer_guide", False),
    "regions": ("regions", "regions", False),
    "policy": ("policy", "app", True),
    "config": ("config", "app", True),
    "slip": ("slip", "app", True),
    "plans": ("plans", "plans", False),
    "coverage": ("coverage", "coverage", False),
    "maternity": ("maternity", "maternity", False),
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"medins {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(False, "--version", "-V", help="显示版本号", callback=_version, is_eager=True),
) -> None:
    """medins:医保报销估算与办事指南。"""


def build_app(only: str | None = None, *, listing: bool = False) -> typer.Typer:
    """The medins app with every command, or with just ``only``.

    ``listing``: for ``medins --help`` (and bare ``medins``), which shows each command's name and
    summary only: every command is a stand-in with its help and no options, so typer does not
    convert eleven commands' options (a third of what ``medins --help`` cost; the help it draws is
    the same, which tests/test_help.py checks)."""
    from medins_cli.commands.helpfmt import Command, Group

    app = typer.Typer(
        name="medins",
        cls=Group,
        help="medins:医保报销估算与办事指南(职工医保、城乡居民医保)。\n\n"
        "先试试:medins estimate --region 绵阳 --tier 3 --amount 8000",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    names = list(COMMANDS) if only is None else [only]
    if listing:  # typer lists a group after the plain commands: the same order
        names.sort(key=lambda name: COMMANDS[name][2])
    for name in names:
        module_name, attr, sub = COMMANDS[name]
        module = importlib.import_module(f"medins_cli.commands.{module_name}")
        if listing:
            summary = getattr(module, attr).info.help if sub else getattr(module, "HELP", None)
            app.command(name, help=summary, cls=Command)(_listed)
        elif sub:
            app.add_typer(getattr(module, attr), name=name)
        else:
            app.command(name, help=getattr(module, "HELP", None), epilog=getattr(module, "EPILOG", None),
                        cls=Command)(getattr(module, attr))
    return app


def _listed() -> None:
    """A command as ``medins --help`` lists it (see :func:`build_app`); never run."""


def __getattr__(name: str) -> Any:
    if name == "app":
        whole = build_app()
        globals()["app"] = whole
        return whole
    raise AttributeError(name)


def _running_command() -> str | None:
    """The command this process runs, when the whole app is not needed to run it."""
    if any(key.endswith("_COMPLETE") for key in os.environ):  # shell completion wants every command
        return None
    first = sys.argv[1] if len(sys.argv) > 1 else None
    return first if first in COMMANDS else None


_CLICK_WORDS = (  # click's words up to 8.3 and from 8.4 on (typer < 0.26 uses the installed click)
    (r"^No such option: (\S+)", r"没有选项 \1"),
    (r"^No such option '([^']*)'\.", r"没有选项 \1"),
    (r"\(Did you mean one of: ([^)]*)\?\)", lambda m: f"(可能是:{m.group(1).replace(chr(39), '')})"),
    (r"(Did you mean '?[^'?]*'?\?)(?: \1)+", r"\1"),  # typer < 0.26 and click 8.5 both suggest
    (r"^No such command '([^']*)'\.\s*", r"没有命令「\1」。"),
    (r"^Option '([^']*)' requires an argument\.", r"选项 \1 后面要跟一个值。"),
    (r"^Missing argument '([^']*)'\.", r"缺少参数 \1。"),
    (r"^Missing option '([^']*)'\.", r"缺少选项 \1。"),
    (r"^Got unexpected extra argument\S* \((.*)\)", r"多余的参数:\1"),
    (r"^Invalid value for '([^']*)':", r"\1 的值无效:"),
    (r"Did you mean '?([^'?]*)'?\?", r"你是不是要用 \1"),
    (r"'([^']*)' is not a valid int(eger)?\.", r"「\1」不是整数"),
    (r"\(Possible options: ([^)]*)\)", r"(可能是:\1)"),
)


def _usage_message(exc: Exception) -> str:
    import re

    text = exc.format_message()  # type: ignore[attr-defined]
    for pattern, repl in _CLICK_WORDS:
        text = re.sub(pattern, repl, text)
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "medins"
    return f"{text.strip().rstrip('。')}。用 {where} --help 查看用法"


def main() -> None:
    """Entry point: click's own usage errors become one Chinese line and exit 2 too."""
    from medins_cli.errors import ExitCode, error

    try:
        command = _running_command()
        listing = command is None and sys.argv[1:] in ([], ["--help"], ["-h"])
        result = build_app(command, listing=listing)(standalone_mode=False, prog_name="medins")
    except KeyboardInterrupt:
        error("已中断")
        raise SystemExit(int(ExitCode.INTERRUPTED)) from None
    except Exception as exc:  # click's exceptions, without importing click's private path
        name = type(exc).__name__
        if name == "NoArgsIsHelpError":  # bare `medins` or `medins config`: the help, exit 0
            raise SystemExit(int(ExitCode.OK)) from None
        if name == "Abort":
            error("已中断")
            raise SystemExit(int(ExitCode.INTERRUPTED)) from None
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            error(_usage_message(exc) if exc.exit_code == ExitCode.USAGE else exc.format_message())
            raise SystemExit(int(exc.exit_code)) from None
        raise
    if isinstance(result, int) and result:
        raise SystemExit(result)
