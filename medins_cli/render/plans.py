"""``medins plans`` (a year of bills under both plans) and ``estimate --compare plans`` (one bill):
JSON payloads, plain lines and the Rich views."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from medins_cli.core.contribution import BASIS_WORDS, STATUSES, Contribution
from medins_cli.core.model import Breakdown, Claim, Policy
from medins_cli.core.money import ZERO
from medins_cli.core.names import PLANS, TIERS
from medins_cli.core.plans import PlanYear, Verdict
from medins_cli.core.sourced import Book
from medins_cli.render.output import money, plain_sources
from medins_cli.render.rules import (
    footnotes,
    honesty,
    plain_steps,
    render_lines,
    render_sources,
    render_steps,
    step_payload,
)
from medins_cli.render.rules import sources_payload as rule_sources_payload
from medins_cli.words import words

if TYPE_CHECKING:
    from medins_cli.core.ranges import Range

WHOSE = {"person": "个人缴的全部", "own_share": "只算你自己缴的部分(单位缴的不算)"}


def contribution_payload(c: Contribution) -> dict[str, Any]:
    return {"amount": c.amount, "basis": c.basis, "basis_words": BASIS_WORDS[c.basis], "whose": c.whose,
            "confidence": c.confidence, "steps": [step_payload(s) for s in c.steps], "sources": list(c.sources),
            "warnings": words(c.warnings), "notes": words(c.notes)}


def _contribution_ids(years: Sequence[PlanYear]) -> list[str]:
    return [s for y in years for s in y.contribution.sources]


Ranges = Mapping[str, "Range | None"]


def _span(ranges: Ranges, y: PlanYear) -> Range | None:
    """The plan's range when another source's reading changes a figure of its year."""
    from medins_cli.render.estimate import shows_range

    span = ranges.get(y.plan)
    return span if shows_range(span) else None


def _ends(y: PlanYear, span: Range) -> dict[str, tuple[Decimal, Decimal] | None]:
    """[lowest, highest] of the year's figures as ``payload`` names them (the insurance's low end is
    where the person pays most: the bills' total is theirs together)."""
    total = sum((b.total for b in y.bills), ZERO)
    lo, hi = span.low["out_of_pocket"], span.high["out_of_pocket"]
    paid = y.contribution.amount
    return {"insurance_pays": (total - hi, total - lo), "person_pays": (lo, hi),
            "fund_pay": (span.low["fund_pay"], span.high["fund_pay"]),
            "critical_illness_pay": (span.low["critical_illness_pay"], span.high["critical_illness_pay"]),
            "total_cost": None if paid is None else (lo + paid, hi + paid)}


def range_payload(y: PlanYear, span: Range) -> dict[str, Any]:
    """A plan's ``range``: its year's figures at their lowest and highest over what the sources say,
    and the readings behind the year where the person pays least and most."""
    from medins_cli.render.estimate import range_payload as bill_range

    whys = bill_range(span)
    return {**{k: None if v is None else list(v) for k, v in _ends(y, span).items()},
            "cheapest": whys["cheapest"], "dearest": whys["dearest"], "exhaustive": whys["exhaustive"]}


def _range_ids(years: Sequence[PlanYear], ranges: Ranges) -> list[str]:
    """The sources of the other readings the ranges show."""
    return [v.source for y in years if (span := _span(ranges, y)) is not None for v in span.varied]


def range_lines(policy: Policy, years: Sequence[PlanYear], ranges: Ranges) -> list[str]:
    """Each ranged plan's two ends in words: what the person pays over the year, and whose figures."""
    from medins_cli.render.estimate import range_lines as bill_lines

    return [f"{PLANS[y.plan]}全年:{line}" for y in years if (span := _span(ranges, y)) is not None
            for line in bill_lines(policy, span)]


def settled_lines(policy: Policy, years: Sequence[PlanYear], ranges: Ranges) -> list[str]:
    """Figures the person's own slip gave, used as they are (no range over other sources' figures)."""
    from medins_cli.render.estimate import settled_notes

    return [f"{PLANS[y.plan]}:{line}" for y in years for line in settled_notes(policy, ranges.get(y.plan))]


