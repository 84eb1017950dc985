"""Batch mode (``medins estimate --batch FILE``): many bills from CSV or JSON Lines, streamed.

Rows are read, estimated and written one at a time, so memory does not grow with the input.
A run keeps only small tables: one policy per region, one prepared :class:`~medins_cli.core.engine.Rule`
per distinct (region, type, visit, tier, retired, remote) words, and, with ``--year-to-date``,
one running year so far per (person, region, plan). The arithmetic is the core's
(:func:`~medins_cli.core.engine.check_bill`, then :meth:`Rule.pay`), the same that
``medins estimate`` runs for a single bill. Documented in docs/batch.md.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from medins_cli.commands.claims import ClaimArgs, check_confidence, confidence_floor, parse_count
from medins_cli.core.arith import MAX_ADMISSION
from medins_cli.core.engine import Rule, check_bill, prepare
from medins_cli.core.errors import CoreError
from medins_cli.core.messages import Msg
from medins_cli.core.model import FIRST, Bill, Policy, YearSoFar
from medins_cli.core.money import FEN, MAX_AMOUNT, ZERO, parse_amount
from medins_cli.core.names import normalize_plan, normalize_remote, normalize_tier, normalize_visit, yes_no
from medins_cli.core.ranges import Ranger
from medins_cli.errors import ExitCode, MedinsError, UsageError, message_line, os_reason
from medins_cli.render.output import csv_writer, json_default, json_safe, note
from medins_cli.store.columns import column_key, repeated_column
from medins_cli.store.safeio import MAX_LINE_CHARS, Lines, parse_json, text_problem
from medins_cli.words import BATCH, BLAMES, word

#: Input columns medins reads: the long option names.
COLUMNS = ("region", "type", "visit", "tier", "amount", "self_pay", "partial_self_pay", "retired",
           "admission", "ytd_fund", "ytd_outpatient", "remote", "ytd_burden", "ytd_critical")
#: Input columns for the year so far: ``person`` is read only with ``--year-to-date``; ``date`` (the day
#: of the bill) always selects the rules in force that day, and orders a person's rows.
YTD_COLUMNS = ("person", "date")
#: Columns added after the input columns: the breakdown fields of the JSON contract, whether the
#: insurance figures are an upper bound (``bound``: "upper" or empty), the row's ``warnings``, ``error``.
RESULT_FIELDS = ("eligible", "deductible", "fund_pay", "critical_illness_pay", "out_of_pocket", "effective_ratio")
#: Where sources disagree on a figure the row used: each figure's lowest and highest (empty when they agree).
RANGE_FIELDS = ("fund_pay_low", "fund_pay_high", "critical_illness_pay_low", "critical_illness_pay_high",
                "out_of_pocket_low", "out_of_pocket_high")
ERROR_FIELD = "error"
OUTPUT_FIELDS = (*RESULT_FIELDS, *RANGE_FIELDS, "bound", "warnings", ERROR_FIELD)


def extra_payers() -> tuple[str, ...]:
    """Payers registered besides the basic fund and 大病/大额 (each gets a ``<payer>_pay`` column)."""
    from medins_cli.core.benefits import payers

    return tuple(p for p in payers() if p not in ("fund", "critical_illness"))


def output_fields(extra: tuple[str, ...]) -> tuple[str, ...]:
    """The result columns: an added payer's ``<payer>_pay`` after critical_illness_pay."""
    if not extra:
        return OUTPUT_FIELDS
    return (*RESULT_FIELDS[:4], *(f"{p}_pay" for p in extra), *RESULT_FIELDS[4:], *RANGE_FIELDS, "bound", "warnings",
            ERROR_FIELD)

INPUT_FORMATS = ("csv", "jsonl")
OUTPUT_FORMATS = ("csv", "jsonl", "json", "plain")
PROGRESS_MIN_ROWS = 5000  # a progress bar only for files estimated bigger than this
MAX_ERROR_LINES = 1000  # line-numbered errors written to stderr; later ones are only counted
_RULE_CACHE_MAX = 4096  # distinct word combinations remembered; cleared when full, so memory stays bounded

# positions in (*COLUMNS, *YTD_COLUMNS)
_WORDS = (0, 1, 2, 3, 7, 11)  # region, type, visit, tier, retired, remote: what a Rule depends on
# amount, self_pay, partial_self_pay, admission, ytd_fund, ytd_outpatient, ytd_burden, ytd_critical
_NUMBERS = (4, 5, 6, 8, 9, 10, 12, 13)
_PERSON, _DATE = 14, 15


class RowError(Exception):
    """One row cannot be estimated; ``str(err)`` goes into its ``error`` column."""


@dataclass
class BatchOptions:
    """What ``medins estimate --batch`` was asked to do."""

    source: str  # a path, or "-" for stdin
    input_format: str | None = None
    output_format: str | None = None
    strict: bool = False
    year_to_date: bool = False
    defaults: ClaimArgs = field(default_factory=ClaimArgs)  # command-line options: the fallback for a column
    config: dict[str, Any] = field(default_factory=dict)  # then the config
    verbose: bool = False  # each region's data file as it is loaded (else one summary line at the end)


