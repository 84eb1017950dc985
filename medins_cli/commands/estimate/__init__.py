"""``medins estimate``: how much of a bill insurance pays, and why."""

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.commands.completion import complete_input_format
from medins_cli.errors import guard

if TYPE_CHECKING:
    from medins_cli.commands.claims import ClaimArgs

HELP = """估算一次住院或门诊费用中医保(统筹基金、大病保险)支付多少、个人负担多少。

示例:

  medins estimate --region 绵阳 --tier 3 --amount 8000

  medins estimate -r 绵阳 --tier 2 --amount 8000 --retired --admission 2 --explain

  medins estimate -r 绵阳 --visit 门诊 --tier 1 --amount 600 --format json

  medins estimate -r 绵阳 --amount 20000 --compare tiers

  medins estimate -r 佛山 --tier 3 --amount 20000 --compare plans      (职工和居民并排;一年的比较见 medins plans)

  medins estimate -r 绵阳 --tier 3 --amount 20000 --person 妈妈      (本年累计从账本填入,见 medins slip)

  medins estimate --batch claims.csv > results.csv      (批量,见 docs/batch.md)
"""

EPILOG = o.words_epilog()


@guard
@o.claim_options()
def estimate(
    args: "ClaimArgs",
    explain: Annotated[bool, typer.Option("--explain", help="逐行列出计算公式和实际数字")] = False,
    compare: Annotated[Optional[str], typer.Option(
        "--compare", help="tiers:各级医院并排比较;plans:职工医保和城乡居民医保并排比较", show_default=False)] = None,
    fmt: Annotated[Optional[str], o.format_option(
        "table|json|plain|csv(--batch:csv|jsonl|json|plain)")] = None,
    batch: Annotated[Optional[str], typer.Option(
        "--batch", help="批量:CSV 或 JSON Lines 文件(- 为标准输入),见 docs/batch.md",
        show_default=False)] = None,
    input_format: Annotated[Optional[str], typer.Option(
        "--input-format", help="--batch 输入格式:csv|jsonl",
        autocompletion=complete_input_format, show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="--batch:遇错即停")] = False,
    year_to_date: Annotated[bool, typer.Option(
        "--year-to-date", help="--batch:同一人按日期累计本年数据")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="--batch:逐个列出每个地区用的数据文件(默认结束时只说一行总数)")] = False,
    quiet: o.Quiet = False,
    raw_csv: o.RawCsv = False,
) -> None:
    from medins_cli.commands.claims import check_confidence, resolve_claim
    from medins_cli.commands.env import Env
    from medins_cli.core.engine import estimate as compute
    from medins_cli.errors import UsageError
    from medins_cli.render.output import resolve_format

    env = Env(quiet=quiet, raw_csv=raw_csv)
    if batch is not None:
        if args.person is not None or args.ledger or args.date is not None:
            raise UsageError("--batch 不用账本:同一人的累计请用 --year-to-date(见 docs/batch.md)")
        _batch(batch, input_format, fmt, strict, year_to_date, explain, compare, args, verbose)
        return
    if input_format is not None or strict or year_to_date or verbose:
        raise UsageError("--input-format、--strict、--year-to-date、--verbose 只用于 --batch")
    form = resolve_format(fmt)
    compare = _compare_kind(compare)
    if compare is not None and explain:
        raise UsageError("--compare 和 --explain 不能一起用:先比较,再对选中的等级或参保类型加 --explain")
    if compare == "tiers":
        args.tier = args.tier or "3"
    if compare == "plans":  # both plans are estimated: --type has nothing to choose
        if args.type is not None:
            args.notes.append("--compare plans 两种参保都算,--type 没有用")
        args.type = "employee"
    policy, claim, year, _, _, minimum = resolve_claim(args, env.config)
    if compare == "plans":
        _compare_plans(policy, claim, year, form, args, minimum)
        return
    if compare is not None:
        _compare(policy, claim, year, form, args, minimum)
        return
    if form == "csv":
        raise UsageError("csv 只用于多行结果(--compare tiers 或 --batch);单次估算请用 json 或 plain")
    breakdown = compute(policy, claim, year, explain=explain or form == "table")
    check_confidence(policy, breakdown.sources, minimum, args.origins.get("min_confidence"))
    span = None
    if any(s.figures for s in policy.sections):  # figures with sources of their own (maybe rivals): ranges apply
        from medins_cli.core.ranges import estimate_range

        span = estimate_range(policy, claim, year)
    _show(policy, claim, breakdown, form, explain, args, span)