def payload(policy: Policy, book: Book, year: int, status: str, retired: bool, years: Sequence[PlanYear],
            ranges: Ranges, verdict: Verdict, warnings: Sequence[str], notes: Sequence[str]) -> dict[str, Any]:
    """The JSON contract of ``medins plans --format json``."""
    from medins_cli.render.estimate import data_file, disclaimer, sources_payload, worded

    lines = list(dict.fromkeys(b.line for y in years for b in y.bills))  # date order
    rows = []
    for line in lines:
        row: dict[str, Any] = {"line": line}
        for y in years:
            hit = next((b for b in y.bills if b.line == line), None)
            if hit is not None:
                row.setdefault("date", hit.date)
                row.setdefault("total", hit.total)
                row[y.plan] = {"insurance": hit.insurance, "fund_pay": hit.fund_pay,
                               "critical_illness_pay": hit.critical_illness_pay, "out_of_pocket": hit.out_of_pocket,
                               "bound": hit.bound}
        rows.append(row)
    plan_ids = [s for y in years for s in y.sources] + _range_ids(years, ranges)
    return {
        "region": policy.region.name, "province": policy.region.province, "year": year,
        "bills": len(lines), "status": status, "retired": retired,
        "plans": [{
            "plan": y.plan, "insurance_pays": None if y.error else y.insurance, "fund_pay": None if y.error else y.fund_pay,
            "critical_illness_pay": None if y.error else y.critical_illness_pay,
            "other_pay": None if y.error else y.other_pay,
            "person_pays": None if y.error else y.out_of_pocket,
            "contribution": contribution_payload(y.contribution),
            "total_cost": y.total_cost, "bound": y.bound, "error": y.error,
            "warnings": worded(y.warnings), "notes": list(y.notes),
            **({"range": range_payload(y, span)} if (span := _span(ranges, y)) is not None else {}),
        } for y in years],
        "cheaper": verdict.cheaper, "difference": verdict.difference, "compared": verdict.compared,
        "verdict": verdict.why, "verdict_firm": verdict.firm,
        "rows": rows,
        "data_file": data_file(policy),
        "sources": sources_payload(policy, plan_ids),
        "rule_sources": rule_sources_payload(book.sources, _contribution_ids(years)),
        "warnings": [*honesty(book.sources, _contribution_ids(years)), *([verdict.doubt] if verdict.doubt else []),
                     *warnings],
        "notes": [*settled_lines(policy, years, ranges), *notes],
        "disclaimer": disclaimer(policy),
    }


def plain(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: data[k] for k in ("region", "province", "year", "bills", "status", "retired")}
    for p in data["plans"]:
        key = p["plan"]
        c = p["contribution"]
        out[f"{key}.insurance_pays"] = p["insurance_pays"]
        out[f"{key}.person_pays"] = p["person_pays"]
        out[f"{key}.contribution"] = c["amount"]
        out[f"{key}.contribution_basis"] = c["basis"]
        out[f"{key}.contribution_whose"] = c["whose"]
        out[f"{key}.total_cost"] = p["total_cost"]
        out[f"{key}.bound"] = p["bound"]
        out[f"{key}.error"] = p["error"]
        for field in ("insurance_pays", "person_pays", "total_cost"):
            if p.get("range") and p["range"][field] is not None:
                low, high = p["range"][field]
                out[f"{key}.range.{field}"] = f"{low:.2f}–{high:.2f}"
    for k in ("cheaper", "difference", "compared", "verdict", "verdict_firm"):
        out[k] = data[k]
    out["sources"] = plain_sources(data["sources"])
    out["rule_sources"] = plain_sources(data["rule_sources"])
    out["warnings"] = data["warnings"] + [w for p in data["plans"] for w in p["contribution"]["warnings"]]
    out["notes"] = data["notes"]
    return out


def plain_explain(years: Sequence[PlanYear]) -> list[str]:
    return plain_steps([s for y in years for s in y.contribution.steps])