def run(opts: BatchOptions) -> None:
    """Read, estimate and write row by row. Raises MedinsError (exit 1) at the end if a row failed."""
    try:
        source = _open(opts)
    except KeyboardInterrupt:  # still waiting for the first bytes of stdin: -f json still writes one document
        if (opts.output_format or "").strip().lower() == "json":
            sys.stdout.write("[]\n")
        raise
    runner = _Runner(opts)
    progress: _Progress | None = None
    out_format = ""
    try:
        out_format = _output_format(opts.output_format, source.format)
        progress = _Progress(source)
        if source.format == "csv":
            _run_csv(runner, source.lines, out_format, progress)
        else:
            _run_jsonl(runner, source.lines, out_format, progress)
    except KeyboardInterrupt:
        if runner.out is None and out_format == "json":
            runner.out = _Out("json", [])  # Ctrl-C before the first record: the document is still []
        raise
    finally:
        if progress is not None:
            progress.stop()
        if source.raw is not None:
            source.raw.close()
        if runner.out is not None:
            runner.out.close()  # ends a JSON array even when --strict or Ctrl-C stopped the run
        sys.stdout.flush()
    runner.finish()


# ---- from a row's words to a Rule ------------------------------------------------------


class _Rules:
    """Words of a row → its :class:`Rule`, memoised; each region's policy is loaded once."""

    def __init__(self, opts: BatchOptions) -> None:
        d, cfg = opts.defaults, opts.config
        self.region = d.region or cfg.get("region")
        self.type = d.type or cfg.get("type")
        self.visit = d.visit or "inpatient"
        self.tier = d.tier or cfg.get("tier")
        self.retired = d.retired if d.retired is not None else bool(cfg.get("retired", False))
        self.remote = d.remote
        self.policy_file = d.policy_file
        self.min_confidence = confidence_floor(d, cfg)
        self.min_confidence_origin = d.origins.get("min_confidence")
        self.memo: dict[tuple[str, ...], Rule | str] = {}
        self.rangers: dict[int, Ranger | None] = {}  # id of a memoised Rule → its other readings (None: none)
        self.placeholders: dict[int, list[str]] = {}  # id of a memoised Rule → its placeholder warnings (first)
        self.policies: dict[str, Policy | str] = {}  # region words and file paths → policy (or why not)
        self.loaded: list[Policy] = []  # every policy loaded, in order (the summary of data files at the end)
        self.verbose = opts.verbose
        self.defaulted_type = False

    def get(self, words: tuple[str, ...], day: str = "") -> Rule:
        key = (*words, day) if day else words
        hit = self.memo.get(key)
        if hit is None:
            if len(self.memo) >= _RULE_CACHE_MAX:
                self.memo.clear()
                self.rangers.clear()
                self.placeholders.clear()
            try:
                hit = self._resolve(*words, day=day)
            except CoreError as exc:
                hit = word(exc, BATCH)
            except (RowError, MedinsError) as exc:
                hit = str(exc)
            self.memo[key] = hit
        if isinstance(hit, str):
            raise RowError(hit)
        return hit

    def _resolve(self, region: str, type_: str, visit: str, tier: str, retired: str, remote: str, *,
                 day: str = "") -> Rule:
        policy = self._policy(region.strip() or self.region)
        plan_word = type_.strip() or self.type
        if plan_word is None:
            plan_word = "employee"
            self.defaulted_type = True
        tier_word = tier.strip() or self.tier
        if tier_word is None:
            raise RowError("没有医院等级:请填 tier 列,或加 --tier 1|2|3|community")
        remote_word = remote.strip() or self.remote
        kind = (normalize_plan(plan_word), normalize_visit(visit.strip() or self.visit), normalize_tier(tier_word),
                _yes_no(retired) if retired.strip() else self.retired,
                normalize_remote(remote_word) if remote_word else None, day or None)
        rule = prepare(policy, *kind)
        check_confidence(policy, rule.sources, self.min_confidence, self.min_confidence_origin)  # too weak a source: that row's error
        ranger = Ranger(policy, rule, *kind) if any(s.figures for s in policy.sections) else None
        self.rangers[id(rule)] = ranger if ranger else None
        if any(policy.sources[s].confidence == "placeholder" for s in rule.sources if s in policy.sources):
            from medins_cli.render.estimate import placeholder_warnings

            self.placeholders[id(rule)] = placeholder_warnings(policy, rule.sources)
        return rule

    def _policy(self, region: str | None) -> Policy:
        from medins_cli.store.regions import find_region, load_policy, resolution_note, twin_warning

        if self.policy_file is not None:
            region = str(self.policy_file)
        elif not region:
            raise RowError("没有地区:请填 region 列,或加 --region 绵阳,或 medins config set region 绵阳")
        hit = self.policies.get(region)
        if hit is None:
            try:
                entry = None if self.policy_file is not None else find_region(region)
                if entry is not None and (said := resolution_note(entry)):
                    note(said)  # once per name: 顺德区 属于 佛山,按佛山计算
                path = region if entry is None else str(entry["path"])
                hit = self.policies.get(path)
                if hit is None:
                    if not Path(path).is_file():
                        raise UsageError(f"找不到策略文件 {path}:请检查路径")
                    hit = self.policies[path] = load_policy(Path(path))
                    self.loaded.append(hit)
                    if self.verbose:
                        _note_once_per_policy(hit)
                    if entry is not None and (twins := twin_warning(entry)):
                        note(twins)
            except (CoreError, MedinsError) as exc:
                hit = str(exc)
            self.policies[region] = hit
        if isinstance(hit, str):
            raise RowError(hit)
        return hit


