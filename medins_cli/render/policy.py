"""``medins policy show``: a region's whole policy as Rich tables.

The tables are drawn from the core :class:`~medins_cli.core.model.Policy` the command hands
over. (``--format json|yaml`` prints the file format back: that is the store's
:func:`~medins_cli.store.schema.file_document` and :func:`~medins_cli.store.yamlio.policy_text`.)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterable

from medins_cli.core.arith import pct as percent
from medins_cli.core.benefits import Kind, kinds
from medins_cli.core.model import Band, Policy, RemoteRule, Section, TierRule
from medins_cli.core.names import PLANS, REMOTES, TIERS
from medins_cli.render.output import CONFIDENCE, money

#: The kinds medins describes by hand (any other kind is described from its spec).
DESCRIBED = ("inpatient", "outpatient", "critical_illness", "remote", "account")


# ---- the tables ------------------------------------------------------------------------


def _ratio(tier: TierRule) -> str:
    # one band with no limit is a flat ratio (a tier is written as bands when a page gives other bands)
    return bands_text(tier.bands) if len(tier.bands) > 1 else percent(tier.bands[0].ratio)


def bands_text(bands: Iterable[Band], start: Decimal | None = None) -> str:
    parts = []
    low = start
    for band in bands:
        if band.upto is None:
            parts.append(f"{money(low) if low is not None else '0'} 元以上 {percent(band.ratio)}")
        else:
            lo = money(low) if low is not None else "0"
            parts.append(f"{lo}–{money(band.upto)} 元 {percent(band.ratio)}")
        low = band.upto
    return ";".join(parts)


def _remote(rule: RemoteRule) -> str:
    if rule.factor is not None:
        return f"本地比例 × {rule.factor.normalize():f}"
    return f"本地比例减 {percent(rule.ratio_minus or Decimal(0))}"


def _cap(value: Decimal | None) -> str:
    return "未收录" if value is None else f"{money(value)} 元"


def section_rows(name: str, section: Any, kind: Kind | None = None) -> list[tuple[str, str]]:
    """(item, value) rows describing one section (the kind's record), in words; a kind medins does
    not describe by hand is described from its spec."""
    rows: list[tuple[str, str]] = []
    if name not in DESCRIBED:
        return _spec_rows(kind, section) if kind is not None else rows
    if name in ("inpatient", "outpatient"):
        for key in TIERS:
            tier = section.tiers.get(key)
            if tier is None:
                continue
            extra = f",退休加 {percent(tier.retiree_bonus)}" if tier.retiree_bonus is not None else ""
            if name == "inpatient":
                deductible = "未收录" if tier.deductible is None else f"起付线 {money(tier.deductible)} 元"
                rows.append((f"{TIERS[key]}医院", f"{deductible},{_ratio(tier)}{extra}"))
            else:
                visit = f"每次起付 {money(tier.visit_deductible)} 元," if tier.visit_deductible is not None else ""
                rows.append((f"{TIERS[key]}医院", f"{visit}{_ratio(tier)}{extra}"))
        if "3a" not in section.tiers and "3" in section.tiers:
            rows.append(("三级甲等医院", "未单列(按三级医院计)"))
        if not section.tiers:
            rows.append(("各级医院", "未收录"))
        if name == "outpatient":
            rows.append(("年度起付线", _cap(section.annual_deductible)))
            if section.retiree_annual_deductible is not None:
                rows.append(("退休人员年度起付线", _cap(section.retiree_annual_deductible)))
        if section.retiree_bonus:
            rows.append(("退休人员", f"各比例加 {percent(section.retiree_bonus)}"))
        if name == "inpatient":
            repeat = section.repeat_admission
            if repeat is None:
                rows.append(("多次住院", "未收录(按首次住院起付线估算)"))
            elif repeat.factors:
                parts = [f"第{'二三四五六七八九'[i] if i < 8 else i + 2}次 × {f.normalize():f}"
                         for i, f in enumerate(repeat.factors)]
                rows.append(("多次住院", "起付线 " + "、".join(parts) + "(最后一个适用于以后各次)"))
            elif repeat.factor is not None:
                rows.append(("多次住院", f"第二次起起付线 × {repeat.factor.normalize():f}"))
            else:
                floor = f",最低 {money(repeat.floor)} 元" if repeat.floor is not None else ""
                rows.append(("多次住院", f"每次降低 {money(repeat.step)} 元{floor}"))
        rows.append(("年度封顶线" if name == "inpatient" else "年度限额", _cap(section.annual_cap)))
        if section.retiree_annual_cap is not None:
            rows.append(("退休人员" + ("年度封顶线" if name == "inpatient" else "年度限额"), _cap(section.retiree_annual_cap)))
    elif name == "critical_illness":
        if section.name:
            rows.append(("名称", section.name))
        if section.mode == "above_cap":
            rows.append(("支付什么", "基本统筹基金达到年度封顶线以后的政策范围内费用"))
            rows.append(("分段比例(超过封顶线的费用)", bands_text(section.bands)))
        else:
            burden = "政策范围内个人负担" + ("(含乙类先行自付)" if section.includes_partial_self_pay else "")
            rows.append(("支付什么", f"一年累计的{burden}超过起付线的部分"))
            rows.append(("起付线(年度累计)", f"{money(section.threshold)} 元"))
            rows.append(("分段比例", bands_text(section.bands, section.threshold)))
        rows.append(("年度封顶线", _cap(section.annual_cap)))
    elif name == "remote":
        for key, label in REMOTES.items():
            rule = section.rules.get(key)
            rows.append((label, "未收录(按本地比例估算)" if rule is None else _remote(rule)))
    elif name == "account":
        if section.contribution_rate is not None:
            rows.append(("个人缴费划入比例", percent(section.contribution_rate)))
        if section.retiree_monthly is not None:
            rows.append(("退休人员每月划入", f"{money(section.retiree_monthly)} 元"))
    return rows


def _spec_value(field: Any, value: Any) -> str:
    if value is None:
        return "未收录"
    if field.type == "amount":
        return f"{money(value)} 元"
    if field.type == "ratio":
        return percent(value)
    if field.type == "bands":
        return bands_text(value)
    if field.type == "bool":
        return "是" if value else "否"
    return str(value)


def _spec_rows(kind: Kind, rule: Any) -> list[tuple[str, str]]:
    """A section described from its kind's spec: each field's label and value."""
    rows = []
    for field in kind.spec.fields:
        value = getattr(rule, field.name, None)
        if field.type in ("tiers", "record"):
            continue
        rows.append((field.label, _spec_value(field, value)))
    return rows


def figure_rows(policy: Policy, section: Section, kind: Kind | None) -> list[tuple[str, str]]:
    """The figures of a section with a source of their own, and what other sources say of them."""
    rows = []
    for path, fig in section.figures.items():
        label = _path_label(kind, path)
        parts = []
        if fig.source and fig.source != section.source:
            parts.append(f"来源 {fig.source}" + _confidence(policy, fig.source))
        if fig.note:
            parts.append(fig.note)
        for alt in fig.alternatives:
            parts.append(f"另一来源 {alt.source}{_confidence(policy, alt.source)} 写作 {_alt_value(alt.value)}"
                         + (f"({alt.note})" if alt.note else ""))
        if parts:
            rows.append((label, ";".join(parts)))
    return rows


def _confidence(policy: Policy, source_id: str) -> str:
    src = policy.sources.get(source_id)
    return f"[{CONFIDENCE.get(src.confidence, src.confidence)}]" if src is not None else ""


def _alt_value(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], Band):
        return bands_text(value)
    if isinstance(value, Decimal):
        return percent(value) if value <= 1 else f"{money(value)} 元"
    return str(value)


def _path_label(kind: Kind | None, path: str) -> str:
    """tiers.3.ratio → 三级医院 报销比例."""
    parts = path.split(".")
    if kind is None:
        return path
    fields = kind.spec.fields
    words = []
    while parts:
        field = next((f for f in fields if f.name == parts[0]), None)
        if field is None:
            words.append(".".join(parts))
            break
        if field.type == "tiers" and len(parts) > 1:
            words.append(f"{TIERS.get(parts[1], parts[1])}医院")
            fields, parts = field.fields, parts[2:]
            continue
        words.append(field.label)
        parts = parts[1:]
    return " ".join(words)


def source_line(policy: Policy, source_id: str) -> str:
    src = policy.sources.get(source_id)
    if src is None:
        return f"来源 {source_id}"
    when = (f"生效 {src.effective}" if src.effective else f"发布 {src.date}(生效日期未注明)" if src.date
            else "生效日期未注明")
    return f"来源:{src.title} [{CONFIDENCE[src.confidence]}] {when}" + (f" {src.url}" if src.url else "")


def render(con: Any, policy: Policy, plan_filter: str | None, warnings: list[str]) -> None:
    from rich.table import Table
    from rich.text import Text

    from medins_cli.render.estimate import disclaimer, render_data_file, render_messages, render_sources

    region = policy.region
    year = policy.year_words if policy.sources and policy.year_words else "暂无政策数据"  # no sources: the year says nothing
    head = f"{region.name}({region.province}" + (f",代码 {region.code}" if region.code else "") + f")· {year}"
    con.print(Text(head, style="bold"))
    if region.hotline:
        con.print(f"医保咨询电话:{region.hotline}", highlight=False)
    today = policy.at()
    plans = [p for p in PLANS if any(s.plan == p for s in policy.sections) and (plan_filter is None or p == plan_filter)]
    if not plans:
        which = PLANS[plan_filter] if plan_filter else "任何参保类型"
        con.print(Text(f"没有收录{which}的报销数字:估算会提示缺少的数据。可用 medins policy init {region.name} "
                       "按当地通知填写。", style="yellow"), soft_wrap=True)  # keep the command copyable
    for plan_key in plans:
        missing = []
        for kind in kinds():
            versions = sorted((s for s in policy.sections if s.plan == plan_key and s.kind == kind.key),
                              key=lambda s: s.effective)
            label = kind.label
            if not versions:
                if kind.role != "info" or plan_key == "employee":
                    missing.append(label)
                continue
            in_force = (today.plans.get(plan_key) or {}).get(kind.key)
            for section in versions:
                name = getattr(section.rule, "name", None) if kind.key == "critical_illness" else None
                span = f"{section.effective} 起" + (f"至 {section.until}" if section.until else "")
                mark = "(现行)" if section is in_force and len(versions) > 1 else ""
                table = Table(title=f"{PLANS[plan_key]} · {label}{f'({name})' if name else ''} · {span}{mark}",
                              title_justify="left", caption=source_line(policy, section.source),
                              caption_justify="left", show_header=False)
                table.add_column("项目", no_wrap=True)
                table.add_column("规则", overflow="fold")
                for item, value in section_rows(kind.key, section.rule, kind):
                    table.add_row(item, value)
                for item, value in figure_rows(policy, section, kind):
                    table.add_row(item, Text(value, style="cyan"))
                if section.note:
                    table.add_row("说明", Text(section.note, style="dim"))
                con.print(table)
        if missing:
            con.print(Text(f"{PLANS[plan_key]}未收录:{'、'.join(missing)}(估算时会提示,不会猜)", style="yellow"))
    render_messages(con, warnings, [n.text for n in policy.notes])
    if policy.sources:
        render_sources(con, policy, list(policy.sources))
    else:
        con.print(Text("来源:无(medins 没有该地可核实的资料,不编造)", style="dim"))
    render_data_file(con, policy)
    con.print(Text(disclaimer(policy), style="italic"))
