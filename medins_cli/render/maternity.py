"""``medins maternity``: the JSON payload, plain lines and the Rich view of leave days and the allowance."""

from __future__ import annotations

from typing import Any

from medins_cli.core.maternity import Maternity, MaternityAsk
from medins_cli.core.sourced import Book, cited
from medins_cli.render.output import money, plain_sources
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
from medins_cli.words import words

DAY_STEPS = ("base", "difficult", "babies", "miscarriage", "provincial", "insured_days")


def _ids(result: Maternity, general: bool = True) -> list[str]:
    disputes = (*result.disputes, *(result.general_disputes if general else ()))
    return [*cited(result.steps), *(s for d in disputes for s in d.sources)]


def payload(book: Book, ask: MaternityAsk, result: Maternity) -> dict[str, Any]:
    """The JSON contract of ``medins maternity --format json``."""
    a = result.allowance
    v = result.version
    warnings = [*honesty(book.sources, cited(result.steps)), *words(result.warnings)]
    return {
        "province": ask.province,
        "date": ask.day.isoformat(),
        "kind": "miscarriage" if ask.miscarriage_weeks is not None else "birth",
        "difficult": ask.difficult, "babies": ask.babies, "miscarriage_weeks": ask.miscarriage_weeks, "child": ask.child,
        "days": {"national": result.national_days, "provincial": result.provincial_days, "total": result.total_days,
                 "provincial_status": result.provincial_status, "insured_provincial": result.insured_extra_days},
        "bound": result.bound,
        "allowance": None if a is None else {
            "wage": ask.wage, "rate": a.rate.key, "formula": a.rate.text, "daily": a.daily, "national": a.national,
            "provincial": a.provincial_insured + a.provincial_unknown, "provincial_insured": a.provincial_insured,
            "provincial_payer_unknown": a.provincial_unknown, "total": a.total, "local_practice": True,
        },
        "paid_by": list(result.paid_by),
        "version": None if v is None else {"since": v.since, "since_basis": v.since_basis, "regulation": v.regulation,
                                           "current": v.current},
        "steps": [step_payload(s) for s in result.steps],
        "disputes": texts_payload((*result.disputes, *result.general_disputes)),
        "warnings": warnings,
        "notes": list(result.notes),
        "sources": sources_payload(book.sources, _ids(result)),
    }


def plain(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: data[k] for k in ("province", "date", "kind", "difficult", "babies", "miscarriage_weeks",
                                                "child")}
    out.update({f"days_{k}": v for k, v in data["days"].items()})
    out["bound"] = data["bound"]
    a = data["allowance"] or {}
    for key in ("wage", "rate", "daily", "national", "provincial", "provincial_insured", "provincial_payer_unknown", "total"):
        out[f"allowance_{key}"] = a.get(key)
    out["paid_by"] = data["paid_by"]
    out["warnings"] = data["warnings"]
    out["notes"] = data["notes"]
    out["disputes"] = [d["text"] for d in data["disputes"]]
    out["sources"] = plain_sources(data["sources"])
    return out


def plain_explain(result: Maternity) -> list[str]:
    return plain_steps(result.steps)


def render(con: Any, book: Book, ask: MaternityAsk, result: Maternity, *, explain: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    numbers = footnotes(_ids(result, general=explain))
    what = (f"怀孕 {ask.miscarriage_weeks} 周流产" if ask.miscarriage_weeks is not None
            else ("难产" if ask.difficult else "顺产") + (f" · {ask.babies} 胞胎" if ask.babies > 1 else ""))
    con.print(Text(f"{ask.province} · 产假和生育津贴 · {what} · {ask.day}", style="bold"))
    table = Table(show_header=True, header_style="bold")
    table.add_column("项目")
    table.add_column("天数", justify="right", no_wrap=True)
    table.add_column("说明", overflow="fold")
    for step in result.steps:
        if step.key not in DAY_STEPS:
            continue
        marks = "".join(f"[{numbers[s]}]" for s in step.sources if s in numbers)
        days = "" if step.value is None else (str(step.value) if step.key in ("base", "miscarriage")
                                              else f"其中 {step.value}" if step.key == "insured_days" else f"+{step.value}")
        table.add_row(step.label, days, f"{step.formula} {marks}".strip())
    total = "不明" if result.total_days is None else str(result.total_days)
    table.add_row(Text("合计", style="bold"), Text(total, style="bold"),
                  "" if result.total_days is not None else f"国家规定 {result.national_days} 天 + 省里的天数不明")
    con.print(table)
    a = result.allowance
    if a is not None:
        con.print(Text(f"生育津贴(“{a.rate.text}”是地方做法,不是全国法律)", style="bold"))
        money_table = Table(header_style="bold")
        money_table.add_column("项目")
        money_table.add_column("金额(元)", justify="right", no_wrap=True)
        money_table.add_column("谁支付", overflow="fold")
        money_table.add_row("日额", money(a.daily), "")
        money_table.add_row(f"国家规定的 {result.national_days} 天", money(a.national), "已参保的由生育保险基金支付")
        if result.provincial_days:
            insured = result.insured_extra_days or 0
            if insured:
                money_table.add_row(f"省里延长的 {insured} 天", money(a.provincial_insured), "来源说由生育保险支付")
            rest = result.provincial_days - insured
            if rest:
                money_table.add_row(f"省里延长的{'另外 ' if insured else ''} {rest} 天", money(a.provincial_unknown),
                                    "由谁支付,来源没有说明")
        money_table.add_row(Text("合计", style="bold"), Text(money(a.total), style="bold"), "")
        con.print(money_table)
    render_lines(con, [*honesty(book.sources, cited(result.steps)), *words(result.warnings)],
                 [*result.paid_by, *result.notes, *(f"来源说法不一:{d.text}"
                                                    for d in (*result.disputes, *(result.general_disputes if explain else ())))])
    if explain:
        render_steps(con, result.steps, numbers)
    render_sources(con, book.sources, numbers, quotes=explain)