def _note_once_per_policy(policy: Policy) -> None:
    """Where a region's figures come from, and whether they are for a year already past (stderr; -v)."""
    from medins_cli.commands.claims import policy_age_warning
    from medins_cli.render.output import ORIGINS, note

    note(f"{policy.region.name}:使用{ORIGINS[policy.origin or 'file']} {policy.file}")
    stale = policy_age_warning(policy)
    if stale:
        note(f"提示:{stale}")


def data_summary(policies: list[Policy], this_year: int) -> str | None:
    """One line on the data files a run used: how many regions from shipped data, from the user's own
    files, from --policy-file, and how many describe a year already past. One region is named with
    its file, as -v would; more are counted, and -v lists them."""
    from medins_cli.render.output import ORIGINS

    if not policies:
        return None
    if len(policies) == 1:
        p = policies[0]
        stale = f";数据是 {p.year} 年的政策,数字可能已调整" if p.year is not None and p.year < this_year else ""
        return f"数据文件:{p.region.name}用{ORIGINS[p.origin or 'file']} {p.file}{stale}"
    counts: dict[str, int] = {}
    for p in policies:
        counts[p.origin or "file"] = counts.get(p.origin or "file", 0) + 1
    parts = [f"{counts[o]} 个用{ORIGINS[o]}" for o in ("shipped", "user", "file") if counts.get(o)]
    years: dict[int, int] = {}
    for p in policies:
        if p.year is not None and p.year < this_year:
            years[p.year] = years.get(p.year, 0) + 1
    stale = ""
    if years:
        by_year = "、".join(f"{y} 年 {n} 个" for y, n in sorted(years.items()))
        stale = f";{sum(years.values())} 个地区的数据是往年的政策({by_year}),数字可能已调整"
    return f"数据文件:共 {len(policies)} 个地区,{'、'.join(parts)}{stale}。加 -v 逐个列出地区和文件"


def _yes_no(text: str) -> bool:
    answer = yes_no(text)
    if answer is None:
        raise RowError(f"retired 列的「{text}」不是是/否:请写 true 或 false(留空则按 --retired 和配置)")
    return answer


def _money(text: str, what: str) -> Decimal:
    """:func:`parse_amount`, with a shortcut for plain numbers such as ``8000`` or ``8000.5``."""
    try:
        value = Decimal(text) if "_" not in text else Decimal("x")  # Decimal reads 1_000; we don't
    except (InvalidOperation, ValueError, TypeError):
        return parse_amount(text, what)  # 8,000 / 8000元 / 0.8万, or its message
    if value.is_finite() and ZERO <= value <= MAX_AMOUNT:
        rounded = value.quantize(FEN)
        if rounded == value:
            return rounded
    return parse_amount(text, what)  # out of range or more than two decimals: its message


# ---- --year-to-date: what a person's earlier rows carry ---------------------------------


class _Person:
    """One person's year so far for one region and plan (see docs/batch.md)."""

    __slots__ = ("year", "last", "so_far", "used")

    def __init__(self, day: date | None) -> None:
        self.year = None if day is None else day.year
        self.last = day
        self.so_far = YearSoFar()
        self.used: set[str] = set()  # the figures earlier rows carried (a row's own cell opens the others)


class _YearToDate:
    def __init__(self) -> None:
        self.people: dict[tuple[str, str, str], _Person] = {}

    def carry(self, rule: Rule, person: str, when: str, own: YearSoFar) -> tuple[_Person, date | None, YearSoFar]:
        """The row's year so far, carried from the person's earlier rows.

        The first row that uses a figure (per person, region, plan and year) keeps its own
        value as the opening balance; later rows get the running one. Nothing is stored
        until :meth:`record`, so a bad row carries nothing.
        """
        day = _parse_date(when) if when.strip() else None
        state = self.people.get((person.strip(), rule.region, rule.plan))
        if state is not None and day is not None and state.last is not None and day < state.last:
            raise RowError(f"{person.strip() or '此人'}的日期 {day} 早于上一行的 {state.last}:"
                           "--year-to-date 要求同一人的行按日期先后排列,请先按 person、date 排序")
        if state is None or (day is not None and state.year is not None and day.year != state.year):
            state = _Person(day)
        carried = {name: (getattr(state.so_far, name) if name in state.used else getattr(own, name))
                   for name in YearSoFar._fields}
        year = YearSoFar(**carried)
        if rule.visit == "inpatient" and "admissions" in state.used and year.admissions >= MAX_ADMISSION:
            # the core's limit, said as what it is here: earlier rows, not the admission column
            raise RowError(f"{person.strip() or '此人'}本年此前的行已有 {year.admissions} 次住院,--year-to-date "
                           f"算出这是第 {year.admission} 次,超过一年 {MAX_ADMISSION} 次:请检查是否有重复的行")
        return state, day, year

    def record(self, state: _Person, day: date | None, rule: Rule, person: str, after: YearSoFar) -> None:
        """After a row is estimated: its year after the bill becomes the person's running figures."""
        if day is not None:
            state.last = day
            state.year = day.year
        state.so_far = after
        if rule.visit == "inpatient":
            state.used.update(("admissions", "inpatient_fund", "burden", "critical"))
        else:
            state.used.update(("outpatient_fund", "outpatient_eligible"))
        self.people[(person.strip(), rule.region, rule.plan)] = state


