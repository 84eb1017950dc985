"""``medins regions``: the table of known regions (the command builds the rows)."""

from __future__ import annotations

from typing import Any

from medins_cli.render.output import CONFIDENCE, ORIGINS

PARTS = {"inpatient": "住院", "outpatient": "门诊", "critical_illness": "大病"}


def _parts(keys: list[str]) -> str:
    return " ".join(PARTS[k] for k in PARTS if k in keys) or "—"


def render_regions(con: Any, rows: list[dict[str, Any]], province: str | None) -> None:
    import datetime as dt

    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"已知地区{f'({province})' if province else ''}:{len(rows)} 个", title_justify="left")
    for head in ("地区", "省份", "年度", "职工医保", "居民医保", "说明", "可信度", "数据"):
        table.add_column(head)
    for r in rows:
        conf = r["confidence"]
        conf_text = Text(CONFIDENCE.get(conf, "无来源") if conf else "无数据",
                         style="green" if conf == "official" else ("yellow" if conf else "dim"))
        where = ORIGINS[r["origin"]] + ("(覆盖内置)" if r["overrides"] else "")
        if r["broken"]:
            where = "文件有误:" + where
        year = Text(str(r["year"]) if r["year"] else "—",
                    style="yellow" if r["stale"] else "")
        table.add_row(r["name"], r["province"], year, _parts(r["employee"]), _parts(r["resident"]),
                      f"{r['notes']} 条" if r["notes"] else "—", conf_text, Text(where, style="red" if r["broken"] else ""))
    con.print(table)
    counts: dict[str | None, int] = {}
    for r in rows:
        counts[r["confidence"]] = counts.get(r["confidence"], 0) + 1
    order = [*CONFIDENCE, None]
    con.print("按可信度:" + " · ".join(f"{CONFIDENCE.get(c, '无数据') if c else '无数据'} {counts[c]} 个"
                                   for c in sorted(counts, key=lambda c: order.index(c) if c in order else 0)),
              highlight=False)
    if any(r["stale"] for r in rows):
        con.print(Text(f"黄色年度:早于 {dt.date.today().year} 年的政策,数字可能已调整,请以当地医保局最新通知为准",
                       style="yellow"))
    con.print(Text("可信度是该地各来源中最弱的一级:官方原文 > 本人结算单 > 转述文章 > 未核实 > 疑似占位。详情:medins policy show 地区;"
                   "添加或更正:medins policy init 地区", style="dim"))
