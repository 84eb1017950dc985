"""Presenting policy results: the JSON payload of a breakdown, sources, notes, disclaimer.

Payload builders are plain Python; the ``render_*`` functions draw with Rich and import it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable, Mapping

from medins_cli.core.model import Breakdown, Claim, Policy
from medins_cli.core.money import round_fen
from medins_cli.core.names import PLANS, REMOTES, TIERS, VISITS
from medins_cli.render.output import CONFIDENCE, DISCLAIMER, ORIGINS, money, percent, plain_sources

BREAKDOWN_FIELDS = (
    "total", "self_pay", "partial_self_pay", "eligible", "deductible",
    "fund_pay", "critical_illness_pay", "out_of_pocket", "effective_ratio",
)


def breakdown_fields(bd: Breakdown) -> dict[str, Any]:
    """The amounts of a breakdown, each to the fen, and the effective ratio; a payer added by a
    benefit kind (beyond the basic fund and 大病) gets its ``<payer>_pay`` after critical_illness_pay."""
    out = {}
    for f in BREAKDOWN_FIELDS:
        out[f] = getattr(bd, f) if f == "effective_ratio" else round_fen(getattr(bd, f))
        if f == "critical_illness_pay":
            for payer in extra_payers(bd):
                out[f"{payer}_pay"] = round_fen(bd.paid_by(payer))
    return out


def extra_payers(bd: Breakdown) -> list[str]:
    """Payers of this breakdown besides the basic fund and 大病/大额 (from added benefit kinds)."""
    return list(dict.fromkeys(line.payer for line in bd.lines if line.payer not in ("fund", "critical_illness")))


def lines_payload(bd: Breakdown) -> list[dict[str, Any]]:
    return [{"kind": line.kind, "payer": line.payer, "label": line.label, "amount": round_fen(line.amount),
             "sources": list(line.sources)} for line in bd.lines]


def step_payload(step: Any) -> dict[str, Any]:
    """One explanation step; ``figures`` gives each policy figure it used with its source and,
    where another source says otherwise, the alternatives."""
    data = {"key": step.key, "label": step.label, "formula": step.formula, "value": step.value}
    if step.figures:
        data["figures"] = [{"figure": fig.path, "kind": fig.kind, "value": _figure_value(fig.value), "source": fig.source,
                            **({"alternatives": [{"value": _figure_value(a.value), "source": a.source,
                                                  **({"note": a.note} if a.note else {})} for a in fig.alternatives]}
                               if fig.alternatives else {})}
                           for fig in step.figures]
    return data


def _figure_value(value: Any) -> Any:
    """A figure as JSON shows it: bands as [{upto, ratio}], a repeat rule as its fields."""
    if isinstance(value, tuple) and value and hasattr(value[0], "ratio"):
        return [{"upto": b.upto, "ratio": b.ratio} for b in value]
    if hasattr(value, "_asdict"):
        return {k: v for k, v in value._asdict().items() if v not in (None, ())}
    return value


RANGE_FIELDS = ("fund_pay", "critical_illness_pay", "out_of_pocket")


def shows_range(span: Any) -> bool:
    """A range worth showing: another source's reading changes a figure of this bill."""
    return span is not None and any(span.low[f] != span.high[f] for f in RANGE_FIELDS)


def readings_payload(readings: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"figure": v.path, "kind": v.kind, "value": _figure_value(v.value), "source": v.source,
             **({"note": v.note} if v.note else {})} for v in readings]


def range_payload(span: Any) -> dict[str, Any]:
    """``range``: each figure's [lowest, highest] over what the sources say, and the readings behind
    the end where the person pays least (``cheapest``) and most (``dearest``)."""
    data: dict[str, Any] = {f: [round_fen(span.low[f]), round_fen(span.high[f])] for f in RANGE_FIELDS}
    data["cheapest"] = readings_payload(span.cheapest.readings)
    data["dearest"] = readings_payload(span.dearest.readings)
    data["exhaustive"] = span.exhaustive
    return data