def _ignored(visit: str, admission: int, ytd_outpatient: Decimal, burden: Decimal, critical: Decimal) -> tuple[str, ...]:
    """Cells that do not apply to this kind of bill, named by their columns."""
    if visit == "inpatient":
        return ("ytd_outpatient 列只用于门诊统筹,住院已忽略",) if ytd_outpatient else ()
    out = []
    if admission != 1:
        out.append("admission 列只用于住院,门诊已忽略")
    if burden or critical:
        out.append("ytd_burden / ytd_critical 列只用于住院的大病保险,门诊已忽略")
    return tuple(out)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise RowError(f"date 列的「{text}」不是日期:请写成 2025-03-01") from None


# ---- one row ---------------------------------------------------------------------------


class _Runner:
    def __init__(self, opts: BatchOptions) -> None:
        self.opts = opts
        self.rules = _Rules(opts)
        self.ytd = _YearToDate() if opts.year_to_date else None
        d = opts.defaults
        self.fallback = (d.amount or "", d.self_pay or "", d.partial_self_pay or "",
                         "" if d.admission is None else str(d.admission), d.ytd_fund or "", d.ytd_outpatient or "",
                         d.ytd_burden or "", d.ytd_critical or "")
        self.extra = extra_payers()
        self.worded: dict[Any, str] = {}  # a warning (its text and code) → its batch wording
        self.rows = 0
        self.failed = 0
        self.whole_bill = False  # a row came without its 目录外 and 乙类 parts (said once at the end)
        self.out: _Out | None = None  # set once the first row is about to be written

    def estimate(self, words: tuple[str, ...], amount: str, self_pay: str, partial: str, admission: str,
                 ytd_fund: str, ytd_outpatient: str, ytd_burden: str = "", ytd_critical: str = "", person: str = "",
                 when: str = "") -> tuple[Any, ...]:
        """One row's figures (RESULT_FIELDS), then its bound ("upper" or "") and warnings (a tuple);
        an empty cell falls back to the option."""
        fb = self.fallback
        try:
            amount = amount or fb[0]
            if not amount:
                raise RowError("没有费用金额:请填 amount 列,或加 --amount")
            total = _money(amount, "amount 列")
            self_pay = self_pay or fb[1]
            sp = _money(self_pay, "self_pay 列") if self_pay else ZERO
            partial = partial or fb[2]
            ps = _money(partial, "partial_self_pay 列") if partial else ZERO
            admission = admission or fb[3]
            adm = int(admission) if admission.isdecimal() else parse_count(admission or None, "admission 列")
            ytd_fund = ytd_fund or fb[4]
            yf = _money(ytd_fund, "ytd_fund 列") if ytd_fund else ZERO
            ytd_outpatient = ytd_outpatient or fb[5]
            yo = _money(ytd_outpatient, "ytd_outpatient 列") if ytd_outpatient else ZERO
            burden_cell = ytd_burden
            ytd_burden = ytd_burden or fb[6]
            yb = _money(ytd_burden, "ytd_burden 列") if ytd_burden else ZERO
            ytd_critical = ytd_critical or fb[7]
            yc = _money(ytd_critical, "ytd_critical 列") if ytd_critical else ZERO
            rule = self.rules.get(words, _parse_date(when).isoformat() if when.strip() else "")
            bill = Bill(total, sp, ps)
            if rule.visit == "inpatient":
                own = YearSoFar(adm - 1, yf, ZERO, ZERO, yb, yc) if (adm != 1 or yf or yb or yc) else FIRST
            else:
                own = YearSoFar(0, ZERO, yf, yo, ZERO, ZERO) if (yf or yo) else FIRST
            ytd = self.ytd
            if ytd is None:
                check_bill(bill, own)
                out = rule.pay(bill, own)
                year = own
            else:
                state, day, year = ytd.carry(rule, person, when, own)
                check_bill(bill, year)
                out = rule.pay(bill, year)
                ytd.record(state, day, rule, person, rule.carry(bill, year, out))
        except CoreError as exc:
            raise RowError(word(exc, BATCH, "ledger" if self.ytd is not None else None)) from None
        except MedinsError as exc:
            raise RowError(str(exc)) from None
        if not self_pay and not partial:
            self.whole_bill = True
        bound, said = rule.outcome(bill, year, out)
        worded = self.worded
        warnings = [worded.get(w) or self._word(w, words[4], burden_cell) for w in said] if said else []
        if self.rules.placeholders:
            warnings[:0] = self.rules.placeholders.get(id(rule), ())
        if yo or adm != 1 or yb or yc:
            warnings += _ignored(rule.visit, adm, yo, yb, yc)
        paid = out.paid
        fund = paid[0].detail
        figures: tuple[Any, ...] = (fund.eligible, fund.deductible, fund.fund_pay,
                                    paid[rule.ci_at].amount if rule.ci_at >= 0 else ZERO, out.out_of_pocket,
                                    out.effective_ratio, bound or "", warnings)
        if self.extra:
            by_payer = {p.kind.payer: part.amount for p, part in zip(rule.payers, paid, strict=True)}
            figures += tuple(by_payer.get(payer, ZERO) for payer in self.extra)
        ranger = self.rules.rangers.get(id(rule))
        if ranger is not None:
            span = ranger.range(bill, year, out, figures[3])
            figures += tuple(getattr(span, end)[field] for field in ("fund_pay", "critical_illness_pay", "out_of_pocket")
                             for end in ("low", "high"))
        return figures

    def _blamed(self, message: Msg, retired_cell: str, burden_cell: str) -> str:
        """A warning about a value (see medins_cli.words.BLAMES), naming where the row's value came
        from: its own column, the command-line option, the config, or the person's earlier rows."""
        d = self.opts.defaults
        if BLAMES[message.code] == "retired":
            origin = None if retired_cell.strip() else "option" if d.retired is not None else "config"
        else:
            origin = None if burden_cell else "option" if d.ytd_burden else "carried"
        return word(message, BATCH, origin)

    def _word(self, message: Any, retired_cell: str = "", burden_cell: str = "") -> str:
        """A warning in batch words, remembered (most rows repeat the same few); one that blames a
        value is worded for this row (where its value came from) and not remembered."""
        if getattr(message, "code", None) in BLAMES:
            return self._blamed(message, retired_cell, burden_cell)
        text = word(message, BATCH)
        if len(self.worded) < 10_000:
            self.worded[message] = text
        return text

    def fail(self, line: int, exc: RowError) -> str:
        """Count a bad row and say so on stderr; with --strict, stop here."""
        message = str(exc)
        self.failed += 1
        if self.opts.strict:
            raise MedinsError(f"第 {line} 行:{message}(--strict:遇到第一处错误即停止)", ExitCode.ERROR)
        if self.failed <= MAX_ERROR_LINES:
            sys.stderr.write(f"{message_line(f'第 {line} 行:{message}')}\n")
        return message

    def finish(self) -> None:
        if self.whole_bill:
            from medins_cli.commands.claims import WHOLE_BILL_WHY

            note(f"说明:self_pay 和 partial_self_pay 都空着的行按整张账单属于政策范围内计算:{WHOLE_BILL_WHY};"
                 "可照医院的费用清单填入这两列,估算更准")
        if self.rules.defaulted_type:
            note("没写参保类型的行按职工医保计算(可加 type 列、--type,或 medins config set type)")
        if not self.opts.verbose:
            summary = data_summary(self.rules.loaded, date.today().year)
            if summary:
                note(summary)
        if self.failed:
            if self.failed > MAX_ERROR_LINES:
                sys.stderr.write(f"……另有 {self.failed - MAX_ERROR_LINES} 行出错,未逐行列出\n")
            raise MedinsError(f"{self.failed} 行出错(共 {self.rows} 行):原因见输出的 error 列", ExitCode.ERROR)
        note(f"已估算 {self.rows} 行")


