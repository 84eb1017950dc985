"""Drawing the guide commands (checklist, transfer-guide, balance).

One neutral document model (:class:`Doc` of :class:`Section` of :class:`Entry`) is built from a
command's JSON payload, then rendered as a Rich list (boxes, numbered steps), Markdown or plain
text, so the three commands never draw anything themselves. Every entry carries its source id;
sources are numbered in order of first use and listed at the end. Writing the result to stdout or
to an ``--output`` file is the command's job (:mod:`medins_cli.commands.env`).

Rich is imported only by :func:`print_rich`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable

from medins_cli.render.output import CONFIDENCE, json_text, money

#: How a document is to be brought (a checklist item's ``form``), in words.
FORMS = {
    "original": "原件",
    "copy": "复印件",
    "original+copy": "原件+复印件",
    "electronic": "电子",
    "any": "原件/复印件未注明",
}


@dataclass
class Entry:
    text: str
    source: str | None = None
    tags: tuple[str, ...] = ()
    detail: str | None = None
    region: str | None = None  # set when the entry comes from a region's own rule
    sub: tuple[str, ...] = ()  # extra lines under the entry (what to bring, channel, duration)
    style: str | None = None  # this entry's mark when not its section's (a note among boxes is a bullet)


@dataclass
class Section:
    title: str
    style: str = "bullets"  # boxes | steps | bullets | table
    entries: list[Entry] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # table: label, value, note[, source id]
    emphasis: bool = False
    strong: tuple[int, ...] = ()  # table: the rows (by index) to set in bold, e.g. the reader's own case


@dataclass
class Doc:
    title: str
    summary: str | None = None
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)

    def add(self, title: str, entries: Iterable[Entry], style: str = "bullets", emphasis: bool = False) -> None:
        items = list(entries)
        if items:
            self.sections.append(Section(title, style, items, emphasis=emphasis))

    def numbers(self) -> dict[str, int]:
        """Source id → its number: cited ones in order of first use, then any other listed source."""
        order: list[str] = []
        for sec in self.sections:
            order += [r[3] for r in sec.rows if len(r) > 3 and r[3]]
            order += [e.source for e in sec.entries if e.source]
        order += [str(src["id"]) for src in self.sources]
        known = {str(src["id"]) for src in self.sources}
        return {sid: i for i, sid in enumerate((s for s in dict.fromkeys(order) if s in known), 1)}

    def legend(self) -> list[tuple[int, dict[str, Any]]]:
        by_id = {str(s["id"]): s for s in self.sources}
        return [(n, by_id[sid]) for sid, n in self.numbers().items()]


def texts(rows: Iterable[dict[str, Any]], region_key: str = "region") -> list[Entry]:
    """Sourced sentences ({text, source[, region]}) as entries."""
    return [Entry(r["text"], r.get("source"), region=r.get(region_key)) for r in rows]


def source_label(src: dict[str, Any], *, url: bool = True) -> str:
    parts = [str(src["title"])]
    if src.get("date"):
        parts.append(str(src["date"]))
    parts.append(CONFIDENCE.get(str(src.get("confidence")), str(src.get("confidence"))))
    if url and src.get("url"):
        parts.append(str(src["url"]))
    return " · ".join(parts)


def _legend_text(src: dict[str, Any]) -> str:
    """A source in the terminal's legend: its URL (one long word) on a line of its own, so that the
    wrapping never leaves a lone "·" before it."""
    return source_label(src, url=False) + (f"\n{src['url']}" if src.get("url") else "")


# ---- text renderers ----------------------------------------------------------------------


def _line(e: Entry, nums: dict[str, int], strong: bool = False) -> str:
    head = f"〔{e.region}〕" if e.region else ""
    name = f"**{e.text}**" if strong else e.text
    tags = f"({' · '.join(e.tags)})" if e.tags else ""
    detail = f":{e.detail}" if e.detail else ""
    ref = f" [{nums[e.source]}]" if e.source in nums else ""
    return f"{head}{name}{tags}{detail}{ref}"


def _rows(sec: Section, nums: dict[str, int]) -> list[tuple[str, str, str]]:
    """Table rows with the source number appended to the note."""
    out = []
    for row in sec.rows:
        label, value, text = row[0], row[1], row[2]
        if len(row) > 3 and row[3] in nums:
            text = f"{text} [{nums[row[3]]}]".strip()
        out.append((label, value, text))
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _entry_lines(sec: Section, nums: dict[str, int], *, strong: bool, sub: str) -> list[str]:
    """A section's entries as text lines: `- [ ]` boxes, numbered steps or `-` bullets."""
    out: list[str] = []
    for i, e in enumerate(sec.entries, 1):
        style = e.style or sec.style
        if style == "boxes":
            out.append(f"- [ ] {_line(e, nums, strong=strong)}")
        elif style == "steps":
            out.append(f"{i}. {_line(e, nums)}")
        else:
            out.append(f"- {_line(e, nums)}")
        out += [f"{sub}{s}" for s in e.sub]
    return out