def _reading_words(policy: Policy, readings: Iterable[Any]) -> str:
    parts = []
    for v in readings:
        src = policy.sources.get(v.source)
        title = f"「{src.title}」" if src is not None else v.source
        level = CONFIDENCE.get(src.confidence, src.confidence) if src is not None else ""
        parts.append(f"{v.path} 按{title}({level})写作 {_shown(v.value)}")
    return "、".join(parts) if parts else "按数据本身"


def _shown(value: Any) -> str:
    from medins_cli.core.arith import pct

    if isinstance(value, Decimal):
        return pct(value) if value <= 1 else money(value)
    if isinstance(value, tuple) and value and hasattr(value[0], "ratio"):
        return "分段 " + " / ".join(f"≤{money(b.upto)} {pct(b.ratio)}" if b.upto is not None
                                    else f"以上 {pct(b.ratio)}" for b in value)
    if value == "above_cap":
        return "按超过基本统筹封顶线的费用支付"
    if value == "on_burden":
        return "按本年政策内个人负担支付"
    return str(value)


def range_lines(policy: Policy, span: Any) -> list[str]:
    """The two ends in words: what the person pays at each, and which source's figures give it."""
    if not shows_range(span):
        return []
    low, high = span.cheapest, span.dearest
    lines = [f"来源说法不一:个人负担在 {money(low.figures['out_of_pocket'])} 到 {money(high.figures['out_of_pocket'])} 元之间。"
             f"最少 {money(low.figures['out_of_pocket'])}:{_reading_words(policy, low.readings)};"
             f"最多 {money(high.figures['out_of_pocket'])}:{_reading_words(policy, high.readings)}"]
    if not span.exhaustive:
        lines.append("存疑的数字较多,只逐个换用了其他来源的说法,没有试遍所有组合:范围可能更宽")
    return lines


def settled_notes(policy: Policy, span: Any) -> list[str]:
    """A figure the person's own slip gave is used as it is: other sources' figures for it are left out."""
    if span is None or not span.settled:
        return []
    return [f"{v.path} 来自本人结算单(来源 {v.source}),没有按其他来源的说法列出范围" for v in span.settled]


def worded(messages: Iterable[str], origins: Mapping[str, str] | None = None) -> list[str]:
    """The core's warnings in the command line's words (option names); ``origins`` says where a value
    not typed as its option came from (the config, the ledger), so its warning names that place."""
    said = list(messages)
    if not said:
        return said
    from medins_cli.words import CLI, word  # the wording tables: only when there is something to word

    return [word(m, CLI, origins=origins) for m in said]


def sources_payload(policy: Policy, ids: Iterable[str]) -> list[dict[str, Any]]:
    from medins_cli.render.sources import sources_payload as payload

    return payload(policy.sources, ids)


def data_file(policy: Policy) -> dict[str, Any] | None:
    """Which file the figures were read from: ``{"path", "origin"}`` (shipped | user | file)."""
    if policy.file is None:
        return None
    return {"path": policy.file, "origin": policy.origin}


def render_data_file(con: Any, policy: Policy) -> None:
    if policy.file is None:
        return
    from rich.text import Text


    con.print(Text(f"数据文件:{ORIGINS[policy.origin or 'file']} {policy.file}", style="dim"), soft_wrap=True)


def disclaimer(policy: Policy) -> str:
    if policy.region.hotline:
        return f"{DISCLAIMER}咨询:{policy.region.name}医保 {policy.region.hotline}"
    return DISCLAIMER


def region_notes(policy: Policy, claim: Claim, bd: Breakdown) -> list[str]:
    """The region's own notes that concern this estimate: those about no plan and kind in particular,
    or about its plan and a benefit kind it used (a 居民 estimate does not list notes on 职工 data).
    ``medins policy show`` lists them all."""
    used = {line.kind for line in bd.lines} | {claim.visit} | ({"remote"} if claim.remote else set())
    return [n.text for n in policy.notes if n.about(claim.plan, used)]