def _batch(source: str, input_format: str | None, fmt: str | None, strict: bool, year_to_date: bool,
           explain: bool, compare: str | None, args: object, verbose: bool = False) -> None:
    from medins_cli.commands.claims import load_config
    from medins_cli.commands.estimate import batch
    from medins_cli.errors import UsageError

    if explain or compare is not None:
        raise UsageError("--batch 不能与 --explain 或 --compare 同用")
    batch.run(batch.BatchOptions(source=source, input_format=input_format, output_format=fmt, strict=strict,
                                 year_to_date=year_to_date, defaults=args, config=load_config(),  # type: ignore[arg-type]
                                 verbose=verbose))


def _show(policy, claim, breakdown, form: str, explain: bool, args, span=None) -> None:  # type: ignore[no-untyped-def]
    from medins_cli.render import estimate as present
    from medins_cli.render.output import console, emit_json, emit_lines, emit_plain_mapping, note

    notes = args.notes
    payload = present.breakdown_payload(policy, claim, breakdown, notes=notes, explain=explain,
                                        assumptions=args.assumptions, span=span, resolved_from=args.resolved_from,
                                        origins=args.origins)
    if form == "json":
        emit_json(payload)
    elif form == "plain":
        emit_plain_mapping(present.plain_breakdown(payload))
        if explain:  # data, so stdout: `step.N: label:formula = value`
            emit_lines(f"step.{i}: {step.label}:{step.formula}" + ("" if step.value is None else f" = {step.value}")
                       for i, step in enumerate(breakdown.steps, 1))
            emit_lines(f"range.{i}: {line}" for i, line in enumerate(present.range_lines(policy, span), 1))
        note(payload["disclaimer"])
    else:
        present.render_breakdown(console(), policy, claim, breakdown, explain=explain, notes=notes,
                                 assumptions=args.assumptions, span=span, origins=args.origins)


def _compare(policy, claim, year, form: str, args, minimum: str | None) -> None:  # type: ignore[no-untyped-def]
    from medins_cli.core.engine import estimate as compute
    from medins_cli.errors import UsageError
    from medins_cli.render import estimate as present
    from medins_cli.render.output import console, emit_json, emit_rows

    section = (policy.at(claim.date).plans.get(claim.plan) or {}).get(claim.visit)
    tiers = list(section.rule.tiers) if section is not None else [claim.tier]
    results = []
    for tier in tiers:
        one = claim._replace(tier=tier)
        results.append((tier, compute(policy, one, year, explain=False)))
    if not results:
        raise UsageError("该地数据没有可比较的医院等级")
    from medins_cli.core.names import TIERS

    source_ids, warnings, notes = _compared(policy, [b for _, b in results], args, minimum)
    rows = [{"tier": t, **present.breakdown_fields(b), "ratio": b.ratio_note, "bound": b.bound} for t, b in results]
    said, others = _ranged(policy, year, rows, [(TIERS[t], claim._replace(tier=t)) for t, _ in results], form)
    source_ids = list(dict.fromkeys([*source_ids, *others]))
    if form == "json":
        emit_json(_compare_payload(policy, args, "tiers", {"plan": claim.plan, "visit": claim.visit}, rows,
                                   source_ids, warnings, notes))
        return
    if form in ("plain", "csv"):
        emit_rows(rows, form)
        _said_after_rows(warnings, [*said, *notes], present.disclaimer(policy))
        return
    present.render_compare(console(), policy, claim, results, warnings, source_ids, [*said, *notes])


def _ranged(policy, year, rows: list, claims: list, form: str) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def, type-arg]
    """Each compared bill's range where sources disagree (as ``estimate`` gives it): a JSON row gets
    ``range``; plain and CSV rows get the batch's ``*_low`` / ``*_high`` columns (every row, once any
    row has a range). Returns the ranges in words, each named by its row (``claims``: (name, claim),
    the claim None for a row that could not be estimated), and the other readings' sources."""
    from medins_cli.render import estimate as present

    if not any(s.figures for s in policy.sections):
        return [], []
    from medins_cli.core.ranges import estimate_range

    spans = [None if c is None else estimate_range(policy, c, year) for _, c in claims]
    if not any(present.shows_range(s) for s in spans):
        return [], []
    for row, span in zip(rows, spans, strict=True):
        if form == "json":
            if present.shows_range(span):
                row["range"] = present.range_payload(span)
            continue
        for field in present.RANGE_FIELDS:
            point = row.get(field)
            row[f"{field}_low"] = span.low[field] if span is not None else point
            row[f"{field}_high"] = span.high[field] if span is not None else point
    said = [f"{name}:{line}" for (name, _), span in zip(claims, spans, strict=True)
            for line in present.range_lines(policy, span)]
    return said, [v.source for s in spans if present.shows_range(s) for v in s.varied]  # type: ignore[union-attr]


