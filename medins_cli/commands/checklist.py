"""``medins checklist``: the documents to bring before a claim, a filing or a transfer."""


# No `from __future__ import annotations`: typer resolves every command's option types when it
# builds the app, on every run; real annotations save it evaluating strings (~5 ms for the three guides).
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.commands.completion import complete_scenario
from medins_cli.errors import guard

HELP = """报销、备案、转移前要准备的材料清单(可打印、可勾选),每一项都注明来源。

场景可用名称、别名或拼音,如 住院手工报销、住院报销、zhuyuan;medins checklist --list 查看全部。

示例:

  medins checklist --list

  medins checklist 住院手工报销

  medins checklist 住院报销 --format markdown --output 住院报销清单.md

  medins checklist 异地就医备案 --region 绵阳

  medins checklist 门特 --format json
"""


@guard
def checklist(
    scenario: Annotated[Optional[str], typer.Argument(help="场景:名称、别名或拼音(省略则列出全部场景)",
                                                      autocompletion=complete_scenario, show_default=False)] = None,
    list_: Annotated[bool, typer.Option("--list", "-l", help="列出全部场景和一句话说明")] = False,
    region: o.Region = None,
    fmt: Annotated[Optional[str], o.format_option("table|markdown|plain|json")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="写入文件(默认格式按后缀:.md→markdown,.json→json,其他→plain)",
                                                   show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="--output 的文件已存在时覆盖")] = False,
    quiet: o.Quiet = False,
) -> None:
    from medins_cli.commands import env as d
    from medins_cli.commands.env import Env
    from medins_cli.render import guide_payloads as gp
    from medins_cli.render import guides as rg
    from medins_cli.store import guides

    env = Env(quiet=quiet)
    form = d.choose_format(fmt, output)
    d.check_output(output, force)
    if list_ or scenario is None:
        if scenario is not None:
            env.note("已忽略场景名:--list 列出全部场景")
        env.deliver(gp.scenario_list_payload(guides.scenarios()), rg.scenario_list_doc, form, output, force)
        return
    found = guides.find_scenario(scenario)
    place = _place(region)
    figures, figure_sources = _figures(found, place)
    payload = gp.checklist_payload(guides.select(found, (place, "any")), place, figures=figures,
                                   figure_sources=figure_sources)
    env.deliver(payload, rg.checklist_doc, form, output, force)


def _figures(scenario: dict[str, Any], place: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The region's own figures the scenario asks for (e.g. its 门诊统筹 limit), when its data has them."""
    from medins_cli.errors import MedinsError

    if place is None or not scenario.get("region_figures"):
        return [], []
    from medins_cli.render.estimate import sources_payload
    from medins_cli.render.guide_payloads import figure_notes
    from medins_cli.store.regions import load_region

    try:
        policy = load_region(place.name)
    except MedinsError:  # a place the guides know without a data file, or a file it cannot use
        return [], []
    figures = figure_notes(policy, scenario["region_figures"])
    return figures, sources_payload(policy, dict.fromkeys(f["source"] for f in figures))


def _place(region: Optional[str]) -> Any:
    """The region the user asked for, else the config's; None when neither is set."""
    from medins_cli.commands.claims import find_place, load_config

    name = region or load_config().get("region")
    return find_place(name) if name else None
