"""Presenting slips: ``slip check`` (payload, table, plain), what ``--learn`` would change, the
ledger's rows and the year's summary with a bar per limit.

Payload builders are plain Python; the ``render_*`` functions draw with Rich and import it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Sequence

from medins_cli.core.arith import pct
from medins_cli.core.model import Limit, Policy
from medins_cli.core.names import PLANS, REMOTES, TIERS, VISITS
from medins_cli.core.slip import MONEY, SlipProblem, Tally
from medins_cli.core.slip_check import Comparison
from medins_cli.core.slip_learn import Change, Learning
from medins_cli.core.year import Entry
from medins_cli.core.year import YearSummary as YearToDate
from medins_cli.render.output import CONFIDENCE, money, plain_sources
from medins_cli.words import word

MARKS = "①②③④⑤⑥⑦⑧⑨⑩"

# ---- slip check -----------------------------------------------------------------------------


def problem_payload(problem: SlipProblem) -> dict[str, Any]:
    return {"check": problem.check, "message": problem.message, "left": problem.left, "right": problem.right}


def check_payload(policy: Policy | None, tally: Tally, comparison: Comparison, sources: list[dict[str, Any]],
                  warnings: Sequence[str]) -> dict[str, Any]:
    """The JSON contract of ``medins slip check --format json``: exactly these keys."""
    implied = comparison.implied
    return {
        "adds_up": tally.adds_up,
        "problems": [problem_payload(p) for p in tally.problems],
        "lines": [{"key": line.key, "slip": line.slip, "estimate": line.estimate, "difference": line.difference,
                   "reason": word(line.reason) if line.reason else None} for line in comparison.lines],
        "implied": {"deductible": implied.deductible, "ratio": implied.ratio},
        "region": policy.region.name if policy is not None else None,
        "sources": sources,
        "warnings": list(warnings),
    }


def plain_check(payload: dict[str, Any]) -> dict[str, Any]:
    """``key: value`` lines of a check, in a fixed order (one line per compared line)."""
    out: dict[str, Any] = {"adds_up": payload["adds_up"], "region": payload["region"]}
    for line in payload["lines"]:
        parts = [f"slip={_plain(line['slip'])}", f"estimate={_plain(line['estimate'])}",
                 f"difference={_plain(line['difference'])}"]
        if line["reason"]:
            parts.append(f"reason={line['reason']}")
        out[f"line.{line['key']}"] = " ".join(parts)
    out["implied_deductible"] = payload["implied"]["deductible"]
    out["implied_ratio"] = payload["implied"]["ratio"]
    out["problems"] = [p["message"] for p in payload["problems"]]
    out["sources"] = plain_sources(payload["sources"])
    out["warnings"] = payload["warnings"]
    return out


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _signed(value: Decimal | None) -> str:
    if value is None:
        return ""
    if not value:
        return "0"
    return ("+" if value > 0 else "−") + money(abs(value))


def check_title(policy: Policy | None, context: dict[str, Any]) -> str:
    parts = ["结算单核对"]
    if policy is not None:
        parts.append(policy.region.name)
    if context.get("plan"):
        parts.append(PLANS[context["plan"]])
    if context.get("visit"):
        parts.append(VISITS[context["visit"]])
    if context.get("tier"):
        parts.append(f"{TIERS[context['tier']]}医院")
    if context.get("retired") and context.get("plan") == "employee":
        parts.append("退休")
    if context.get("admission") and context["admission"] > 1:
        parts.append(f"本年第{context['admission']}次住院")
    if context.get("remote"):
        parts.append(REMOTES[context["remote"]])
    if context.get("date"):
        parts.append(context["date"])
    if context.get("hospital"):
        parts.append(context["hospital"])
    return " · ".join(parts)


def render_check(con: Any, policy: Policy | None, tally: Tally, comparison: Comparison, title: str,
                 warnings: Sequence[str], notes: Sequence[str], source_ids: Sequence[str]) -> None:
    """The Rich view of a check: the slip line by line beside the estimate, then whether it adds up,
    what it implies, warnings and sources."""
    from rich.table import Table
    from rich.text import Text

    from medins_cli.render.estimate import disclaimer, render_data_file, render_messages, render_sources

    a = tally.amounts
    table = Table(title=title, title_justify="left", header_style="bold")
    for head, justify in (("项目", "left"), ("结算单", "right"), ("估算", "right"), ("差额", "right"), ("原因", "left")):
        table.add_column(head, justify=justify, no_wrap=head != "项目", overflow="fold")  # type: ignore[arg-type]
    table.add_row("医疗费总额", money(a["total"]), "", "", "")
    for key in ("self_pay", "over_limit", "partial_self_pay"):
        if a[key]:
            table.add_row(f"  {MONEY[key]}", money(a[key]), "", "", "")
    reasons: dict[str, str] = {}  # reason → its mark; the reasons are long, so they go under the table
    for line in comparison.lines:
        diff = _signed(line.difference)
        style = "bold red" if line.difference else ""
        mark = reasons.setdefault(word(line.reason), MARKS[len(reasons) % len(MARKS)]) if line.reason else ""
        table.add_row(line.label, "" if line.slip is None else money(line.slip),
                      "" if line.estimate is None else money(line.estimate), Text(diff, style=style), mark)
    for key in ("account_pay", "family_pay", "cash_pay"):
        if a[key] or key in tally.printed:
            table.add_row(f"  {MONEY[key]}", money(a[key]), "", "", "")
    con.print(table)
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for reason, mark in reasons.items():
        grid.add_row(mark, reason)
    if reasons:
        con.print(grid)
    if tally.adds_up:
        con.print(Text("✓ 加总正确:各项支付之和等于医疗费总额", style="green"))
    else:
        con.print(Text("✗ 加总不对:", style="bold red"))
        for problem in tally.problems:
            con.print(Text(f"  · {problem.message}", style="red"))
    implied = comparison.implied
    said = []
    if implied.deductible is not None:
        said.append(f"起付线 {money(implied.deductible)}" + ("" if implied.deductible_printed else "(推算)"))
    if implied.ratio is not None:
        said.append(f"统筹比例 {pct(implied.ratio)}")
    elif implied.why_no_ratio:
        said.append(implied.why_no_ratio)
    if implied.critical_illness_pay:
        said.append(f"大病/大额支付 {money(implied.critical_illness_pay)}")
    if said:
        con.print(Text("这张单说明:" + ";".join(said)), soft_wrap=True)
    render_messages(con, warnings, notes)
    if policy is not None:
        render_sources(con, policy, source_ids)
        render_data_file(con, policy)
        con.print(Text(disclaimer(policy), style="italic"))


# ---- --learn ----------------------------------------------------------------------------------


def _figure(change: Change, value: Decimal | None) -> str:
    if value is None:
        return "未收录"
    return pct(value) if change.kind == "ratio" else f"{money(value)} 元"


def _source_words(policy: Policy, source_id: str | None) -> str:
    src = policy.sources.get(source_id or "")
    if src is None:
        return ""
    return f"来源 {src.id},{CONFIDENCE.get(src.confidence, src.confidence)}"


def learning_lines(policy: Policy, learning: Learning, path: str, new_file: bool) -> list[str]:
    """What --learn will write, in words: one line per figure, old → new, with their sources."""
    new_source = f"来源 {learning.source.id},{CONFIDENCE['observed']}"
    lines = [f"将写入 {path}" + ("(新建:先复制内置数据,删掉它即恢复内置数据)" if new_file
                                  else "(原文件先备份;文件里的注释不会保留)")]
    for change in learning.changes:
        if change.kind == "tier":
            lines.append(f"  + {change.label}")
            continue
        lines.append(f"  · {change.label}:{_figure(change, change.old)}({_source_words(policy, change.old_source)})"
                     f" → {_figure(change, change.new)}({new_source})")
    lines.append(f"  + 来源 {learning.source.id}:{learning.source.title}(observed):{learning.source.note}")
    lines += [f"  ⚠ {w}" for w in learning.warnings]
    return lines


# ---- the ledger ---------------------------------------------------------------------------------

ENTRY_FIELDS = ("id", "person", "date", "kind", "region", "plan", "visit", "tier", "retired", "admission", "remote",
                "hospital", *MONEY)


def entry_payload(entry: Entry) -> dict[str, Any]:
    """One stored bill as in ``slip list/export -f json`` (and what ``slip add`` reads back)."""
    out: dict[str, Any] = {k: getattr(entry, k) for k in ENTRY_FIELDS[:12]}
    out.update((k, entry.amounts.get(k)) for k in MONEY)
    return out


def render_entries(con: Any, entries: Iterable[Entry], title: str) -> None:
    """The ledger's rows, narrow enough for 80 columns (JSON and CSV have every field)."""
    from rich.table import Table

    table = Table(title=title, title_justify="left", header_style="bold")
    for head in ("编号", "日期", "人", "就诊", "总额", "医保支付", "个人支付"):
        numeric = head in ("编号", "总额", "医保支付", "个人支付")
        table.add_column(head, justify="right" if numeric else "left", no_wrap=numeric or head == "日期")
    for e in entries:
        visit = VISITS.get(e.visit, e.visit)[:2] + (f" {TIERS.get(e.tier, e.tier)}" if e.tier else "")
        if e.kind == "estimate":
            visit += "(估算)"
        insured = e.amount("fund_pay") + e.amount("critical_illness_pay")
        personal = e.amount("account_pay") + e.amount("family_pay") + e.amount("cash_pay")
        table.add_row(str(e.id), e.date, e.person, visit, money(e.amount("total")), money(insured), money(personal))
    con.print(table)


