"""``medins regions``: which regions medins knows, and what figures each has."""

from typing import Annotated, Optional

import typer

from medins_cli.output import guard


@guard
def regions(
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="输出格式:table|json|plain|csv", show_default=False)] = None,
) -> None:
    """列出已有的地区数据(含用户数据目录中的文件)。

    示例:medins regions --format plain
    """
    from medins_cli.output import console, emit_json, emit_rows, note, resolve_format
    from medins_cli.regions import load_index

    form = resolve_format(fmt)
    seen: dict[str, dict] = {}
    for entry in load_index():
        seen[entry["name"]] = entry  # a user file overrides the shipped one of the same name
    rows = []
    for e in sorted(seen.values(), key=lambda e: (e.get("province", ""), e["name"])):
        problem = _problem(e["path"])
        rows.append({"name": e["name"], "province": e.get("province", ""), "level": e.get("level", ""),
                     "has_plans": bool(e.get("has_plans")), "broken": problem is not None, "path": e["path"],
                     "problem": problem or ""})
    for r in rows:
        if r["broken"] and form != "json":
            note(r["problem"])
    if form == "json":
        emit_json(rows)
    elif form in ("plain", "csv"):
        emit_rows(rows, form)
    else:
        from rich.table import Table

        table = Table(title="已有地区", title_justify="left")
        for head in ("地区", "省份", "可估算", "文件"):
            table.add_column(head)
        for r in rows:
            status = "文件有误" if r["broken"] else ("是" if r["has_plans"] else "仅说明")
            table.add_row(r["name"], r["province"], status, r["path"])
        console().print(table)


def _problem(path: str) -> str | None:
    """Why a region file cannot be used (validated like an estimate would), or None."""
    from pathlib import Path

    from medins_cli.errors import MedinsError
    from medins_cli.regions import read_policy_dict

    try:
        read_policy_dict(Path(path))
    except MedinsError as exc:
        return str(exc)
    return None