def contribution_words(y: PlanYear, status: str) -> str:
    """One line: the contribution, how it was worked out, and which parts are the user's."""
    c = y.contribution
    assert c.amount is not None
    last = c.steps[-1]
    how = BASIS_WORDS[c.basis] + ("" if c.basis in ("given", "national", "latest_known", "local")
                                  else f" {last.formula}")
    yours = [s.label for s in c.steps if s.confidence is None and s.key != "contribution"]
    who = f";{STATUSES[status]},{WHOSE[c.whose]}" if y.plan == "employee" else ""
    mine = f";你给的:{'、'.join(yours)}" if yours else ""
    return f"{PLANS[y.plan]}一年的缴费 {money(c.amount)} 元:{how}{who}{mine}"


def _cell(value: Decimal | None, bound: str | None = None, prefix: str = "") -> str:
    if value is None:
        return "不明"
    return ("至多 " if bound == "upper" and prefix == "insurance" else "至少 " if bound == "upper" and prefix == "person"
            else "") + money(value)


def render(con: Any, policy: Policy, book: Book, year: int, status: str, years: Sequence[PlanYear], ranges: Ranges,
           verdict: Verdict, warnings: Sequence[str], notes: Sequence[str], *, explain: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from medins_cli.render.estimate import (
        disclaimer,
        render_caveat,
        render_data_file,
        worded,
    )
    from medins_cli.render.estimate import (
        render_sources as render_policy_sources,
    )

    plan_ids = list(dict.fromkeys([*(s for y in years for s in y.sources), *_range_ids(years, ranges)]))
    render_caveat(con, policy, plan_ids)
    count = len({b.line for y in years for b in y.bills})
    table = Table(title=f"{policy.region.name} · {year} 年 · {count} 笔账单:两种参保一年花多少", title_justify="left",
                  header_style="bold")
    table.add_column("项目")
    for y in years:
        table.add_column(PLANS[y.plan], justify="right", no_wrap=True)
    ok = [y for y in years if y.error is None]

    def row(label: str, cells: list[str], style: str = "") -> None:
        table.add_row(Text(label, style=style), *(Text(c, style=style) for c in cells))

    def spanned(y: PlanYear, field: str, cell: str) -> str:
        """The cell, and under it the range where sources disagree."""
        span = _span(ranges, y)
        ends = None if span is None else _ends(y, span)[field]
        return cell if ends is None or ends[0] == ends[1] else f"{cell}\n范围 {money(ends[0])}–{money(ends[1])}"

    row("医保支付(统筹 + 大病/大额)", [spanned(y, "insurance_pays", _cell(None if y.error else y.insurance, y.bound,
                                                                           "insurance")) for y in years])
    row("看病的个人负担", [spanned(y, "person_pays", _cell(None if y.error else y.out_of_pocket, y.bound, "person"))
                       for y in years])
    row("一年的缴费", [_cell(y.contribution.amount) for y in years])
    row("全年总花费", [spanned(y, "total_cost", _cell(y.total_cost)) for y in years], "bold")
    con.print(table)
    if ok and verdict.cheaper and verdict.firm:
        con.print(Text(verdict.why, style="bold green"), soft_wrap=True)
    else:
        con.print(Text(verdict.why, style="bold"), soft_wrap=True)
    said = [contribution_words(y, status) for y in years if y.contribution.amount is not None]
    errors = [f"{PLANS[y.plan]}:{y.error}" for y in years if y.error]
    contribution_warnings = [w for y in years for w in words(y.contribution.warnings)]
    contribution_notes = [n for y in years for n in words(y.contribution.notes)]
    render_lines(con, [*errors, *([verdict.doubt] if verdict.doubt else []),
                       *honesty(book.sources, _contribution_ids(years)), *contribution_warnings,
                       *worded(dict.fromkeys(w for y in years for w in y.warnings)), *warnings],
                 [*range_lines(policy, years, ranges), *settled_lines(policy, years, ranges), *said,
                  *contribution_notes, *notes])
    if explain:
        bills = Table(title="每笔账单", title_justify="left", header_style="bold")
        bills.add_column("行", justify="right")
        bills.add_column("日期", no_wrap=True)
        bills.add_column("总额", justify="right", no_wrap=True)
        for y in years:
            bills.add_column(f"{PLANS[y.plan][:2]}个人负担", justify="right", no_wrap=True)
        lines = list(dict.fromkeys(b.line for y in years for b in y.bills))
        for line in lines:
            hits = [next((b for b in y.bills if b.line == line), None) for y in years]
            first = next(h for h in hits if h is not None)
            bills.add_row(str(line), first.date or "", money(first.total),
                          *("" if h is None else money(h.out_of_pocket) for h in hits))
        con.print(bills)
        numbers = footnotes(_contribution_ids(years))
        render_steps(con, [s for y in years for s in y.contribution.steps], numbers, "缴费怎么算(每条带来源):")
        render_sources(con, book.sources, numbers, quotes=True)
        con.print(Text("报销数字的来源:", style="bold"))
    render_policy_sources(con, policy, plan_ids)
    render_data_file(con, policy)
    con.print(Text(disclaimer(policy), style="italic"))


# ---- estimate --compare plans -------------------------------------------------------------------


def compare_rows(results: Sequence[tuple[str, Breakdown | str]]) -> list[dict[str, Any]]:
    """One row per plan: the breakdown's fields, or the reason the plan could not be estimated."""
    from medins_cli.render.estimate import breakdown_fields

    rows: list[dict[str, Any]] = []
    for plan, result in results:
        if isinstance(result, str):
            rows.append({"plan": plan, "error": result})
        else:
            rows.append({"plan": plan, **breakdown_fields(result), "ratio": result.ratio_note, "bound": result.bound,
                         "critical_illness_name": result.critical_illness_name, "error": None})
    return rows


def render_compare(con: Any, policy: Policy, claim: Claim, results: Sequence[tuple[str, Breakdown | str]],
                   warnings: Sequence[str], source_ids: Sequence[str], notes: Sequence[str]) -> None:
    """``estimate --compare plans``: one bill under 职工医保 and 城乡居民医保, side by side."""
    from rich.table import Table
    from rich.text import Text

    from medins_cli.render.estimate import disclaimer, render_caveat, render_data_file, render_messages, render_sources

    render_caveat(con, policy, source_ids)
    done = [(p, b) for p, b in results if not isinstance(b, str)]
    best = min(done, key=lambda r: r[1].out_of_pocket)[0] if len(done) > 1 else None
    table = Table(title=f"{policy.region.name} · {TIERS[claim.tier]}医院 · 两种参保比较(总额 {money(claim.total)} 元)",
                  title_justify="left", header_style="bold")
    table.add_column("项目")
    for plan, _ in results:
        table.add_column(PLANS[plan], justify="right", no_wrap=True)
    fields = (("起付线", "deductible"), ("比例", None), ("统筹基金", "fund_pay"), ("大病/大额", "critical_illness_pay"),
              ("个人负担", "out_of_pocket"))
    for label, key in fields:
        cells = []
        for plan, b in results:
            if isinstance(b, str):
                cells.append("—")
            elif key is None:
                cells.append(b.ratio_note)
            else:
                value = money(getattr(b, key))
                if key == "fund_pay" and b.bound:
                    value = "至多 " + value
                style = "bold green" if key == "out_of_pocket" and plan == best else ""
                cells.append(Text(value, style=style))  # type: ignore[arg-type]
        table.add_row(label, *cells)
    con.print(table)
    failed = [f"{PLANS[p]}:{b}" for p, b in results if isinstance(b, str)]
    render_messages(con, [*failed, *warnings], [
        "只比较这一张账单;一年的账单加上缴费的比较用 medins plans --bills 文件", *notes])
    render_sources(con, policy, source_ids)
    render_data_file(con, policy)
    con.print(Text(disclaimer(policy), style="italic"))
