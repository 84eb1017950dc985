"""``medins coverage``: the JSON payload, plain lines and the Rich view of when benefits start."""

from __future__ import annotations

from typing import Any

from medins_cli.core.coverage import Coverage
from medins_cli.core.names import PLANS
from medins_cli.core.sourced import Book, cited
from medins_cli.render.output import plain_sources
from medins_cli.render.rules import (
    footnotes,
    honesty,
    plain_steps,
    render_lines,
    render_sources,
    render_steps,
    sources_payload,
    step_payload,
    texts_payload,
)


def _steps(result: Coverage) -> tuple[Any, ...]:
    return result.steps + (result.incentive.steps if result.incentive is not None else ())


def _ids(result: Coverage, disputes: bool = True) -> list[str]:
    return [*cited(_steps(result)), *(s for d in (result.disputes if disputes else ()) for s in d.sources)]


def national_words(result: Coverage, place: str | None) -> str:
    if result.national:
        where = f"{place}自己公布的数字没有收录," if place else ""
        return f"{where}按全国规定计算"
    return f"用了{place}自己公布的数字(见计算过程)"


def payload(book: Book, ask: dict[str, Any], result: Coverage, place: str | None) -> dict[str, Any]:
    """The JSON contract of ``medins coverage --format json``."""
    inc = result.incentive
    return {
        **ask,
        "region": place,
        "start": result.start.isoformat() if result.start else None,
        "latest": result.latest.isoformat() if result.latest else None,
        "waiting_months": result.waiting_months,
        "retroactive": result.retroactive,
        "national_rule": result.national,
        "rule_basis": national_words(result, place),
        "arrears": [{"years": a.years, "waiting_months": a.waiting_months, "start": a.start.isoformat()}
                    for a in result.arrears],
        "incentive": None if inc is None else {
            "per_year": inc.per_year, "per_year_basis": inc.per_year_basis, "continuous": inc.continuous,
            "zero_claim": inc.zero_claim, "total": inc.total, "limit": inc.limit},
        "steps": [step_payload(s) for s in _steps(result)],
        "disputes": texts_payload(result.disputes),
        "warnings": [*honesty(book.sources, cited(_steps(result))), *result.warnings],
        "notes": list(result.notes),
        "sources": sources_payload(book.sources, _ids(result)),
    }


def plain(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k not in ("steps", "disputes", "sources", "arrears", "incentive",
                                                      "warnings", "notes")}
    for a in data["arrears"]:
        out[f"arrears.{a['years']}"] = f"{a['waiting_months']} 个月 {a['start']}"
    inc = data["incentive"] or {}
    for key in ("per_year", "per_year_basis", "continuous", "zero_claim", "total", "limit"):
        out[f"incentive_{key}"] = inc.get(key)
    out["warnings"] = data["warnings"]
    out["notes"] = data["notes"]
    out["sources"] = plain_sources(data["sources"])
    return out


def plain_explain(result: Coverage) -> list[str]:
    return plain_steps(_steps(result))


def render(con: Any, book: Book, result: Coverage, place: str | None, *, explain: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    numbers = footnotes(_ids(result, disputes=explain))
    con.print(Text(f"{PLANS[result.plan]} · 什么时候开始享受待遇" + (f" · {place}" if place else ""), style="bold"))
    if result.start is None:
        con.print(Text("待遇开始的日期:不明(原因见下)", style="bold red"))
    else:
        when = result.start.isoformat() + (f" 到 {result.latest.isoformat()} 之间" if result.latest else "")
        waiting = "" if result.waiting_months is None else f"(等待期 {result.waiting_months} 个月)"
        back = ";中断期间的待遇可追溯" if result.retroactive else ""
        con.print(Text(f"待遇开始:{when}{waiting}{back}", style="bold green"))
    con.print(Text(national_words(result, place), style="dim"))
    if result.arrears and len(result.arrears) > 1:
        table = Table(title="补缴(修复)能改变什么", title_justify="left", header_style="bold")
        table.add_column("多补缴的年数", justify="right")
        table.add_column("等待期", justify="right")
        table.add_column("待遇开始", no_wrap=True)
        for a in result.arrears:
            table.add_row(f"{a.years} 年", f"{a.waiting_months} 个月", a.start.isoformat())
        con.print(table)
    inc = result.incentive
    if inc is not None:
        basis = "当地的金额" if inc.per_year_basis == "local" else "国家规定的最低数,当地可能更多"
        limit = f",不超过 {inc.limit:,.2f} 元" if inc.limit is not None else ""
        con.print(Text(f"大病保险封顶线提高:{inc.total:,.2f} 元(连续参保 {inc.continuous:,.2f} + 零报销 "
                       f"{inc.zero_claim:,.2f};每次 {inc.per_year:,.0f} 元,{basis}{limit})"), soft_wrap=True)
    render_lines(con, [*honesty(book.sources, cited(_steps(result))), *result.warnings],
                 [*result.notes, *((f"来源说法不一:{d.text}" for d in result.disputes) if explain else ())])
    render_steps(con, _steps(result), numbers, "规则和计算(每条带来源):" if explain else "规则和计算:")
    render_sources(con, book.sources, numbers, quotes=explain)