def _compared(policy, breakdowns, args, minimum):  # type: ignore[no-untyped-def]
    """What the breakdowns of a comparison say together: their sources (checked against
    --min-confidence), warnings and notes, each once."""
    from medins_cli.commands.claims import check_confidence
    from medins_cli.render import estimate as present

    source_ids = list(dict.fromkeys(s for b in breakdowns for s in b.sources))
    check_confidence(policy, source_ids, minimum, args.origins.get("min_confidence"))
    warnings = list(dict.fromkeys(w for b in breakdowns for w in present.worded(b.warnings, args.origins))) + args.notes
    notes = list(dict.fromkeys([*args.assumptions, *(n for b in breakdowns for n in b.notes)]))
    return source_ids, warnings, notes


def _compare_payload(policy, args, kind: str, asked: dict, rows: list, source_ids: list,  # type: ignore[no-untyped-def, type-arg]
                     warnings: list, notes: list) -> dict:  # type: ignore[type-arg]
    """The JSON of ``--compare tiers|plans``: what was asked (``asked``) between the data's year and
    how the region name was read, then the rows."""
    from medins_cli.render import estimate as present

    return {"region": policy.region.name, "year": policy.label_year, **present.year_fields(policy), **asked,
            "resolved_from": present.resolved_payload(args.resolved_from), "compare": kind, "rows": rows,
            "data_file": present.data_file(policy), "sources": present.sources_payload(policy, source_ids),
            "warnings": warnings, "notes": notes, "disclaimer": present.disclaimer(policy)}


def _said_after_rows(warnings: list[str], notes: list[str], disclaimer: str) -> None:
    """What plain and CSV rows cannot carry, on stderr: warnings, notes, the disclaimer."""
    from medins_cli.render.output import note

    for w in warnings:
        note(f"提示:{w}")
    for n in notes:
        note(f"说明:{n}")
    note(disclaimer)


_COMPARE_WORDS = {"tiers": "tiers", "tier": "tiers", "医院等级": "tiers",
                  "plans": "plans", "plan": "plans", "参保类型": "plans", "types": "plans"}


def _compare_kind(compare: str | None) -> str | None:
    if compare is None:
        return None
    from medins_cli.errors import UsageError

    kind = _COMPARE_WORDS.get(compare.strip().lower())
    if kind is None:
        raise UsageError(f"--compare 只支持 tiers 或 plans(收到「{compare}」)")
    return kind


def _compare_plans(policy, claim, year, form: str, args, minimum: str | None) -> None:  # type: ignore[no-untyped-def]
    """One bill under 职工医保 and 城乡居民医保, side by side (retiree rules only for 职工)."""
    from medins_cli.core.engine import estimate as compute
    from medins_cli.core.errors import CoreError
    from medins_cli.core.names import PLANS
    from medins_cli.errors import MedinsError
    from medins_cli.render import estimate as present
    from medins_cli.render import plans as plans_view
    from medins_cli.render.output import console, emit_json, emit_rows, note

    results: list = []  # type: ignore[type-arg]
    for plan in ("employee", "resident"):
        try:
            results.append((plan, compute(policy, claim._replace(plan=plan, retired=claim.retired and plan == "employee"),
                                          year, explain=False)))
        except CoreError as exc:
            if getattr(exc, "usage", False) and getattr(exc, "code", None) != "no_plan":
                raise
            results.append((plan, str(exc)))
    done = [b for _, b in results if not isinstance(b, str)]
    if not done:
        raise MedinsError(f"{policy.region.name}的数据两种参保都算不了:{results[0][1]}")
    source_ids, warnings, notes = _compared(policy, done, args, minimum)
    rows = plans_view.compare_rows(results)
    claims = [(PLANS[plan], None if isinstance(b, str) else claim._replace(plan=plan, retired=claim.retired
                                                                             and plan == "employee"))
              for plan, b in results]
    said, others = _ranged(policy, year, rows, claims, form)
    source_ids = list(dict.fromkeys([*source_ids, *others]))
    if form == "json":
        emit_json(_compare_payload(policy, args, "plans",
                                   {"visit": claim.visit, "tier": claim.tier, "retired": claim.retired}, rows,
                                   source_ids, warnings, notes))
        return
    if form in ("plain", "csv"):
        emit_rows(rows, form)
        for plan, b in results:
            if isinstance(b, str):
                note(f"提示:{PLANS[plan]}:{b}")
        _said_after_rows(warnings, [*said, *notes], present.disclaimer(policy))
        return
    plans_view.render_compare(console(), policy, claim, results, warnings, source_ids, [*said, *notes])
