"""The 个税 大病医疗 deduction in ``slip year``: the ``tax_deduction`` JSON object, plain lines and the
Rich view, for one person and for a family (``--family``)."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from medins_cli.core.sourced import cited
from medins_cli.core.tax import FIELD_WORDS, Allocation, TaxDeduction, TaxRules
from medins_cli.render.output import money, plain_sources
from medins_cli.render.rules import (
    footnotes,
    honesty,
    plain_steps,
    render_sources,
    render_steps,
    sources_payload,
    step_payload,
)

BOUND_WORDS = {"upper": "上限(实际可能更少)", "lower": "下限(实际可能更多)", "approximate": "近似(可能多也可能少)"}
ROLES = {"self": "夫妻一方", "child": "未成年子女"}


def tax_payload(rules: TaxRules, d: TaxDeduction) -> dict[str, Any]:
    """``tax_deduction``: {base, deductible, threshold, limit, source} and how sure it is."""
    rule = d.rule
    ids = cited(d.steps)
    return {
        "base": d.base.base,
        "deductible": d.deductible,
        "threshold": d.threshold,
        "limit": d.limit,
        "source": {"document": rule.document, "doc_number": rule.doc_number.text,
                   "confidence": rule.threshold.confidence, "sources": sources_payload(rules.book.sources, ids)},
        "bound": d.bound,
        "reasons": list(d.base.reasons),
        "counted": {"partial_self_pay": d.base.partial_self_pay, "deductible_and_co_pay": d.base.in_range},
        "not_counted": {"self_pay_and_over_limit": d.base.excluded},
        "fields": {"counted": list(rules.slip_fields.counted), "not_counted": list(rules.slip_fields.not_counted),
                   "basis": rules.slip_fields.basis},
        "bills": d.base.bills, "estimates": d.base.estimates,
        "steps": [step_payload(s) for s in d.steps],
        "warnings": honesty(rules.book.sources, ids),
    }


def plain_tax(data: Mapping[str, Any]) -> dict[str, Any]:
    """``tax_deduction.*`` lines for ``slip year -f plain``."""
    return {
        "tax_deduction.base": data["base"], "tax_deduction.deductible": data["deductible"],
        "tax_deduction.threshold": data["threshold"], "tax_deduction.limit": data["limit"],
        "tax_deduction.bound": data["bound"],
        "tax_deduction.source": f"{data['source']['document']}({data['source']['doc_number']},"
                                f"{data['source']['confidence']})",
        "tax_deduction.reasons": data["reasons"],
    }


def plain_explain(d: TaxDeduction) -> list[str]:
    return plain_steps(d.steps)


def _field_line(rules: TaxRules) -> str:
    f = rules.slip_fields
    counted = "、".join(FIELD_WORDS[k] for k in f.counted)
    left = "、".join(FIELD_WORDS[k] for k in f.not_counted)
    how = "(来源没有写明哪些结算单字段算,这是 medins 的推断)" if f.basis == "inference" else ""
    return f"算进去的:{counted};不算的:{left}{how}"


def render_tax(con: Any, rules: TaxRules, d: TaxDeduction, *, explain: bool) -> None:
    """The deduction under the year's sums: base, deductible, the rule and how sure it is."""
    from rich.table import Table
    from rich.text import Text

    from medins_cli.render.estimate import render_messages

    con.print(Text("个税大病医疗专项附加扣除:", style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column()
    grid.add_column(justify="right", no_wrap=True)
    word = {"upper": "至多 ", "lower": "至少 "}.get(d.bound or "", "约 " if d.bound else "")
    base_word = {"upper": "至多 ", "lower": "至少 "}.get(d.base.bound or "", "约 " if d.base.bound else "")
    grid.add_row("医保目录范围内的个人自付", f"{base_word}{money(d.base.base)} 元")
    grid.add_row(f"可扣除(超过 {money(d.threshold)} 元的部分,限额 {money(d.limit)} 元)", f"{word}{money(d.deductible)} 元")
    con.print(grid)
    notes = [_field_line(rules), f"依据:{d.rule.document}({d.rule.doc_number.text});{d.rule.when.text}",
             d.rule.record.text]
    warnings = list(d.base.reasons)
    if d.bound:
        warnings.insert(0, f"扣除额是{BOUND_WORDS[d.bound]}:")
    render_messages(con, [*honesty(rules.book.sources, cited(d.steps)), *warnings], notes)
    if explain:
        numbers = footnotes(cited(d.steps))
        render_steps(con, d.steps, numbers, "扣除额怎么算(每条带来源):")
        render_sources(con, rules.book.sources, numbers, quotes=True)


# ---- a family ---------------------------------------------------------------------------------------


def family_payload(rules: TaxRules, year: int, deductions: Mapping[str, TaxDeduction], allocation: Allocation,
                   warnings: Sequence[str]) -> dict[str, Any]:
    """``slip year --family -f json``: each person's deduction, who claims it, and the total."""
    return {
        "year": year,
        "family": [{"person": s.person, "role": s.role, "may_claim": list(s.may_claim), "claimed_by": s.claimed_by,
                    "tax_deduction": tax_payload(rules, deductions[s.person])} for s in allocation.shares],
        "allocation": {"by_claimant": dict(allocation.by_claimant), "total": allocation.total,
                       "steps": [step_payload(s) for s in allocation.steps]},
        "total_deductible": allocation.total,
        "sources": sources_payload(rules.book.sources, [*cited(allocation.steps),
                                                        *(s for d in deductions.values() for s in cited(d.steps))]),
        "warnings": [*honesty(rules.book.sources, cited(allocation.steps)), *warnings],
    }


def plain_family(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"year": data["year"]}
    for item in data["family"]:
        p = item["person"]
        t = item["tax_deduction"]
        out[f"{p}.role"] = item["role"]
        out[f"{p}.base"] = t["base"]
        out[f"{p}.deductible"] = t["deductible"]
        out[f"{p}.bound"] = t["bound"]
        out[f"{p}.claimed_by"] = item["claimed_by"]
    for name, amount in data["allocation"]["by_claimant"].items():
        out[f"claimant.{name}"] = amount
    out["total_deductible"] = data["total_deductible"]
    out["sources"] = plain_sources(data["sources"])
    out["warnings"] = data["warnings"]
    return out


def render_family(con: Any, rules: TaxRules, year: int, deductions: Mapping[str, TaxDeduction],
                  allocation: Allocation, warnings: Sequence[str], *, explain: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from medins_cli.render.estimate import render_messages

    table = Table(title=f"{year} 年 · 全家的个税大病医疗扣除", title_justify="left", header_style="bold")
    table.add_column("人")
    table.add_column("身份")
    table.add_column("目录内自付", justify="right", no_wrap=True)
    table.add_column("可扣除", justify="right", no_wrap=True)
    table.add_column("可以由谁扣")
    table.add_column("建议由谁扣")
    for s in allocation.shares:
        d = deductions[s.person]
        mark = {"upper": "≤ ", "lower": "≥ "}.get(d.bound or "", "≈ " if d.bound else "")
        table.add_row(s.person, ROLES[s.role], money(d.base.base), mark + money(d.deductible),
                      "本人或配偶" if s.role == "self" else "父母一方", s.claimed_by)
    table.add_row(Text("合计", style="bold"), "", "", Text(money(allocation.total), style="bold"), "", "")
    con.print(table)
    for name, amount in allocation.by_claimant.items():
        con.print(Text(f"{name} 申报:{money(amount)} 元"))
    bounds = [f"{p}:{r}" for p, d in deductions.items() for r in d.base.reasons]
    render_messages(con, [*honesty(rules.book.sources, cited(allocation.steps)), *warnings, *bounds],
                    [allocation.steps[-1].formula, _field_line(rules)])
    if explain:
        steps = [*allocation.steps, *(s for d in deductions.values() for s in d.steps)]
        numbers = footnotes(cited(steps))
        render_steps(con, list(allocation.steps), numbers, "规则(每条带来源):")
        for person, d in deductions.items():
            render_steps(con, list(d.steps), numbers, f"{person}:")
        render_sources(con, rules.book.sources, numbers, quotes=True)