# ---- input -----------------------------------------------------------------------------


@dataclass
class _Source:
    lines: Lines  # checked lines: none longer than MAX_LINE_CHARS, none with bytes that are not UTF-8
    format: str
    raw: IO[bytes] | None  # the open file (None for stdin), for the progress bar
    size: int


def _open(opts: BatchOptions) -> _Source:
    fmt = opts.input_format
    if fmt is not None:
        fmt = fmt.strip().lower().replace("ndjson", "jsonl")
        if fmt not in INPUT_FORMATS:
            raise UsageError(f"不支持的输入格式「{opts.input_format}」:可选 csv|jsonl")
    raw: IO[bytes] | None = None
    size = 0
    if opts.source == "-":
        stream: Any = sys.stdin.buffer
        if not hasattr(stream, "peek"):  # a BytesIO standing in for stdin
            stream = io.BufferedReader(stream)
    else:
        if os.path.isdir(opts.source):
            raise UsageError(f"{opts.source} 是目录:--batch 要一个 CSV 或 JSON Lines 文件(或 - 表示标准输入)")
        try:
            raw = stream = open(opts.source, "rb", buffering=_HEAD)  # noqa: SIM115 - closed by run()
        except OSError as exc:
            raise UsageError(f"读不了批量输入文件 {opts.source}:{os_reason(exc)}。请检查路径") from None
        size = os.fstat(raw.fileno()).st_size
        name = opts.source.lower()
        if fmt is None and name.endswith((".csv", ".tsv", ".txt")):
            fmt = "csv"
        elif fmt is None and name.endswith((".jsonl", ".ndjson", ".json")):
            fmt = "jsonl"
    try:
        head = stream.peek(_HEAD)[:_HEAD]
    except OSError as exc:
        if raw is not None:
            raw.close()
        raise UsageError(f"读不了批量输入 {opts.source}:{exc.strerror}。请检查路径") from None
    problem = text_problem(head.removeprefix(b"\xef\xbb\xbf"))
    if problem is not None:  # the whole input, before any row: UTF-16, a binary file, GBK…
        if raw is not None:
            raw.close()
        raise UsageError(f"批量输入{problem}")
    if fmt is None:  # stdin or an unknown extension: a first line starting with "{" means JSON Lines
        fmt = "jsonl" if head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].lstrip().startswith(b"{") else "csv"
    # Bytes that are not UTF-8 further on are that line's error (Lines), not the end of the run.
    return _Source(Lines(stream, records=fmt == "csv"), fmt, raw, size)