def _strong(text: str, on: bool) -> str:
    return f"**{text}**" if on and text else text


def to_markdown(doc: Doc) -> str:
    """A Markdown version ready to print or paste: `- [ ]` boxes, numbered steps, sources."""
    nums = doc.numbers()
    out = [f"# {doc.title}", ""]
    if doc.summary:
        out += [doc.summary, ""]
    for w in doc.warnings:
        out += [f"> ⚠ {w}", ""]
    for sec in doc.sections:
        out += [f"## {sec.title}", ""]
        if sec.style == "table":
            out += ["| 项目 | 金额(元) | 说明 |", "|---|---:|---|"]
            out += [f"| {_strong(_cell(a), i in sec.strong)} | {_strong(_cell(b), i in sec.strong)} | {_cell(c)} |"
                    for i, (a, b, c) in enumerate(_rows(sec, nums))]
        out += _entry_lines(sec, nums, strong=True, sub="    - ")
        out.append("")
    legend = doc.legend()
    if legend:
        out += ["## 来源", ""]
        out += [f"{n}. {source_label(src)}" for n, src in legend]
        out.append("")
    out += [f"> {line}" for line in doc.footer]
    return "\n".join(out).rstrip("\n") + "\n"


def to_plain(doc: Doc) -> str:
    """Plain text (no markup) with the same `- [ ]` boxes and numbered steps."""
    nums = doc.numbers()
    out = [doc.title, ""]
    if doc.summary:
        out += [doc.summary, ""]
    for w in doc.warnings:
        out.append(f"注意:{w}")
    if doc.warnings:
        out.append("")
    for sec in doc.sections:
        out.append(f"【{sec.title}】")
        for a, b, c in _rows(sec, nums):
            out.append(f"{a}:{b}" + (f"({c})" if c else ""))
        out += _entry_lines(sec, nums, strong=False, sub="    ")
        out.append("")
    legend = doc.legend()
    if legend:
        out.append("【来源】")
        out += [f"[{n}] {source_label(src)}" for n, src in legend]
        out.append("")
    out += list(doc.footer)
    return "\n".join(out).rstrip("\n") + "\n"


def print_rich(doc: Doc) -> None:
    """The terminal view: a Rich list with ☐ boxes and numbered steps; tables for money.

    Entries are rows of a two-column grid: the mark (☐, ·, 1.) in a column that never wraps, the
    text in a column Rich wraps and folds (Chinese has no spaces to wrap at), so a mark never stands
    alone and a wrapped line stays indented under its text. The source number is attached to the
    last word, so it never wraps onto a line of its own."""
    from rich.padding import Padding
    from rich.text import Text

    from medins_cli.render.output import console

    con = console()
    nums = doc.numbers()
    con.print(Text(doc.title, style="bold"))
    if doc.summary:
        con.print(Text(doc.summary))
    if doc.warnings:
        con.print(_hanging([(Text("⚠ ", style="yellow"), Text(w, style="yellow")) for w in doc.warnings]))
    for sec in doc.sections:
        con.print()
        con.print(Text(sec.title, style="bold red" if sec.emphasis else "bold underline"))
        if sec.style == "table":
            con.print(_money_table(_rows(sec, nums), sec.strong))
        rows: list[tuple[Any, Any]] = []
        for i, e in enumerate(sec.entries, 1):
            style = e.style or sec.style
            mark = {"boxes": "☐ ", "steps": f"{i}. "}.get(style, "· ")
            rows.append((Text(f"  {mark}"), _entry_text(e, style, nums)))
            rows += [(Text(""), Padding(Text(s, style="dim"), (0, 0, 0, 2))) for s in e.sub]
        if rows:
            con.print(_hanging(rows))
    legend = doc.legend()
    if legend:
        con.print()
        con.print(Text("来源:", style="bold"))
        con.print(_hanging([(Text(f"  [{n}] "), Text(_legend_text(src), style="green" if src.get("confidence") ==
                                                           "official" else "yellow")) for n, src in legend]))
    for footer in doc.footer:
        con.print(Text(footer, style="italic"))


