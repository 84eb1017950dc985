"""The typer app. Imports only typer and the light command modules; each command imports
what it needs (core, yaml, Rich, pydantic) inside its body, so start-up stays fast."""

from __future__ import annotations

import typer

from medins_cli import __version__
from medins_cli.commands import balance, checklist, config_cmd, estimate, regions_cmd, transfer

app = typer.Typer(
    name="medins",
    help="medins:医保报销估算与办事指南(职工医保、城乡居民医保)。\n\n"
    "先试试:medins estimate --region 绵阳 --tier 3 --amount 8000",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"medins {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", help="显示版本号", callback=_version, is_eager=True),
) -> None:
    """medins:医保报销估算与办事指南。"""


app.command("estimate", help=estimate.HELP)(estimate.estimate)
app.command("regions")(regions_cmd.regions)
app.command("balance", help=balance.HELP)(balance.balance)
app.command("checklist", help=checklist.HELP)(checklist.checklist)
app.command("transfer-guide", help=transfer.HELP)(transfer.transfer_guide)
app.add_typer(config_cmd.app, name="config")


_CLICK_WORDS = (
    (r"^No such option: (\S+)", r"没有选项 \1"),
    (r"^No such command '([^']*)'\.\s*", r"没有命令「\1」。"),
    (r"^Option '([^']*)' requires an argument\.", r"选项 \1 后面要跟一个值。"),
    (r"^Missing argument '([^']*)'\.", r"缺少参数 \1。"),
    (r"^Missing option '([^']*)'\.", r"缺少选项 \1。"),
    (r"^Got unexpected extra argument\S* \((.*)\)", r"多余的参数:\1"),
    (r"^Invalid value for '([^']*)':", r"\1 的值无效:"),
    (r"Did you mean '?([^'?]*)'?\?", r"你是不是要用 \1"),
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
    from medins_cli.errors import ExitCode
    from medins_cli.output import error

    try:
        result = app(standalone_mode=False)
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