_HEAD = 1 << 16  # bytes looked at before reading: encoding, and CSV or JSON Lines


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    if first:
        yield first
        yield from rest


_MAX_COMPARED = 64  # a column name longer than this is not compared with the known ones (difflib's time)


def _check_header(names: list[str], opts: BatchOptions) -> None:
    """Usage errors for a header that cannot work; a note for a column that looks misspelt."""
    import difflib

    known = (*COLUMNS, *YTD_COLUMNS)
    keys = [column_key(n) for n in names]
    twice = repeated_column(names, known=known)
    if twice:
        raise UsageError(f"批量输入的表头里{twice}:请删掉或改名其中一列")
    if not set(known).intersection(keys):
        close = [f"{n} → {c[0]}" for n, k in zip(names, keys, strict=True)
                 if len(k) <= _MAX_COMPARED and (c := difflib.get_close_matches(k, known, n=1, cutoff=0.75))]
        hint = f"(是不是写错了列名:{'、'.join(close)}?)" if close else ""
        raise UsageError(f"批量输入的第 1 行应是列名(如 region,tier,amount){hint}:请加上或改正表头")
    for name, key in zip(names, keys, strict=True):
        if key not in known and key not in OUTPUT_FIELDS and len(key) <= _MAX_COMPARED:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
            if close:
                note(f"列「{name}」不参与计算(原样输出);是不是 {close[0]}?")
    d, cfg = opts.defaults, opts.config
    missing = []
    if "region" not in keys and not (d.region or d.policy_file or cfg.get("region")):
        missing.append("region 列或 --region")
    if "tier" not in keys and not (d.tier or cfg.get("tier")):
        missing.append("tier 列或 --tier")
    if "amount" not in keys and not d.amount:
        missing.append("amount 列或 --amount")
    if missing:
        raise UsageError(f"批量输入缺少 {'、'.join(missing)}:请在表头加上这些列,或在命令行给出")


# ---- output ----------------------------------------------------------------------------


def _output_format(value: str | None, input_format: str) -> str:
    """csv, jsonl (one object a line), json (one array, streamed) or plain; default: as the input."""
    if value is None:
        return input_format
    fmt = value.strip().lower()
    if fmt == "ndjson":
        fmt = "jsonl"
    if fmt not in OUTPUT_FORMATS:
        raise UsageError(f"--batch 的输出格式可选 {'|'.join(OUTPUT_FORMATS)}(收到「{value}」)")
    return fmt


def _texts(figures: tuple[Any, ...] | None, extra: int = 0) -> list[str]:
    """A row's results as text for CSV/plain: yuan with two decimals, the ratio with four, the
    bound, the warnings joined by ``;``; an added payer's column after critical_illness_pay."""
    if figures is None:
        return [""] * (len(RESULT_FIELDS) + len(RANGE_FIELDS) + 2 + extra)
    cells = [str(v) for v in figures[:6]]
    if not figures[3]:
        cells[3] = "0.00"  # critical_illness_pay is the bare ZERO when nothing is paid
    if extra:
        cells[4:4] = [str(v) if v else "0.00" for v in figures[8:8 + extra]]
    span = figures[8 + extra:]
    cells += [f"{v:.2f}" for v in span] if span else [""] * len(RANGE_FIELDS)
    cells.append(figures[6])
    cells.append(";".join(figures[7]))
    return cells


