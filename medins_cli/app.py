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


def main() -> None:
    app()
