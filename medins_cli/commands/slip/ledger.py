"""The bodies of ``medins slip add|list|remove|export|year``: the ledger, per person and year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medins_cli.commands.claims import DEFAULT_PERSON
from medins_cli.commands.slip.common import SlipOptions
from medins_cli.errors import MedinsError, UsageError

_SLIP_ONLY = ("over_limit", "eligible", "deductible", "fund_pay", "critical_illness_pay", "assistance_pay",
              "other_fund_pay", "hospital_pay", "account_pay", "family_pay", "cash_pay")


def add(source: str | None, opts: SlipOptions, *, estimate: bool, allow_duplicate: bool, fmt: str | None,
        quiet: bool) -> None:
    """Store the slips of a file (all or none), or one expected bill (``--estimate``).

    A bill already in the ledger, or twice in the file, is refused unless ``allow_duplicate``.
    Once stored, a failing stdout does not hide it: the one error line says what was stored
    (so the user does not add it again), exit 1."""
    from medins_cli.commands.env import Env
    from medins_cli.render.output import resolve_format
    from medins_cli.store import ledger

    env = Env(quiet=quiet)
    form = resolve_format(fmt, ("table", "json", "plain"))
    cfg = env.config
    if estimate:
        if source is not None:
            raise UsageError("--estimate 记的是按选项估算的账单:不要同时给结算单文件")
        entries: list[Any] = [_expected(opts, cfg)]
        messages: list[str] = []
    else:
        entries, messages = _slip_entries(source, opts, cfg)
    try:
        ids = ledger.add(entries, allow_duplicate=allow_duplicate)
    except ledger.AlreadyInLedger as exc:
        raise MedinsError(_already(exc.matches, entries, estimate)) from None
    except ledger.RepeatedBill as exc:
        raise MedinsError(f"第 {exc.again + 1} 张结算单与第 {exc.first + 1} 张相同({_described(entries[exc.again])}):"
                          "同一张单不会记两次,整个文件都没有记入账本;确实是两张单请加 --allow-duplicate") from None
    added = [entry._replace(id=i) for entry, i in zip(entries, ids, strict=True)]
    for message in dict.fromkeys(messages):
        env.note(f"提示:{message}")
    numbers = "、".join(f"#{e.id}" for e in added)
    _emit_committed(added, form, f"已记入账本({len(added)} 张)", f"已记入账本 {len(added)} 张(编号 {numbers})")
    env.note(f"已记入账本 {ledger.ledger_path()}:{numbers}")


def _described(entry: Any) -> str:
    """A bill in words for a message: person, date, hospital, total."""
    from medins_cli.core.money import money

    return " ".join(part for part in (entry.person, entry.date, entry.hospital,
                                      f"医疗费总额 {money(entry.amount('total'))}") if part)


def _already(matches: list[tuple[int, Any]], entries: list[Any], estimate: bool) -> str:
    """One line: which stored entry the (first) new bill equals, and what to do."""
    number, old = matches[0]
    if estimate:
        where = "这笔预计账单"
    else:
        where = f"第 {number + 1} 张结算单" if len(entries) > 1 else "这张结算单"
    which = f"#{old.id}(预计账单)" if old.kind == "estimate" else f"#{old.id} "
    others = list(dict.fromkeys(f"#{m.id}" for _, m in matches[1:]))
    more = f",另有 {len(matches) - 1} 张也已在账本里({'、'.join(others)})" if others else ""
    whole = "整个文件都" if len(entries) > 1 else ""
    if old.kind == "estimate" and not estimate:
        todo = f"拿到结算单后请先 medins slip remove {old.id} 删掉预计账单再记,或加 --allow-duplicate"
    else:
        todo = f"确实是另一{'笔' if estimate else '张单'}请加 --allow-duplicate"
    return (f"{where}与账本里的 {which}相同({_described(old)}){more}:同一张单不会记两次,"
            f"{whole}没有记入账本;{todo}")


def _emit_committed(entries: list[Any], form: str, title: str, recorded: str) -> None:
    """Print what was just stored. A failing stdout (a full disk, a closed descriptor) is one error
    line that still says the bills were stored: the user must not add them a second time."""
    import sys

    from medins_cli.errors import os_reason
    from medins_cli.render.output import note

    after = f"{recorded},但输出写不出去"
    if sys.stdout is None:  # started with stdout closed (>&-)
        raise MedinsError(f"{after}:标准输出已关闭;不要再记一次,用 medins slip list 查看")
    try:
        _emit_entries(entries, form, title)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (| head): its usual handling, after saying what was stored
        note(recorded)
        raise
    except OSError as exc:
        raise MedinsError(f"{after}:{os_reason(exc)};不要再记一次,用 medins slip list 查看") from None


def _slip_entries(source: str | None, opts: SlipOptions, cfg: dict[str, Any]) -> tuple[list[Any], list[str]]:
    from medins_cli.commands.slip.common import read_slips
    from medins_cli.core.names import normalize_plan
    from medins_cli.core.slip import tally
    from medins_cli.core.year import entry_from_slip

    slips, messages, _skipped = read_slips(source, opts)
    today = dt.date.today().isoformat()
    entries = []
    for number, slip in enumerate(slips, 1):
        where = f"第 {number} 张结算单" if len(slips) > 1 else "结算单"
        checked = tally(slip)
        if not checked.adds_up:
            raise MedinsError(f"{where}加总不对,整个文件都没有记入账本:{checked.problems[0].message}"
                              "(用 medins slip check 查看)")
        if slip.date is None:
            messages.append(f"{where}没有日期:按今天 {today} 记账(可用 --date 指定)")
        if slip.visit is None:
            messages.append(f"{where}没有写就诊类型:按住院记账(门诊统筹请加 --visit 门诊)")
        filled = slip._replace(
            region=slip.region or cfg.get("region"),
            plan=slip.plan or (normalize_plan(cfg["type"]) if cfg.get("type") else None),
            tier=slip.tier or cfg.get("tier"),
            retired=slip.retired if slip.retired is not None else cfg.get("retired"),
        )
        entries.append(entry_from_slip(filled, checked, person=slip.person or DEFAULT_PERSON,
                                       date=slip.date or today, visit=slip.visit or "inpatient"))
    return entries, messages


def _expected(opts: SlipOptions, cfg: dict[str, Any]) -> Any:
    """An expected bill, estimated as ``medins estimate`` would with the year so far from the ledger."""
    from medins_cli.commands.claims import ClaimArgs, resolve_claim
    from medins_cli.commands.slip.common import ytd_args
    from medins_cli.core.engine import estimate
    from medins_cli.core.year import Entry
    from medins_cli.render.estimate import worded

    given = [f"--{k.replace('_', '-')}" for k in _SLIP_ONLY if opts.amounts.get(k) not in (None, "")]
    if given:
        raise UsageError(f"--estimate 的支付由 medins 按政策计算:不要写 {'、'.join(given)}(有结算单时不用 --estimate)")
    person = opts.person or DEFAULT_PERSON
    args = ClaimArgs(region=opts.region, type=opts.type, visit=opts.visit, tier=opts.tier,
                     amount=opts.amounts.get("total"), self_pay=opts.amounts.get("self_pay"),
                     partial_self_pay=opts.amounts.get("partial_self_pay"), retired=opts.retired,
                     admission=opts.admission, remote=opts.remote, policy_file=opts.policy_file,
                     date=opts.date or dt.date.today().isoformat(), person=person, **ytd_args(opts))
    policy, claim, year, warnings, notes, _ = resolve_claim(args, cfg)
    bd = estimate(policy, claim, year, explain=False)
    amounts = {"total": bd.total, "self_pay": bd.self_pay, "partial_self_pay": bd.partial_self_pay,
               "eligible": bd.eligible, "deductible": bd.deductible, "fund_pay": bd.fund_pay,
               "critical_illness_pay": bd.critical_illness_pay, "cash_pay": bd.out_of_pocket}
    from medins_cli.render.output import note

    for message in [*notes, *worded(bd.warnings, args.origins), *warnings]:
        note(f"提示:{message}")
    note("预计账单的个人负担全部按现金记(个人账户付多少要等结算单)")
    return Entry(None, person, claim.date or "", "estimate", claim.visit, amounts, region=policy.region.name, plan=claim.plan,
                 tier=claim.tier, retired=claim.retired, admission=bd.admission, remote=claim.remote,
                 hospital=opts.hospital)


def _emit_entries(entries: list[Any], form: str, title: str) -> None:
    from medins_cli.render.output import console, emit_json, emit_rows
    from medins_cli.render.slips import entry_payload, render_entries

    rows = [entry_payload(e) for e in entries]
    if form == "json":
        emit_json(rows)
    elif form in ("plain", "csv"):
        emit_rows(rows, form)
    else:
        render_entries(console(), entries, title)


def list_entries(person: str | None, year: int | None, fmt: str | None) -> None:
    from medins_cli.render.output import note, resolve_format
    from medins_cli.store import ledger

    form = resolve_format(fmt, ("table", "json", "plain", "csv"))
    rows = ledger.entries(person=person, year=year)
    if not rows and form != "json":
        who = f"{person}的" if person else ""
        note(f"账本里还没有{who}{f'{year} 年的' if year else ''}账单:用 medins slip add 结算单.yaml 记一张")
        return
    title = "账本" + (f" · {person}" if person else "") + (f" · {year} 年" if year else "")
    _emit_entries(rows, form, title)


def export(person: str | None, year: int | None, fmt: str | None) -> None:
    import sys

    from medins_cli.render.output import emit_json, emit_rows
    from medins_cli.render.slips import ENTRY_FIELDS, entry_payload
    from medins_cli.store import ledger

    form = (fmt or "json").strip().lower()
    if form not in ("json", "csv"):
        raise UsageError(f"slip export 只输出 json 或 csv(收到「{fmt}」)")
    rows = [entry_payload(e) for e in ledger.entries(person=person, year=year)]
    if form == "json":
        emit_json(rows)
    elif rows:
        emit_rows(rows, "csv")
    else:
        sys.stdout.write(",".join(ENTRY_FIELDS) + "\n")


def remove(slip_id: int, quiet: bool) -> None:
    from medins_cli.commands.env import Env
    from medins_cli.core.money import money
    from medins_cli.store import ledger

    env = Env(quiet=quiet)
    entry = ledger.remove(slip_id)
    if entry is None:
        raise UsageError(f"账本里没有编号 {slip_id}:用 medins slip list 查看编号")
    env.note(f"已删除 #{slip_id}:{entry.person} {entry.date} 医疗费总额 {money(entry.amount('total'))}")


def year_summary(person: str | None, year: int | None, region: str | None, fmt: str | None, *,
                 explain: bool = False) -> None:
    from medins_cli.commands.claims import load_config, load_region, policy_age_warning
    from medins_cli.core.names import normalize_plan
    from medins_cli.core.year import includes_partial, summarise, year_limits
    from medins_cli.render.output import console, emit_json, emit_plain_mapping, resolve_format
    from medins_cli.render.slips import plain_year, render_year, year_payload
    from medins_cli.store import ledger

    form = resolve_format(fmt, ("table", "json", "plain"))
    who = person or DEFAULT_PERSON
    when = year or dt.date.today().year
    rows = ledger.entries(person=who, year=when)
    latest = rows[-1] if rows else None
    cfg = load_config()
    warnings: list[str] = []
    name = region or (latest.region if latest is not None else None) or cfg.get("region")
    policy = None
    if name:
        try:
            policy = load_region(name)
        except UsageError:
            if region:
                raise
            warnings.append(f"找不到地区「{name}」的数据:没有列出限额(可加 --region)")
    else:
        warnings.append("不知道地区(账本和配置里都没有):没有列出限额(可加 --region)")
    plan = (latest.plan if latest is not None and latest.plan else None) or normalize_plan(cfg.get("type") or "employee")
    retired = latest.retired if latest is not None and latest.retired is not None else bool(cfg.get("retired", False))
    ytd = summarise(rows, includes_partial_self_pay=includes_partial(policy, plan))
    limits = year_limits(policy, plan, retired, ytd.so_far) if policy is not None else ()
    if not rows:
        warnings.insert(0, f"账本里没有{who} {when} 年的账单:用 medins slip add 记结算单")
    if policy is not None and (stale := policy_age_warning(policy)):
        warnings.append(stale)
    tax_rules, deduction = _tax(who, when, rows)
    from medins_cli.render.tax import tax_payload

    payload = year_payload(who, when, ytd, limits, policy, warnings, tax_payload(tax_rules, deduction))
    if form == "json":
        emit_json(payload)
    elif form == "plain":
        emit_plain_mapping(plain_year(payload))
        if explain:
            from medins_cli.render.output import emit_lines
            from medins_cli.render.tax import plain_explain

            emit_lines(plain_explain(deduction))
    else:
        from medins_cli.render.tax import render_tax

        place = f" · {policy.region.name}" if policy is not None else ""
        con = console()
        render_year(con, f"{who} · {when} 年累计{place}", ytd, limits, warnings)
        render_tax(con, tax_rules, deduction, explain=explain)


def _tax(person: str, year: int, rows: list[Any]) -> tuple[Any, Any]:
    """The 个税 大病医疗 deduction of one person's ledger year (data/rules/tax.yaml)."""
    from medins_cli.core.tax import deduction, tax_base
    from medins_cli.store import rules

    tax_rules = rules.tax()
    return tax_rules, deduction(tax_rules, person, year, tax_base(rows))