class _Out:
    """Writes rows in one output format: ``row`` for CSV/plain, ``record`` for JSON Lines and JSON.

    JSON is one array written as it goes, a record a line (``[``, records joined by ``,``, ``]``):
    memory stays constant, and :meth:`close` ends the array even when the run stops early
    (``--strict``, Ctrl-C), so what was written is always one valid JSON document.
    """

    def __init__(self, fmt: str, echo_header: list[str], extra: tuple[str, ...] = ()) -> None:
        self.fmt = fmt
        self.extra = extra
        self.records = 0
        out = sys.stdout
        self.writerow: Callable[[list[Any]], object]
        if fmt == "csv":  # cells a spreadsheet would run get a ' (render.output.csv_row; not with --raw-csv)
            self.writerow = csv_writer(out)
        elif fmt == "plain":
            from medins_cli.render.output import plain_value

            def writerow(cells: list[Any]) -> None:  # tab-separated; tabs and newlines in a cell become spaces
                out.write("\t".join(plain_value(c) for c in cells) + "\n")

            self.writerow = writerow
        else:
            encode = json.JSONEncoder(ensure_ascii=False, default=json_default, allow_nan=False).encode

            array = fmt == "json"

            def write_json(record: dict[str, Any]) -> None:
                try:
                    text = json_safe(encode(record))
                except ValueError:  # an input cell such as 1e309 read as inf: echo it as text, stay valid JSON
                    text = json_safe(encode(_finite(record)))
                if array:
                    text = ("[\n" if not self.records else ",\n") + text
                    self.records += 1
                    out.write(text)
                else:
                    out.write(text + "\n")

            self.write_json = write_json
        if fmt in ("csv", "plain"):
            self.writerow([*echo_header, *output_fields(extra)])

    def close(self) -> None:
        """Ends the JSON array (``[]`` when there were no rows)."""
        if self.fmt == "json":
            sys.stdout.write("\n]\n" if self.records else "[]\n")

    def row(self, echo: list[Any], figures: tuple[Any, ...] | None, error: str) -> None:
        self.writerow([*echo, *_texts(figures, len(self.extra)), error])

    def record(self, echo: dict[str, Any], figures: tuple[Any, ...] | None, error: str) -> None:
        echo.update(zip(RESULT_FIELDS[:4], figures[:4] if figures else (None,) * 4, strict=True))
        for i, payer in enumerate(self.extra):
            echo[f"{payer}_pay"] = figures[8 + i] if figures else None
        echo.update(zip(RESULT_FIELDS[4:], figures[4:6] if figures else (None, None), strict=True))
        span = figures[8 + len(self.extra):] if figures else ()
        echo.update(zip(RANGE_FIELDS, span or (None,) * len(RANGE_FIELDS), strict=True))
        echo["bound"] = (figures[6] or None) if figures else None
        echo["warnings"] = list(figures[7]) if figures else []
        echo[ERROR_FIELD] = error or None
        self.write_json(echo)


class _Progress:
    """A transient progress bar on stderr, for a big input file while stderr is a terminal."""

    def __init__(self, source: _Source) -> None:
        self.bar: Any = None
        if source.raw is None or not sys.stderr.isatty() or source.size < 64 * 1024:
            return
        sample = os.pread(source.raw.fileno(), 64 * 1024, 0)
        if source.size / max(1, len(sample) / max(1, sample.count(b"\n"))) <= PROGRESS_MIN_ROWS:
            return
        from medins_cli.render.progress import ByteProgress

        self.raw = source.raw
        self.bar = ByteProgress("估算中", source.size)

    def update(self) -> None:
        if self.bar is not None:
            self.bar.update(self.raw.tell())

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


# ---- the two readers -------------------------------------------------------------------


