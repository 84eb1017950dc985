"""``medins config``: remember region, insurance type, retirement and tier."""

from typing import Annotated, Optional

import typer

from medins_cli.commands.completion import complete_config_key, complete_config_value
from medins_cli.commands.helpfmt import Command, Group
from medins_cli.errors import guard

app = typer.Typer(
    cls=Group,
    help="查看和修改本地配置(地区、参保类型、是否退休、默认医院等级),让日常命令更短。\n\n"
    "示例:\n\n  medins config set region 绵阳\n\n  medins config set type 职工\n\n  medins config show",
    no_args_is_help=True,
)

KeyArg = Annotated[str, typer.Argument(help="配置项:region | type | retired | tier | min_confidence", show_default=False,
                                       autocompletion=complete_config_key)]
Fmt = Annotated[Optional[str], typer.Option("--format", "-f", help="输出格式:table|json|plain", show_default=False)]
ValueFmt = Annotated[Optional[str], typer.Option("--format", "-f", help="输出格式:plain | json(默认 plain)",
                                                 show_default=False)]


@app.command("show", cls=Command)
@guard
def show(fmt: Fmt = None) -> None:
    """显示全部配置。"""
    from medins_cli.render.output import emit_json, emit_plain_mapping, resolve_format
    from medins_cli.store import config

    data = config.load()
    form = resolve_format(fmt, ("table", "json", "plain"))
    if form == "json":
        emit_json(data)  # the stored values, for scripts
        return
    if form == "plain":  # for people reading a pipe: the stored value and what it means
        emit_plain_mapping({k: config.shown(k, data[k]) if k in data else None for k in config.KEYS})
        return
    from medins_cli.render.output import console, print_table

    rows = [(key, config.shown(key, data[key]) if key in data else "(未设置)", doc)
            for key, (doc, _) in config.KEYS.items()]
    print_table(console(), f"配置 {config.config_path()}", ("配置项", "值", "说明"), rows)


@app.command("get", cls=Command)
@guard
def get(key: KeyArg, fmt: ValueFmt = None) -> None:
    """打印一个配置项的值(未设置时退出码 1);-f json 输出 {"键": 值}。"""
    from medins_cli.errors import MedinsError
    from medins_cli.render.output import emit_json, plain_value, resolve_format
    from medins_cli.store import config

    form = resolve_format(fmt, ("plain", "json")) if fmt else "plain"
    config.check_key(key)
    data = config.load()
    if key not in data:
        raise MedinsError(f"配置项 {key} 未设置:可用 medins config set {key} …")
    if form == "json":
        emit_json({key: data[key]})
        return
    typer.echo(plain_value(data[key]))


@app.command("set", cls=Command)
@guard
def set_(key: KeyArg, value: Annotated[str, typer.Argument(help="新值,如 绵阳、职工、true、3", show_default=False,
                                                           autocompletion=complete_config_value)]) -> None:
    """设置一个配置项(会先检查值是否有效)。"""
    from medins_cli.render.output import note, plain_value
    from medins_cli.store import config

    if config.check_key(key) == "region":  # a region with data, or a place the guides know (安宁: checklists only)
        from medins_cli.commands.claims import find_place

        value = find_place(value).name
    stored = config.parse_value(key, value)
    config.set_value(key, stored)
    note(f"已设置 {key} = {plain_value(stored)}({config.config_path()})")


@app.command("unset", cls=Command)
@guard
def unset(key: KeyArg) -> None:
    """删除一个配置项。"""
    from medins_cli.render.output import note
    from medins_cli.store import config

    config.check_key(key)
    if not config.unset_value(key):
        note(f"{key} 本来就未设置")
        return
    note(f"已删除 {key}")


@app.command("path", cls=Command)
@guard
def path(fmt: ValueFmt = None) -> None:
    """打印配置文件的路径;-f json 输出 {"path": 路径, "exists": 是否已有文件}。"""
    from medins_cli.render.output import emit_json, resolve_format
    from medins_cli.store import config

    form = resolve_format(fmt, ("plain", "json")) if fmt else "plain"
    where = config.config_path()
    if form == "json":
        emit_json({"path": str(where), "exists": where.is_file()})
        return
    from medins_cli.errors import visible

    typer.echo(visible(str(where)))


@app.command("reset", cls=Command)
@guard
def reset(yes: Annotated[bool, typer.Option("--yes", "-y", help="不再确认")] = False) -> None:
    """把现有配置文件改名备份,从空配置重新开始(用于修复损坏的文件)。"""
    from medins_cli.errors import UsageError
    from medins_cli.render.output import note
    from medins_cli.store import config

    if not yes:
        raise UsageError("reset 会把配置文件改名备份:确认请加 --yes")
    backup = config.reset()
    note(f"已备份到 {backup}" if backup else "没有配置文件,无需重置")