def _entry_text(e: Entry, style: str, nums: dict[str, int]) -> Any:
    from rich.text import Text

    line = Text()
    if e.region:
        line.append(f"〔{e.region}〕", style="cyan")
    line.append(e.text, style="bold" if style == "boxes" else "")
    if e.tags:
        required = e.tags[0] == "必需"
        line.append(f"({' · '.join(e.tags)})", style="green" if required else "dim")
    if e.detail:
        line.append(f" — {e.detail}")
    if e.source in nums:
        line.append(f"[{nums[e.source]}]", style="dim")
    return line


def _hanging(rows: list[tuple[Any, Any]], con: Any = None) -> Any:
    """Rows of (mark, text) with a hanging indent: Rich's own wrapping, in a grid."""
    from rich.table import Table

    from medins_cli.render.output import console

    con = con or console()
    width = con.width - max((m.cell_len for m, _ in rows), default=0)
    grid = Table.grid()
    grid.add_column(no_wrap=True)  # the mark stays with the first line of its text
    grid.add_column(overflow="fold")  # the text wraps (and long Chinese runs fold) under itself
    for mark, body in rows:
        grid.add_row(mark, _keep_ref_company(body, con, width))
    return grid


_REF = re.compile(r"\[\d+\]$")
_CLOSING = set(")）]】》」』”’,，.。、;；:：!！?？")


def _keep_ref_company(body: Any, con: Any, width: int) -> Any:
    """The source number ([3]) ends an entry's text. When Rich folds a long Chinese run at the
    column edge, the number (or a closing bracket before it) can land at the start of the last
    line, or be split itself ("…[" / "3]"). Ask Rich how it wraps the text and, if so, break a
    little earlier so the last line carries at least two characters of text and does not start
    with closing punctuation, as a typesetter would. Everything else is Rich's wrapping."""
    from rich.text import Text

    plain = body.plain if isinstance(body, Text) else ""
    ref = _REF.search(plain)
    if ref is None or width <= 8:
        return body
    lines = body.wrap(con, width, overflow="fold")
    if len(lines) < 2:
        return body
    start = sum(len(line.plain) for line in lines[:-1])  # where Rich starts the last line
    if start < ref.start() - 1 and plain[start] not in _CLOSING:
        return body
    cut = min(start, ref.start()) - 2
    while cut > 0 and plain[cut] in _CLOSING:
        cut -= 1
    previous = sum(len(line.plain) for line in lines[:-2])
    if cut <= previous:
        return body
    return body[:cut] + Text("\n") + body[cut:]


def _money_table(rows: list[tuple[str, str, str]], strong: tuple[int, ...] = ()) -> Any:
    """项目 | 金额 | 说明: amounts are never wrapped or cut; labels and notes fold; ``strong`` rows in bold."""
    from rich.table import Table

    table = Table(show_header=True, header_style="bold")
    table.add_column("项目", overflow="fold")
    table.add_column("金额(元)", justify="right", no_wrap=True)
    table.add_column("说明", style="dim", overflow="fold")
    for i, (a, b, c) in enumerate(rows):
        table.add_row(a, b, c, style="bold" if i in strong else None)
    return table


# ---- the text of a document ------------------------------------------------------------


def document_text(payload: Any, build: Callable[[Any], Doc], form: str) -> str:
    """The payload as json, or its document as markdown or plain text (``table`` is drawn by
    :func:`print_rich`, never turned into text)."""
    if form == "json":
        return json_text(payload)
    if form == "markdown":
        return to_markdown(build(payload))
    return to_plain(build(payload))


# ---- documents built from the payloads ---------------------------------------------------


def _item_entry(item: dict[str, Any]) -> Entry:
    tags = ("必需" if item["required"] else "可选", FORMS[item["form"]])
    return Entry(item["name"], item["source"], tags=tags, detail=item.get("note"), region=item.get("region"))


def _labelled(label: str, value: dict[str, Any] | None) -> list[Entry]:
    return [] if value is None else [Entry(f"{label}:{value['text']}", value["source"])]