def year_payload(person: str, year: int, ytd: YearToDate, limits: Sequence[Limit], policy: Policy | None,
                 warnings: Sequence[str], tax: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON contract of ``slip year -f json``; ``tax`` is the 个税 deduction (render/tax.py)."""
    return {
        "person": person, "year": year, "region": policy.region.name if policy is not None else None,
        "bills": ytd.bills, "estimates": ytd.estimates, "admissions": ytd.admissions,
        "total": ytd.total, "inpatient_fund": ytd.inpatient_fund, "outpatient_fund": ytd.outpatient_fund,
        "outpatient_eligible": ytd.outpatient_eligible, "burden": ytd.burden,
        # burden is what 大病/大额's threshold counts (policy range − basic fund, before 大病/大额 paid
        # part of it): not what the person paid, which is paid_by_person (account + 共济 + cash)
        "burden_for_critical_illness": ytd.burden, "paid_by_person": ytd.paid_by_person,
        "critical_illness_pay": ytd.critical_illness_pay, "account_pay": ytd.account_pay,
        "family_pay": ytd.family_pay, "cash_pay": ytd.cash_pay,
        "limits": [{"key": lim.key, "label": lim.label, "used": lim.used, "limit": lim.limit} for lim in limits],
        "tax_deduction": tax,
        "warnings": list(warnings),
    }


def plain_year(payload: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in payload.items() if k not in ("limits", "warnings", "tax_deduction")}
    for lim in payload["limits"]:
        out[f"limit.{lim['key']}"] = f"{lim['used']:.2f} / {lim['limit']:.2f}"
    out["warnings"] = payload["warnings"]
    if payload.get("tax_deduction"):
        from medins_cli.render.tax import plain_tax

        out.update(plain_tax(payload["tax_deduction"]))
    return out


def render_year(con: Any, title: str, ytd: YearToDate, limits: Sequence[Limit], warnings: Sequence[str]) -> None:
    """The year so far: the counts and sums, then a bar for each yearly limit (how much is used)."""
    from rich.bar import Bar
    from rich.table import Table
    from rich.text import Text

    from medins_cli.render.estimate import render_messages

    con.print(Text(title, style="bold"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column()
    facts.add_column(justify="right")
    estimates = f"(其中 {ytd.estimates} 张是估算)" if ytd.estimates else ""
    for label, value in (
        ("账单", f"{ytd.bills} 张{estimates}"),
        ("住院次数", f"{ytd.admissions} 次"),
        ("医疗费总额", f"{money(ytd.total)} 元"),
        ("统筹基金已付(住院)", f"{money(ytd.inpatient_fund)} 元"),
        ("统筹基金已付(门诊)", f"{money(ytd.outpatient_fund)} 元"),
        ("大病/大额已付", f"{money(ytd.critical_illness_pay)} 元"),
        ("个人账户支付", f"{money(ytd.account_pay)} 元"),
        ("共济账户支付", f"{money(ytd.family_pay)} 元"),
        ("现金支付", f"{money(ytd.cash_pay)} 元"),
        ("本人实际支付(个人账户 + 共济 + 现金)", f"{money(ytd.paid_by_person)} 元"),
        ("大病/大额起付线所计的个人负担", f"{money(ytd.burden)} 元"),
    ):
        facts.add_row(label, value)
    con.print(facts)
    if limits:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(overflow="fold")
        grid.add_column(width=20 if con.width >= 80 else 8)
        grid.add_column(no_wrap=True, justify="right")
        for lim in limits:
            share = min(lim.used, lim.limit) / lim.limit if lim.limit else 1
            if lim.key in ("critical_illness_threshold", "outpatient_deductible"):  # reaching it is good news
                colour = "green" if share >= 1 else "yellow"
            else:  # a cap: red once used up
                colour = "red" if share >= 1 else "green"
            grid.add_row(lim.label, Bar(1, 0, float(share), color=colour),
                         f"{money(lim.used)} / {money(lim.limit)} 元")
        con.print(Text("本年限额用了多少:", style="bold"))
        con.print(grid)
    render_messages(con, warnings)