def _records(reader: Iterator[list[str]], lines: Lines) -> Iterator[list[str]]:
    """The CSV rows without blank lines. A bad record (too long, not UTF-8: see :class:`Lines`;
    or whatever else the csv module refuses) comes as ``[]`` with ``lines.bad`` saying why, and the
    reading goes on. Starts each record's length budget afresh."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            lines.bad = (lines.line, lines.line, f"不是有效的 CSV({exc})")
            row = []
        lines.used = 0
        if lines.bad is not None:
            yield []
        elif row:
            yield row


def _run_csv(runner: _Runner, lines: Lines, out_format: str, progress: _Progress) -> None:
    # the csv module's own limit (128 KiB a cell) raised to what Lines lets through: a record of MAX_LINE_CHARS
    csv.field_size_limit(MAX_LINE_CHARS + 1)
    source = iter(lines)
    first = next(source, "")
    if lines.bad is not None:
        raise UsageError(f"批量输入的第 1 行(列名)有问题:{lines.take()}")
    # a tab-separated file (.tsv, or pasted from a spreadsheet): tabs in the header and no commas
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(_prepend(first, source), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise UsageError("批量输入是空的:第 1 行应是列名,如 region,tier,amount") from None
    except csv.Error as exc:
        raise UsageError(f"批量输入的第 1 行(列名)不是有效的 CSV({exc}):请改正表头") from None
    if lines.bad is not None:
        raise UsageError(f"批量输入的第 1 行(列名)有问题:{lines.take()}")
    lines.used = 0
    _check_header(header, runner.opts)
    width = len(header)
    keys = [column_key(n) for n in header]
    first_at = {k: i for i, k in reversed(list(enumerate(keys)))}
    # A column missing from the header reads cell `width`: an empty cell appended to every row.
    at = [first_at.get(c, width) for c in (*COLUMNS, *YTD_COLUMNS)]
    words_of = itemgetter(*(at[i] for i in _WORDS))
    numbers_of = itemgetter(*(at[i] for i in _NUMBERS))
    person_at, date_at = at[_PERSON], at[_DATE]
    # Input columns named like an output column (a batch's own output fed back) are not echoed.
    outputs = output_fields(runner.extra)
    echo_at = [i for i, k in enumerate(keys) if k not in outputs]
    echo_header = [header[i] for i in echo_at]
    out = runner.out = _Out(out_format, echo_header, runner.extra)
    fast = out_format == "csv" and len(echo_at) == width  # write the row list itself, extended
    writerow = out.writerow if fast else None
    estimate: Callable[..., tuple[Any, ...]] = runner.estimate
    ytd = runner.ytd is not None
    blank = [""]
    n = 0
    for row in _records(reader, lines):
        n += 1
        if not n & 4095:
            progress.update()
        have = len(row)
        if have < width:
            row += [""] * (width - have)
        figures: tuple[Any, ...] | None = None
        error = ""
        try:
            if have > width:
                raise RowError(f"这一行有 {have} 列,表头只有 {width} 列:金额里的逗号(如 8,000)要加引号或去掉")
            if not have:  # a bad record: its cells are not echoed
                raise RowError(lines.take())
            row += blank
            if ytd:
                figures = estimate(words_of(row), *numbers_of(row), row[person_at], row[date_at])
            else:
                figures = estimate(words_of(row), *numbers_of(row), "", row[date_at])
        except RowError as exc:
            error = runner.fail(lines.line, exc)
        if writerow is not None:
            row[width:] = _texts(figures, len(runner.extra))
            row.append(error)
            writerow(row)
        elif out_format in ("jsonl", "json"):
            out.record({header[i]: row[i] for i in echo_at}, figures, error)
        else:
            out.row([row[i] for i in echo_at], figures, error)
    runner.rows = n


def _run_jsonl(runner: _Runner, lines: Lines, out_format: str, progress: _Progress) -> None:
    estimate: Callable[..., tuple[Any, ...]] = runner.estimate
    ytd = runner.ytd is not None
    out: _Out | None = None
    header: list[str] = []
    dropped: set[str] = set()
    n = 0
    for line in lines:
        line_no = lines.line
        if not line.strip() and lines.bad is None:
            continue
        n += 1
        if not n & 4095:
            progress.update()
        figures: tuple[Any, ...] | None = None
        error = ""
        obj: Any = {}
        if lines.bad is not None:  # too long, not UTF-8, NUL: see Lines
            error = runner.fail(line_no, RowError(lines.take()))
        else:
            try:
                obj = parse_json(line, MAX_LINE_CHARS, _unique_keys)
            except _RepeatedKey as exc:  # json keeps the last: which one was meant is not for medins to guess
                error = runner.fail(line_no, RowError(f"键「{exc}」写了两次:请只留一个"))
            except ValueError as exc:  # not JSON, nested deeper than MAX_DEPTH, a number of 5,000 digits
                error = runner.fail(line_no, RowError(f"{exc}:每行应是一个 {{…}} 对象"))
        if not isinstance(obj, dict):
            obj = {}
            error = runner.fail(line_no, RowError("这一行不是 JSON 对象:每行应是一个 {…} 对象"))
        echo = {k: v for k, v in obj.items() if column_key(k) not in OUTPUT_FIELDS}
        if out is None:
            header = list(echo)  # CSV/plain output: the first record's keys are the columns
            out = runner.out = _Out(out_format, header, runner.extra)
        if not error:
            try:
                words, numbers, person, when = _json_cells(obj)
                figures = estimate(words, *numbers, person if ytd else "", when)
            except RowError as exc:
                error = runner.fail(line_no, exc)
        if out_format in ("jsonl", "json"):
            out.record(echo, figures, error)
            continue
        extra = [k for k in echo if k not in header and k not in dropped]
        if extra:
            dropped.update(extra)
            note(f"第 {line_no} 行的键 {'、'.join(extra)} 不在第一条记录里,{out_format} 输出中略去")
        out.row([_cell(echo.get(k)) for k in header], figures, error)
    if out is None and out_format == "json":  # no rows: still one JSON document, []
        runner.out = _Out(out_format, [], runner.extra)
    runner.rows = n


def _finite(value: Any) -> Any:
    """``value`` with every float that JSON cannot write (inf, nan) as text; lists and dicts nest at
    most MAX_DEPTH deep (:func:`~medins_cli.store.safeio.parse_json`)."""
    if isinstance(value, float):
        return value if value - value == 0 else str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class _RepeatedKey(Exception):
    """A key written twice in one JSON object (not a ValueError: parse_json lets it through)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        raise _RepeatedKey(next(k for k, _ in pairs if k in seen or seen.add(k)))  # type: ignore[func-returns-value]
    return obj


def _json_cells(obj: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...], str, str]:
    """A JSON object's known keys as the same strings a CSV row would give; a RowError when two
    spellings of one column are both there (``self-pay`` and ``self_pay``)."""
    cells = dict.fromkeys((*COLUMNS, *YTD_COLUMNS), "")
    spelt: dict[str, str] = {}
    for k, v in obj.items():
        key = column_key(k)
        if key in cells:
            if key in spelt:
                raise RowError(f"「{spelt[key]}」和「{k}」是同一列 {key}:请只留一个")
            spelt[key] = k
            cells[key] = _cell(v)
    values = list(cells.values())
    return (tuple(values[i] for i in _WORDS), tuple(values[i] for i in _NUMBERS),
            values[_PERSON], values[_DATE])