def breakdown_notes(policy: Policy, claim: Claim, bd: Breakdown, assumptions: Iterable[str] = ()) -> list[str]:
    """What the reader should know, in order: the estimate's assumptions, the notes of the
    policy sections it used, then the region's own notes about this estimate."""
    return list(dict.fromkeys([*assumptions, *bd.notes, *region_notes(policy, claim, bd)]))


def breakdown_payload(policy: Policy, claim: Claim, bd: Breakdown, *, notes: Iterable[str] = (),
                      explain: bool = False, assumptions: Iterable[str] = (), span: Any = None,
                      resolved_from: dict[str, Any] | None = None,
                      origins: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The JSON contract of ``medins estimate --format json`` (``notes`` here are warnings about
    the options; ``assumptions`` go first among the payload's notes; ``resolved_from`` says how a
    place name that is not a region's own was read: :func:`resolved_payload`)."""
    data: dict[str, Any] = {
        "region": policy.region.name,
        "province": policy.region.province,
        "year": policy.label_year,
        "plan": claim.plan,
        "visit": claim.visit,
        "tier": claim.tier,
        "tier_used": bd.tier or claim.tier,
        "retired": claim.retired and claim.plan == "employee",  # as applied: residents have no retiree rules
        "admission": bd.admission,
        "remote": claim.remote,
        "resolved_from": resolved_payload(resolved_from),
    }
    data.update(breakdown_fields(bd))
    data["bound"] = bd.bound
    data["critical_illness_name"] = bd.critical_illness_name
    data["ratio"] = bd.ratio_note
    data["cap_left"] = None if bd.cap_left is None else round_fen(bd.cap_left)
    data["remote_applied"] = bd.remote_applied
    data["limits"] = [{"key": lim.key, "label": lim.label, "used": round_fen(lim.used), "limit": lim.limit}
                      for lim in bd.limits]
    data["data_file"] = data_file(policy)
    data["sources"] = sources_payload(policy, used_sources(bd, span))
    data["warnings"] = breakdown_warnings(policy, bd, notes, origins)
    data["notes"] = breakdown_notes(policy, claim, bd, assumptions) + settled_notes(policy, span)
    if shows_range(span):
        data["range"] = range_payload(span)
    if explain:
        data["steps"] = [step_payload(s) for s in bd.steps]
    data["lines"] = lines_payload(bd)
    data.update(year_fields(policy))
    data["disclaimer"] = disclaimer(policy)
    return data


def year_fields(policy: Policy) -> dict[str, Any]:
    """What ``year`` means: ``year_basis`` (policy | updated | cited) and ``year_label`` in words
    (「数据更新于 2026 年」: the aggregator's update, not the year of the notices it cites)."""
    return {"year_basis": policy.year_basis, "year_label": policy.year_words}


def title(policy: Policy, claim: Claim, tier_used: str | None = None, admission: int = 1) -> str:
    tier = f"{TIERS[claim.tier]}医院"
    if tier_used and tier_used != claim.tier:
        tier += f"(按{TIERS[tier_used]}计)"
    parts = [policy.region.name, PLANS[claim.plan], VISITS[claim.visit], tier]
    if claim.retired and claim.plan == "employee":
        parts.append("退休")
    if claim.visit == "inpatient" and admission > 1:
        parts.append(f"本年第{admission}次住院")
    if claim.remote:
        parts.append(REMOTES[claim.remote])
    return " · ".join(parts) + (f"({policy.year_words})" if policy.year_words else "")


def resolved_payload(resolved: dict[str, Any] | None) -> dict[str, Any] | None:
    """How the region name was read when it was a district, county, old or short name (顺德区):
    ``{"query": "顺德区", "division": "顺德区", "code": "440606"}`` (GB/T 2260); None for a region's
    own name. The one-line note goes to stderr, not here."""
    if not resolved:
        return None
    return {"query": resolved.get("query"), "division": resolved.get("division"), "code": resolved.get("code")}


def plain_breakdown(payload: dict[str, Any]) -> dict[str, Any]:
    """The plain (``key: value``) view of a payload: scalars only, lists joined."""
    later = ("tier_used", "bound", "critical_illness_name")  # added in 0.3: after the 0.2 keys, whose order stays
    out = {k: v for k, v in payload.items()
           if k not in ("data_file", "sources", "steps", "warnings", "notes", "disclaimer", "limits", "lines",
                        "resolved_from", *later, "year_basis", "year_label")}
    out["data_file"] = (payload.get("data_file") or {}).get("path")
    out["data_origin"] = (payload.get("data_file") or {}).get("origin")
    out["sources"] = plain_sources(payload["sources"])
    out["warnings"] = payload["warnings"]
    out.update((k, payload[k]) for k in later)
    out["notes"] = payload["notes"]
    out.update((k, payload[k]) for k in ("year_basis", "year_label"))  # what the year means (added after notes)
    for field, (low, high) in ((f, payload["range"][f]) for f in RANGE_FIELDS if "range" in payload):
        out[f"range.{field}"] = f"{low:.2f}–{high:.2f}"
    return out


def render_sources(con: Any, policy: Policy, ids: Iterable[str]) -> None:
    from rich.table import Table
    from rich.text import Text

    con.print(Text("来源:", style="bold"))
    grid = Table.grid(padding=(0, 1, 0, 0))  # each source wrapped under its own text, never under the mark
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for src in sources_payload(policy, ids):
        line = Text(src["title"])
        line.append(f" [{CONFIDENCE[src['confidence']]}]", style="yellow" if src["confidence"] != "official" else "green")
        if src.get("effective"):
            line.append(f" 生效 {src['effective']}")
        elif src.get("date"):
            line.append(f" 发布 {src['date']}(生效日期未注明)")
        else:
            line.append(" 生效日期未注明")
        if src.get("url"):
            line.append(f" {src['url']}", style="dim")
        grid.add_row("  ·", line)
    con.print(grid)


def render_messages(con: Any, warnings: Iterable[str], notes: Iterable[str] = ()) -> None:
    """Warnings (⚠, yellow) then notes (·, dim), each wrapped under its own text, never under the mark."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for w in warnings:
        grid.add_row("⚠", w, style="yellow")
    for n in notes:
        grid.add_row("·", n, style="dim")
    if grid.row_count:
        con.print(grid)


def render_limits(con: Any, bd: Breakdown) -> None:
    """A bar for each yearly limit: how much of it is used once this bill is paid."""
    if not any(lim.used for lim in bd.limits):
        return
    from rich.bar import Bar
    from rich.cells import cell_len
    from rich.table import Table

    used = [lim for lim in bd.limits if lim.used]  # nothing of a limit used yet: no bar
    amounts = [f"{money(lim.used)} / {money(lim.limit)} 元" for lim in used]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(overflow="fold")  # the label folds; the amounts are never cut
    grid.add_column(width=12)
    grid.add_column(no_wrap=True, justify="right", min_width=max(cell_len(a) for a in amounts))
    for lim, amount in zip(used, amounts, strict=True):
        share = min(lim.used, lim.limit) / lim.limit if lim.limit else 1
        if lim.key == "critical_illness_threshold":  # reaching it is when 大病 starts to pay
            colour = "green" if share >= 1 else "yellow"
        else:  # a cap: red once used up
            colour = "red" if share >= 1 else "green"
        grid.add_row(lim.label, Bar(1, 0, float(share), color=colour), amount)
    con.print(grid)


#: How a source from the public aggregator is recognised (its title, url or publisher names it).
AGGREGATOR = "china-medical-insurance"
AGGREGATOR_CAVEAT = "公开聚合项目的数字,未对照官方文件核实;与别处网页一致:首次 196/270,新近仅 31/92"  # fits 80 columns
#: When a figure used comes from a table the aggregator repeats for cities in other provinces.
PLACEHOLDER_CAVEAT = "疑似占位:这张表与外省城市的完全相同(公开聚合项目),未对照官方文件核实"  # fits 80 columns
_WEAK = ("unverified", "placeholder")


def breakdown_warnings(policy: Policy, bd: Breakdown, notes: Iterable[str] = (),
                       origins: Mapping[str, str] | None = None) -> list[str]:
    """An estimate's warnings in every format: placeholder tables first, then the core's (worded
    after where each value came from), then those about the options."""
    return placeholder_warnings(policy, bd.sources) + worded(bd.warnings, origins) + list(notes)


def placeholder_warnings(policy: Policy, source_ids: Iterable[str]) -> list[str]:
    """One warning for each placeholder table the figures used came from (shown first): which table,
    and how many cities in how many provinces share it, as the data file says."""
    from medins_cli.core.benefits import kind as kind_of

    out = []
    for sid in dict.fromkeys(source_ids):
        src = policy.sources.get(sid)
        if src is None or src.confidence != "placeholder":
            continue
        said = (src.note or "").split(":如")[0].split("。")[0] or "与外省城市的表完全相同,很可能是聚合项目的占位数字"
        section = next((s for s in policy.sections if s.source == sid), None)
        what = ""
        if section is not None:
            k = kind_of(section.kind)
            what = f"{PLANS.get(section.plan, section.plan)}{k.label if k is not None else section.kind}的数字"
        out.append(f"疑似占位:{what}{said}(可信度 placeholder,可用 --min-confidence unverified 拒绝)")
    return out


def aggregator_caveat(policy: Policy, source_ids: Iterable[str]) -> str | None:
    """One line for the top of a table when every figure used comes from unverified (or placeholder)
    sources and the aggregator is among them (what it is, and how far it held up when checked), else
    None. A placeholder table gets the stronger line."""
    sources = [policy.sources[sid] for sid in dict.fromkeys(source_ids) if sid in policy.sources]
    if not sources or any(src.confidence not in _WEAK for src in sources):
        return None
    if not any(AGGREGATOR in " ".join(filter(None, (src.title, src.url, src.publisher))) for src in sources):
        return None
    return PLACEHOLDER_CAVEAT if any(src.confidence == "placeholder" for src in sources) else AGGREGATOR_CAVEAT


def render_caveat(con: Any, policy: Policy, source_ids: Iterable[str]) -> None:
    from rich.text import Text

    line = aggregator_caveat(policy, source_ids)
    if line:
        con.print(Text(f"⚠ {line}", style="yellow"))


def render_breakdown(con: Any, policy: Policy, claim: Claim, bd: Breakdown, *, explain: bool,
                     notes: Iterable[str] = (), assumptions: Iterable[str] = (), span: Any = None,
                     origins: Mapping[str, str] | None = None) -> None:
    """The Rich table of one estimate, with explanation, sources and the disclaimer."""
    from rich.table import Table
    from rich.text import Text

    render_caveat(con, policy, bd.sources)

    inpatient = claim.visit == "inpatient"
    table = Table(title=title(policy, claim, bd.tier, bd.admission), show_header=True, header_style="bold",
                  title_justify="left")
    table.add_column("项目")
    table.add_column("金额(元)", justify="right")
    table.add_column("说明", style="dim")
    table.add_row("费用总额", money(bd.total), "")
    if bd.self_pay:
        table.add_row("  全自费(目录外)", money(bd.self_pay), "个人全额负担")
    if bd.partial_self_pay:
        table.add_row("  乙类先行自付", money(bd.partial_self_pay), "个人先付")
    table.add_row("政策范围内费用", money(bd.eligible), "总额 − 全自费 − 乙类先行自付")
    label = "起付线" if inpatient else "门诊起付线(本年剩余)"
    table.add_row(label, money(bd.deductible), "先由个人负担")
    table.add_row("报销比例", bd.ratio_note, bd.remote_applied or "")
    upto = "至多 " if bd.bound == "upper" else ""  # data lacks a figure that would lower it: say it is a bound
    ranged = shows_range(span)

    def amount(field: str, value: Decimal, prefix: str = "") -> str:
        if ranged and span.low[field] != span.high[field]:
            return f"{prefix}{money(span.low[field])}–{money(span.high[field])}"
        return prefix + money(value)

    def point(field: str, value: Decimal, why: str) -> str:
        said = f"数据 {money(value)}" if ranged and span.low[field] != span.high[field] else ""
        return ";".join(w for w in (said, why) if w)

    table.add_row(Text("统筹基金支付", style="bold green"), Text(amount("fund_pay", bd.fund_pay, upto), style="bold green"),
                  point("fund_pay", bd.fund_pay,
                        f"年度封顶剩余 {money(bd.cap_left)}" if bd.cap_left is not None else ""))
    if inpatient:
        table.add_row(Text(bd.critical_illness_name, style="green"),
                      Text(amount("critical_illness_pay", bd.critical_illness_pay), style="green"),
                      point("critical_illness_pay", bd.critical_illness_pay, ""))
    for line in bd.lines:  # payers added by other benefit kinds
        if line.payer not in ("fund", "critical_illness"):
            table.add_row(Text(line.label, style="green"), Text(money(line.amount), style="green"), "")
    ranged_oop = ranged and span.low["out_of_pocket"] != span.high["out_of_pocket"]
    table.add_row(Text("个人负担", style="bold red"),
                  Text(amount("out_of_pocket", bd.out_of_pocket, "至少 " if upto else ""), style="bold red"),
                  point("out_of_pocket", bd.out_of_pocket,
                        "" if ranged_oop else "含全自费、乙类先行自付、起付线和自付部分"))
    others = "".join(f" + {line.label}" for line in bd.lines if line.payer not in ("fund", "critical_illness"))
    table.add_row("实际报销比例", percent(bd.effective_ratio),
                  f"(统筹 + {bd.critical_illness_name}{others}) ÷ 总额" if inpatient else f"(统筹{others}) ÷ 总额"
                  if others else "统筹 ÷ 总额")
    con.print(table)
    render_limits(con, bd)
    if ranged:
        render_messages(con, [], range_lines(policy, span))
    if explain:
        con.print(Text("计算过程:", style="bold"))
        for i, step in enumerate(bd.steps, 1):
            value = "" if step.value is None else f" = {step.value}"
            con.print(f"  {i}. {step.label}:{step.formula}{value}", highlight=False)
    own = region_notes(policy, claim, bd) if explain else []
    render_messages(con, breakdown_warnings(policy, bd, notes, origins),
                    [*dict.fromkeys([*assumptions, *bd.notes]), *settled_notes(policy, span), *own])
    render_sources(con, policy, used_sources(bd, span))
    render_data_file(con, policy)
    con.print(Text(disclaimer(policy), style="italic"))


def used_sources(bd: Breakdown, span: Any) -> list[str]:
    """The sources of the figures used, then those of the other readings a range shows."""
    extra = [v.source for v in span.varied] if shows_range(span) else []
    return list(dict.fromkeys([*bd.sources, *extra]))


def render_compare(con: Any, policy: Policy, claim: Claim, results: list[tuple[str, Breakdown]],
                   warnings: Iterable[str], source_ids: Iterable[str], notes: Iterable[str] = ()) -> None:
    """``estimate --compare tiers``: one row per hospital tier, the cheapest highlighted.

    Money is never cut: amounts keep their full width and their headers fold instead; when the
    terminal is too narrow even so, the less important columns are left out (and named below the
    table), never the tier, 统筹基金 or 个人负担."""
    from rich.table import Table
    from rich.text import Text

    render_caveat(con, policy, source_ids)
    best = min(results, key=lambda r: r[1].out_of_pocket)[0]
    cells = {
        "医院等级": [TIERS[tier] for tier, _ in results],
        "起付线": [money(b.deductible) for _, b in results],
        "比例": [b.ratio_note for _, b in results],
        "统筹基金": [("至多 " if b.bound else "") + money(b.fund_pay) for _, b in results],
        "大病保险": [money(b.critical_illness_pay) for _, b in results],
        "个人负担": [money(b.out_of_pocket) for _, b in results],
        "实际报销比例": [percent(b.effective_ratio) for _, b in results],
    }
    widths, dropped = _compare_layout(cells, con.width)
    table = Table(title=f"{title(policy, claim).split(' · ')[0]} · 各级医院比较(总额 {money(claim.total)} 元)",
                  title_justify="left")
    label = {"大病保险": results[0][1].critical_illness_name if results else "大病保险"}  # 大额医疗补助 for employees
    shown = [head for head in cells if head not in dropped]
    for head in shown:
        text_column = head in _COMPARE_TEXT
        table.add_column(label.get(head, head), justify="left" if text_column else "right", overflow="fold",
                         width=widths.get(head), no_wrap=not text_column and head not in widths)
    for i, (tier, _) in enumerate(results):
        style = "bold green" if tier == best else ""
        row = [Text(cells[head][i], style=style if head in ("医院等级", "个人负担") else "") for head in shown]
        table.add_row(*row)
    con.print(table)
    if dropped:
        zero = [h for h in dropped if h == "大病保险" and all(c == money(Decimal(0)) for c in cells[h])]
        said = [f"{label.get(h, h)}(各级均为 0.00)" if h in zero else label.get(h, h) for h in dropped]
        con.print(Text(f"终端较窄,未显示:{'、'.join(said)};加宽终端,或用 --format csv / json 查看全部", style="dim"))
    render_messages(con, warnings, notes)
    render_sources(con, policy, source_ids)
    render_data_file(con, policy)
    con.print(Text(disclaimer(policy), style="italic"))


_COMPARE_TEXT = ("医院等级", "比例")  # may fold inside a cell; every other column is an amount or a percentage
_COMPARE_MIN_TEXT = {"医院等级": 4, "比例": 5}


def _compare_layout(cells: dict[str, list[str]], width: int) -> tuple[dict[str, int], list[str]]:
    """Column widths for a terminal ``width`` (empty when everything fits as Rich would lay it out)
    and the columns to leave out. Amounts keep the width of their longest value (the header folds);
    text columns may shrink to a few cells; columns are dropped in a fixed order until it fits."""
    from rich.cells import cell_len

    def natural(head: str) -> int:
        return max(cell_len(head), *(cell_len(c) for c in cells[head]))

    def amount(head: str) -> int:
        return max(cell_len(c) for c in cells[head])

    def borders(n: int) -> int:
        return 3 * n + 1  # "│ " + " │" per column, shared

    if sum(natural(h) for h in cells) + borders(len(cells)) <= width:
        return {}, []
    zero_illness = all(c == money(Decimal(0)) for c in cells["大病保险"])
    order = (["大病保险"] if zero_illness else []) + ["起付线", "实际报销比例", "比例", "大病保险"]
    dropped: list[str] = []
    while True:
        shown = [h for h in cells if h not in dropped]
        widths = {h: amount(h) for h in shown if h not in _COMPARE_TEXT}
        room = width - borders(len(shown)) - sum(widths.values())
        texts = [h for h in shown if h in _COMPARE_TEXT]
        if room >= sum(_COMPARE_MIN_TEXT[h] for h in texts) or not any(h not in dropped for h in order):
            break
        dropped.append(next(h for h in order if h not in dropped))
    for head in texts:  # share what is left, the narrowest first
        others = sum(_COMPARE_MIN_TEXT[h] for h in texts if h != head and h not in widths)
        widths[head] = max(_COMPARE_MIN_TEXT[head], min(natural(head), room - others))
        room -= widths[head]
    return widths, dropped
