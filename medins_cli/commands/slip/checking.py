"""The body of ``medins slip check`` (and ``--learn``): read, tally, compare, show, maybe write."""

from __future__ import annotations

import sys
from typing import Any

from medins_cli.commands.claims import fill_from_ledger
from medins_cli.commands.slip.common import SlipOptions, claim_context, policy_and_claim
from medins_cli.errors import ExitCode, MedinsError, UsageError


def run(source: str | None, opts: SlipOptions, *, person: str | None, learn: bool, yes: bool, fmt: str | None,
        quiet: bool) -> int:
    """Check one slip; returns the exit code (0 when it adds up, 1 when it does not)."""
    from medins_cli.commands.env import Env
    from medins_cli.commands.slip.common import read_slips
    from medins_cli.core.errors import CoreError
    from medins_cli.core.slip import tally as tally_slip
    from medins_cli.core.slip_check import compare, slip_claim
    from medins_cli.render.output import resolve_format

    env = Env(quiet=quiet)
    form = resolve_format(fmt, ("table", "json", "plain"))
    if learn and source == "-" and not yes:
        raise UsageError("结算单从标准输入读入时 --learn 没法询问:请加 --yes,或把结算单存成文件")
    cfg = env.config
    slips, warnings, read_notes = read_slips(source, opts)
    if len(slips) != 1:
        raise UsageError(f"文件里有 {len(slips)} 张结算单:slip check 一次核对一张(记账用 medins slip add)")
    slip = slips[0]
    tally = tally_slip(slip)
    args, notes = claim_context(slip, opts, cfg)

    def from_ledger(policy: Any) -> None:
        if person is not None:
            warnings.extend(fill_from_ledger(args, policy, cfg, person, slip.date))

    policy, claim, missing = policy_and_claim(slip, opts, cfg, args, before_claim=from_ledger)
    warnings += missing
    comparison = None
    year = None
    if policy is not None and claim is not None:
        from medins_cli.commands.claims import build_year

        claim = slip_claim(tally, claim)._replace(date=slip.date)
        year = build_year(args, claim.visit)
        try:
            comparison = compare(policy, claim, tally, year)
        except CoreError as exc:  # the region's data lacks this kind of bill: the slip's own arithmetic still counts
            if learn:
                raise
            warnings.append(f"没有和政策对比:{exc}")
    if comparison is None:
        comparison = compare(None, None, tally)
    from medins_cli.render.estimate import worded

    warnings += worded(comparison.warnings) + args.notes
    notes += read_notes + list(tally.notes) + args.assumptions
    _show(form, policy, slip, tally, comparison, claim, warnings, notes, year)
    if learn:
        _learn(policy, claim, tally, comparison, slip, yes, year)
    return int(ExitCode.OK) if tally.adds_up else int(ExitCode.ERROR)


def _show(form: str, policy: Any, slip: Any, tally: Any, comparison: Any, claim: Any, warnings: list[str],
          notes: list[str], year: Any) -> None:
    from medins_cli.render.estimate import disclaimer, sources_payload
    from medins_cli.render.output import console, emit_json, emit_plain_mapping, note
    from medins_cli.render.slips import check_payload, check_title, plain_check, render_check

    source_ids = list(comparison.breakdown.sources) if comparison.breakdown is not None else []
    sources = sources_payload(policy, source_ids) if policy is not None else []
    warnings = list(dict.fromkeys(warnings))
    notes = list(dict.fromkeys(notes))
    if form in ("json", "plain"):
        payload = check_payload(policy, tally, comparison, sources, [*warnings, *notes])
        if form == "json":
            emit_json(payload)
        else:
            emit_plain_mapping(plain_check(payload))
            if policy is not None:
                note(disclaimer(policy))
        return
    context = {"plan": claim.plan if claim else slip.plan, "visit": claim.visit if claim else slip.visit,
               "tier": claim.tier if claim else slip.tier, "retired": claim.retired if claim else slip.retired,
               "admission": year.admission if claim and year is not None else slip.admission,
               "remote": claim.remote if claim else slip.remote, "date": slip.date, "hospital": slip.hospital}
    render_check(console(), policy, tally, comparison, check_title(policy, context), warnings, notes, source_ids)


def _learn(policy: Any, claim: Any, tally: Any, comparison: Any, slip: Any, yes: bool, year: Any) -> None:
    from medins_cli.core.slip_learn import plan_learning
    from medins_cli.render.output import note
    from medins_cli.render.slips import learning_lines
    from medins_cli.store.learn import target, write_learning

    if policy is None or claim is None or comparison.breakdown is None:
        raise MedinsError("--learn 要知道地区和医院等级,并且地区数据里有这类账单的规则:没有写入")
    learning = plan_learning(policy, claim, tally, comparison.implied, date=slip.date, hospital=slip.hospital,
                             admission=year.admission if year is not None else 1)
    if not learning.changes:
        note("结算单上的数字与数据一致:没有要写入的")
        for warning in learning.warnings:
            note(f"提示:{warning}")
        return
    path, new = target(policy)
    lines = learning_lines(policy, learning, str(path), new)
    if yes:
        for line in lines:
            note(line)
    else:
        from medins_cli.errors import message_line

        sys.stderr.write("\n".join(map(message_line, lines)) + "\n写入吗?[y/N] ")
        sys.stderr.flush()
        try:
            answer = sys.stdin.readline().strip().lower()
        except KeyboardInterrupt:
            sys.stderr.write("\n")  # the question's line ends; 已中断 goes on a line of its own
            raise
        if answer not in ("y", "yes", "是", "好", "写"):
            raise MedinsError("没有写入(要写入请回答 y,或加 --yes)", ExitCode.ERROR)
    written = write_learning(policy, learning)
    kept = f"(原来的文件备份为 {written.backup})" if written.backup is not None else ""
    note(f"已写入 {written.path}{kept}:之后 medins estimate 用这些数字,并注明来自本人结算单")