def checklist_doc(p: dict[str, Any]) -> Doc:
    where = f"({p['region']['name']})" if p.get("region") else ""
    doc = Doc(f"{p['name']} · 材料清单{where}", p["summary"], warnings=list(p["warnings"]),
              sources=p["sources"], footer=[p["disclaimer"]])
    doc.add("什么时候用", texts(p["when"]))
    doc.add("要带的材料", [_item_entry(i) for i in p["items"]], "boxes")
    for part in p.get("parts", ()):  # only in one situation: a child's claim, an agent, care out of the area
        doc.add(part["title"], [_item_entry(i) for i in part["items"]]
                + [Entry(n["text"], n["source"], style="bullets") for n in part["notes"]], "boxes")
    doc.add("交到哪里、期限、到账",
            _labelled("交到", p["submit"]) + _labelled("期限", p["deadline"]) + _labelled("到账", p["payment_time"]))
    doc.add("步骤", texts(p["steps"]), "steps")
    doc.add("注意", texts(p["notes"]))
    doc.add(EXAMPLES_TITLE, texts(p.get("examples", [])))
    return doc


#: The section of other places' practice, each line labelled 「以…为例」.
EXAMPLES_TITLE = "其他地方的做法(仅作参考)"


def scenario_list_doc(rows: list[dict[str, Any]]) -> Doc:
    doc = Doc("可用的清单场景", "用法:medins checklist 场景名(也可用别名或拼音,如 住院报销、zhuyuan)")
    doc.add("场景", [Entry(r["name"], detail=r["summary"],
                          sub=(f"别名:{'、'.join(r['aliases'][:6])}",) if r["aliases"] else ()) for r in rows])
    return doc


def _role(n: dict[str, Any]) -> str | None:
    role = {"from": "转出", "to": "转入"}.get(n.get("role", "any"))
    return f"{n['region']}·{role}" if role else n["region"]


def transfer_doc(p: dict[str, Any]) -> Doc:
    a = p["from"]["name"] if p.get("from") else "原参保地"
    b = p["to"]["name"] if p.get("to") else "新参保地"
    doc = Doc(f"医保关系转移接续:{a} → {b}", "换城市参保后,把医保关系和个人账户余额转到新参保地",
              warnings=list(p["warnings"]), sources=p["sources"], footer=[p["disclaimer"]])
    resident = p.get("plan") == "resident"
    if resident:
        doc.add(RESIDENT_TITLE, texts(p["resident_notes"]), emphasis=True)
    doc.add("先确认条件", texts(p["conditions"]))
    steps = []
    for s in p["steps"]:
        sub = []
        if s["bring"]:
            sub.append(f"带:{'、'.join(s['bring'])}")
        if s["channel"]:
            sub.append(f"渠道:{s['channel']}")
        if s["duration"]:
            sub.append(f"时长:{s['duration']}")
        steps.append(Entry(f"【{s['actor_label']}】{s['title']}:{s['text']}", s["source"], sub=tuple(sub)))
    doc.add("办理步骤(谁来办)", steps, "steps")
    doc.add("个人账户余额怎么办", texts(p["balance"]))
    doc.add("两地的特别规定", [Entry(n["text"], n["source"], region=_role(n)) for n in p["region_notes"]],
            emphasis=True)
    doc.add(EXAMPLES_TITLE, texts(p["examples"]))
    if not resident:
        doc.add(RESIDENT_TITLE, texts(p["resident_notes"]))
    doc.add("注意", texts(p["notes"]))
    return doc


RESIDENT_TITLE = "城乡居民医保换城市"


_SCOPES = {"in_province": "省内异地", "cross_province": "跨省异地", "same_region": "同一地区"}


