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
    con.print(Text("年度:导入的聚合数据写的是聚合项目更新它的表的年份,不是所引医保局通知的年份(那些多是 2022–2024 年);"
                   "每个地区的年份是什么意思,见 medins policy show 地区 或估算表格的标题", style="dim"))
    con.print(Text("可信度是该地各来源中最弱的一级:官方原文 > 本人结算单 > 转述文章 > 未核实 > 疑似占位。详情:medins policy show 地区;"
                   "添加或更正:medins policy init 地区", style="dim"))


#: How the evidence kinds read in the table.
EVIDENCE_WORDS = {"authority": "医保局网页", "reprint": "通知转载", "institution": "机构网站", "news": "新闻",
                  "portal": "门户网站", "qa": "问答", "content_farm": "内容农场", "nothing_usable": "搜过,无可用网页",
                  None: "未核查"}
KIND_WORDS = {"inpatient": "住院", "outpatient": "门诊", "critical_illness": "大病", "remote": "异地", "account": "账户"}
PLAN_WORDS = {"employee": "职工", "resident": "居民"}


def table_words(keys: tuple[str, ...]) -> str:
    """("employee.remote", …) → 职工异地、…"""
    out = []
    for key in keys:
        plan, _, kind = key.partition(".")
        out.append(PLAN_WORDS.get(plan, plan) + KIND_WORDS.get(kind, kind))
    return "、".join(out) or "—"


def quality_payload(row: Any) -> dict[str, Any]:
    """One city of ``medins regions --quality`` (JSON, plain, CSV)."""
    return {"name": row.name, "province": row.province, "evidence": row.evidence, "pages": row.pages,
            "agree": row.agree, "differ": row.differ, "changed": row.changed,
            "placeholder_tables": list(row.placeholder), "province_shared_tables": list(row.province_shared),
            "figures_with_alternatives": row.alternatives, "alternatives_by_reason": row.by_reason}


def flat_quality(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload as one row of plain or CSV (lists joined with commas)."""
    reasons = payload["alternatives_by_reason"]
    return {**payload, "placeholder_tables": ",".join(payload["placeholder_tables"]),
            "province_shared_tables": ",".join(payload["province_shared_tables"]),
            "alternatives_by_reason": ",".join(f"{k}:{v}" for k, v in sorted(reasons.items()))}


def render_quality(con: Any, rows: list[Any], province: str | None) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"数据质量{f'({province})' if province else ''}:{len(rows)} 个导入的城市",
                  title_justify="left")
    for head in ("地区", "省份", "证据:最好的网页", "一致/不同/改动", "疑似占位的表", "省内相同的表", "有另一说法"):
        table.add_column(head)
    for r in rows:
        ev = Text(EVIDENCE_WORDS.get(r.evidence, r.evidence) + (f" · {r.pages} 页" if r.pages else ""),
                  style="green" if r.evidence in ("authority", "reprint") else "dim" if r.evidence is None else "")
        counts = f"{r.agree}/{r.differ}/{r.changed}" if r.evidence is not None else "—"
        table.add_row(r.name, r.province, ev, counts, Text(table_words(r.placeholder), style="yellow"),
                      table_words(r.province_shared), f"{r.alternatives} 个" if r.alternatives else "—")
    con.print(table)
    con.print(Text("疑似占位:与外省城市完全相同的表(聚合项目的占位数字,可信度 placeholder);省内相同:可能是全省统一政策,"
                   "也可能是占位。有另一说法的数字,估算会给出范围。核查方法见 data/evidence/README.md", style="dim"))