def family_summary(couple: list[str], children: list[str], year: int | None, claimant: str | None, fmt: str | None,
                   *, explain: bool = False) -> None:
    """``slip year --family A,B --child C``: each person's deduction and who should claim it."""
    from medins_cli.core.tax import allocate
    from medins_cli.render.output import console, emit_json, emit_lines, emit_plain_mapping, resolve_format
    from medins_cli.render.tax import family_payload, plain_family, render_family
    from medins_cli.store import ledger

    form = resolve_format(fmt, ("table", "json", "plain"))
    when = year or dt.date.today().year
    names = [*couple, *children]
    if not couple or len(couple) > 2:
        raise UsageError("--family 写夫妻一人或两人,用逗号分开,如 --family 爸爸,妈妈")
    if len(set(names)) != len(names):
        raise UsageError("--family 和 --child 里有重复的名字:每人只写一次")
    if claimant is not None and claimant not in couple:
        raise UsageError(f"--claimant「{claimant}」不在 --family 里:扣除只能由夫妻中的一方申报")
    deductions = {}
    warnings = []
    tax_rules = None
    for name in names:
        rows = ledger.entries(person=name, year=when)
        if not rows:
            warnings.append(f"账本里没有{name} {when} 年的账单:按 0 计(用 medins slip add --person {name} 记结算单)")
        tax_rules, deductions[name] = _tax(name, when, rows)
    assert tax_rules is not None
    allocation = allocate(tax_rules, when, couple, children, deductions, claimant)
    data = family_payload(tax_rules, when, deductions, allocation, warnings)
    if form == "json":
        emit_json(data)
    elif form == "plain":
        emit_plain_mapping(plain_family(data))
        if explain:
            from medins_cli.render.rules import plain_steps

            emit_lines(plain_steps([*allocation.steps, *(s for d in deductions.values() for s in d.steps)]))
    else:
        render_family(console(), tax_rules, when, deductions, allocation, warnings, explain=explain)