def filing_doc(p: dict[str, Any]) -> Doc:
    parts = []
    if p.get("region"):
        parts.append(f"{p['region']['name']}参保")
    if p.get("to"):
        parts.append(f"到{p['to']['name']}就医")
    if p.get("scope"):
        parts.append(_SCOPES[p["scope"]])
    where = f"({','.join(parts)})" if parts else ""
    cost = p.get("cost")
    sources = list(p["sources"])
    if cost and cost.get("known"):
        seen = {s["id"] for s in sources}
        sources += [s for s in cost["sources"] if s["id"] not in seen]
    doc = Doc(f"异地就医备案{where}", "到参保地以外就医前先办备案,备案后在就医地定点医院一般可直接结算",
              warnings=list(p["warnings"]), sources=sources, footer=[p["disclaimer"]])
    if p["region_notes"]:
        province = (p.get("region") or {}).get("province") or (p.get("region") or {}).get("name", "")
        doc.add(f"{province}的规定", texts(p["region_notes"]), emphasis=True)
    doc.add("备案类型", [Entry(f"{t['name']}:{'、'.join(k['name'] for k in t['kinds'])}", t["source"],
                               detail=t.get("note"),
                               sub=tuple(f"{k['name']}:{k['note']}" for k in t["kinds"] if k.get("note")))
                         for t in p["types"]])
    doc.add("在哪办", texts(p["channels"]))
    doc.add("办理步骤", texts(p["steps"]), "steps")
    doc.add("不备案会怎样", texts(p["unfiled"]))
    doc.add(EXAMPLES_TITLE, texts(p["examples"]))
    if cost is not None:
        doc.sections.append(_cost_section(cost))
    doc.add("在外地用个人账户", texts(p["account"]))
    doc.add("注意", texts(p["notes"]))
    if cost and cost.get("disclaimer"):
        doc.footer.insert(0, cost["disclaimer"])
    return doc


#: The ways out-of-area care is settled, as the filing comparison names them (each is also a word
#: --remote accepts: core.names.ACCEPTED).
REMOTE_ROWS = {"filed": "已备案", "transfer": "转诊备案", "unfiled": "未备案", "emergency": "急诊抢救(未备案)"}
YOURS = "(你的情况)"


def _cost_section(cost: dict[str, Any]) -> Section:
    title = f"不备案的代价:这笔 {money(Decimal(str(cost['amount'])))} 元的账单"
    if not cost["known"]:
        return Section(title, entries=[Entry(f"无法估算:{cost['reason']}")], emphasis=True)
    yours = cost.get("yours")
    rows: list[tuple[Any, ...]] = []
    strong: list[int] = []
    for key in sorted(REMOTE_ROWS, key=lambda k: k != yours):  # the person's own way first
        part = cost.get(key)
        if part is None:
            continue
        label = REMOTE_ROWS[key] + (YOURS if key == yours else "")
        if key == yours:
            strong += [len(rows), len(rows) + 1]
        upper = part.get("bound") == "upper"  # the data has no rule for this way: the local ratio, a bound
        rows.append((f"{label}:医保支付", ("至多 " if upper else "") + money(part["fund_pay"] + part["critical_illness_pay"]),
                     part["ratio"], str(cost["sources"][0]["id"]) if cost.get("sources") else None))
        rows.append((f"{label}:个人负担", ("至少 " if upper else "") + money(part["out_of_pocket"]),
                     part.get("remote_applied") or ("数据没有这一项的规则,按本地比例" if upper else "")))
    basis = cost.get("extra_cost_basis") or "filed"
    upper = (cost.get(basis) or {}).get("bound") == "upper"
    rows.append(("不备案多付", ("至多 " if upper else "") + money(cost["extra_cost"]),
                 f"未备案个人负担 − {REMOTE_ROWS[basis]}个人负担"))
    sec = Section(title, "table", rows=rows, emphasis=True, strong=tuple(strong))
    sec.entries = [Entry(w) for w in (*cost.get("warnings", []), *cost.get("notes", []))]
    return sec


def balance_doc(p: dict[str, Any]) -> Doc:
    """The info page (no amount) or the who-pays-what split (with --amount)."""
    if p["mode"] == "split":
        return _split_doc(p)
    region = p.get("region")
    title = "医保个人账户" + (f"({region['name']})" if region else "")
    doc = Doc(title, "职工医保给个人设立的专用资金:能付什么、钱从哪来、怎么查、不够怎么办",
              warnings=list(p["warnings"]), sources=p["sources"], footer=[p["disclaimer"]])
    if not p["has_account"]:
        doc.add("城乡居民医保没有个人账户", texts(p["resident_notes"]), emphasis=True)
    if p.get("focus") == "remote":
        doc.add("在外地使用个人账户", texts(p["remote_notes"]), emphasis=True)
    doc.add("能付什么", texts(p["uses"]))
    doc.add("钱从哪里来", texts(p["funding"]))
    doc.add("特点", texts(p["properties"]))
    doc.add("怎么查余额", [Entry(f"{c['channel']}:{c['path']}", c["source"]) for c in p["check"]])
    doc.add("余额不够怎么办", texts(p["shortfall"]) + _options(p["options"]))
    if p.get("focus") != "remote":
        doc.add("在外地使用个人账户", texts(p["remote_notes"]))
    if p["has_account"]:
        doc.add("城乡居民医保", texts(p["resident_notes"]))
    doc.add("停缴期间", texts(p["suspension"]))
    doc.add(f"{region['name'] if region else ''}的特别规定", texts(p["region_notes"]), emphasis=True)
    if p.get("projection"):
        doc.sections.append(_projection_section(p["projection"]))
    return doc


def _options(options: list[dict[str, Any]]) -> list[Entry]:
    return [Entry(f"{o['title']}:{o['text']}", o["source"],
                  sub=tuple(f"{i}. {s}" for i, s in enumerate(o["steps"], 1))) for o in options]


def _projection_section(pr: dict[str, Any]) -> Section:
    title = "每月划入个人账户(估算)"
    if not pr["known"]:
        return Section(title, entries=[Entry(pr["text"], pr.get("source"))])
    rows: list[tuple[Any, ...]] = []
    if pr.get("salary") is not None:
        rows.append(("缴费基数(月)", money(Decimal(str(pr["salary"]))), ""))
        rows.append(("划入比例", f"{(Decimal(str(pr['rate'])) * 100).normalize():f}%", ""))
    rows.append(("每月划入", money(Decimal(str(pr["monthly"]))), ""))
    rows.append((f"{pr['months']} 个月合计", money(Decimal(str(pr["total"]))), "不计支出"))
    sec = Section(title, "table", rows=rows)
    sec.entries = [Entry(pr["text"], pr.get("source"))]
    return sec


def _first_source(estimate: dict[str, Any]) -> str | None:
    return str(estimate["sources"][0]["id"]) if estimate.get("sources") else None


def _split_doc(p: dict[str, Any]) -> Doc:
    from medins_cli.core.names import PLANS, TIERS, VISITS

    def m(key: str) -> str:
        return money(Decimal(str(p[key])))

    title = (f"{p['region']} · {PLANS[p['plan']]} · {VISITS[p['visit']]} · {TIERS[p['tier']]}医院:"
             f"{m('total')} 元由谁付")
    doc = Doc(title, warnings=list(p["warnings"]), sources=p["sources"], footer=[p["disclaimer"]])
    account_note = f"余额 {money(Decimal(str(p['balance'])))}" if p["account_allowed"] else p["account_reason"]
    self_pay = Decimal(str(p.get("self_pay") or 0))
    if self_pay and (p["account_allowed"] or p["family_allowed"]):
        account_note = ";".join(filter(None, [account_note, f"账户只付政策范围内的 {m('account_payable')}"]))
    cash_note = "现金、银行卡、微信、支付宝等" + (f";含全自费(目录外) {money(self_pay)}" if self_pay else "")
    rows = [
        ("统筹基金支付", m("fund_pay"), f"报销比例 {p['estimate']['ratio']}", _first_source(p["estimate"])),
        ("大病保险", m("critical_illness_pay"), ""),
        ("个人账户支付", m("account_pay"), account_note or ""),
        ("家庭共济支付", m("family_pay"), f"可用 {money(Decimal(str(p['family'])))}" if p["family_allowed"] else
         (p.get("family_reason") or p["account_reason"] or "")),
        ("现金等自付", m("cash_pay"), cash_note),
        ("合计", m("total"), "以上各项之和"),
    ]
    doc.sections.append(Section("谁付多少", "table", rows=rows))
    doc.add("余额不够时怎么办" if p["short"] else "怎么付", texts(p["advice"]), emphasis=p["short"])
    doc.add("其他办法", _options(p["options"]))
    doc.add("在外地使用个人账户", texts(p["remote_notes"]))
    doc.add("城乡居民医保没有个人账户", texts(p["resident_notes"]))
    doc.add(f"{p['region']}的特别规定", texts(p["region_notes"]), emphasis=True)
    doc.add("估算说明", [Entry(n) for n in p["estimate"].get("notes", ())])  # what was assumed, and the data's own notes
    if p.get("projection"):
        doc.sections.append(_projection_section(p["projection"]))
    return doc


__all__ = [
    "Doc", "Entry", "Section", "balance_doc", "checklist_doc", "document_text", "filing_doc", "print_rich",
    "scenario_list_doc", "to_markdown", "to_plain", "transfer_doc",
]
