"""From command-line words (and the config) to a policy and a core :class:`Claim`.

Shared by ``estimate``, ``balance``, ``transfer-guide`` and batch mode so that every
command reads options the same way.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from medins_cli.core.arith import MAX_ADMISSION
from medins_cli.core.model import Claim, Policy, YearSoFar
from medins_cli.errors import ExitCode, MedinsError, UsageError


class ClaimArgs:
    """Raw option values, as typed (strings) or None when not given.

    A plain class rather than a dataclass: every estimate imports this module, and defining a
    dataclass (with the ``dataclasses`` import) costs about a millisecond of start-up."""

    __slots__ = ("region", "type", "visit", "tier", "amount", "self_pay", "partial_self_pay", "retired", "admission",
                 "ytd_fund", "ytd_outpatient", "remote", "policy_file", "ytd_burden", "ytd_critical",
                 "min_confidence", "date", "person", "ledger", "notes", "resolved_from", "assumptions", "origins")

    def __init__(self, *, region: str | None = None, type: str | None = None, visit: str | None = None,  # noqa: A002
                 tier: str | None = None, amount: str | None = None, self_pay: str | None = None,
                 partial_self_pay: str | None = None, retired: bool | None = None,
                 admission: str | int | None = None, ytd_fund: str | None = None, ytd_outpatient: str | None = None,
                 remote: str | None = None, policy_file: Path | None = None, ytd_burden: str | None = None,
                 ytd_critical: str | None = None, min_confidence: str | None = None, date: str | None = None,
                 person: str | None = None, ledger: bool = False, notes: list[str] | None = None,
                 resolved_from: dict[str, Any] | None = None, assumptions: list[str] | None = None,
                 origins: dict[str, str] | None = None) -> None:
        self.region = region
        self.type = type
        self.visit = visit
        self.tier = tier
        self.amount = amount
        self.self_pay = self_pay
        self.partial_self_pay = partial_self_pay
        self.retired = retired
        self.admission = admission
        self.ytd_fund = ytd_fund
        self.ytd_outpatient = ytd_outpatient
        self.remote = remote
        self.policy_file = policy_file
        self.ytd_burden = ytd_burden
        self.ytd_critical = ytd_critical
        self.min_confidence = min_confidence
        self.date = date  # the bill's day (--date); selects the rules in force then
        self.person = person  # --person: the year so far from this person's ledger
        self.ledger = ledger  # --ledger: the same, for DEFAULT_PERSON
        self.notes: list[str] = [] if notes is None else notes  # warnings about how the options were read
        #: How the region name was read when it was not a region's own (顺德区 → 佛山): ``{"query",
        #: "division", "code", "note"}`` (store.regions.find_region), shown in JSON as ``resolved_from``.
        self.resolved_from = resolved_from
        #: what the estimate assumed (shown as notes)
        self.assumptions: list[str] = [] if assumptions is None else assumptions
        #: where a value came from when not typed as its option: field → "config" | "ledger" (see
        #: medins_cli.words.ORIGINS); a warning about a value names that place, not an option never typed
        self.origins: dict[str, str] = {} if origins is None else origins

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ClaimArgs) and self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"ClaimArgs({shown})"


DEFAULT_PERSON = "本人"  # whose ledger --ledger (and a slip without a person) means


#: Said whenever a bill comes without its 目录外 and 乙类 parts (the whole bill taken as policy-range).
WHOLE_BILL_WHY = "实际账单通常有目录外(全自费)和乙类先行自付的部分,医保一般会付得更少"
WHOLE_BILL_ASSUMED = (f"这张账单按全部属于政策范围内计算:{WHOLE_BILL_WHY};"
                      "可照医院的费用清单用 --self-pay 和 --partial-self-pay 填入,估算更准")


class PolicyUnavailable(UsageError):
    """The region (or ``--policy-file``) named has no policy to compute with."""


class Resolved(NamedTuple):
    """Everything one bill's estimate needs, read from the options, the config and the ledger."""

    policy: Policy
    claim: Claim
    year: YearSoFar
    warnings: list[str]  # about how the options were read (shown as warnings)
    notes: list[str]  # what the estimate assumed (shown as notes)
    minimum: str | None  # the weakest source confidence accepted


def resolve_claim(args: ClaimArgs, cfg: dict[str, Any], *, require_amount: bool = True) -> Resolved:
    """The one way from options (``args``), the config and the ledger to a policy, a claim and its year so far.

    Used by ``estimate``, ``balance``, ``transfer-guide --filing`` and ``slip add --estimate``, so
    the same option means the same thing everywhere. The claim is read before the policy (a
    mistyped amount is said before a missing region), except with the ledger, whose bills are
    counted for the policy's region. A policy that cannot be had raises :class:`PolicyUnavailable`.
    """
    day = None
    if args.date:
        from medins_cli.core.slip import parse_date

        day = parse_date(args.date, "--date")
    if args.person is not None or args.ledger:  # the ledger (sqlite3) is imported only on this path
        policy = _policy(args, cfg)
        args.notes += fill_from_ledger(args, policy, cfg, args.person or DEFAULT_PERSON, day)
        claim = build_claim(args, cfg, require_amount=require_amount, date=day)
    else:
        claim = build_claim(args, cfg, require_amount=require_amount, date=day)
        policy = _policy(args, cfg)
    year = build_year(args, claim.visit)
    return Resolved(policy, claim, year, args.notes, args.assumptions, confidence_floor(args, cfg))


def _policy(args: ClaimArgs, cfg: dict[str, Any]) -> Policy:
    try:
        return resolve_policy(args, cfg)
    except PolicyUnavailable:
        raise
    except UsageError as exc:
        raise PolicyUnavailable(str(exc), exc.code) from None


def load_config() -> dict[str, Any]:
    """The saved config; when it may not be read, one that fails only if a value is needed
    (commands whose options say everything go on, with a note)."""
    from medins_cli.errors import note_later
    from medins_cli.render.output import is_quiet
    from medins_cli.store import config

    cfg = config.load_for_command()
    if isinstance(cfg, config.UnreadableConfig) and not is_quiet():
        note_later(f"提示:没有权限读取 {cfg.path},这次没有用配置(命令行已给出所需的选项)")
    return cfg


def resolve_policy(args: ClaimArgs, cfg: dict[str, Any]) -> Policy:
    """The policy asked for: ``--policy-file``, else ``--region``, else the config's region.

    A policy for a year already past adds a warning to ``args.notes`` (shown in every output).
    """
    policy = _resolve_policy(args, cfg)
    stale = policy_age_warning(policy)
    if stale:
        args.notes.append(stale)
    return policy


def policy_age_warning(policy: Policy) -> str | None:
    from medins_cli.core.engine import stale_warning

    return stale_warning(policy.region.name, policy.year, dt.date.today().year)


def _resolve_policy(args: ClaimArgs, cfg: dict[str, Any]) -> Policy:
    from medins_cli.store.regions import load_policy

    if args.policy_file is not None:
        path = Path(args.policy_file)
        if path.is_dir():
            raise UsageError(f"--policy-file {path} 是一个目录:请给出一个 YAML 文件")
        if not path.is_file():
            raise UsageError(f"找不到策略文件 {path}:请检查路径")
        policy = load_policy(path)
        if args.region and args.region not in (policy.region.name, *policy.region.aliases):
            args.notes.append(f"已使用 --policy-file 中的地区「{policy.region.name}」,忽略 --region {args.region}")
        return policy
    region = args.region or cfg.get("region")
    if not region:
        raise UsageError("没有指定地区:请加 --region 绵阳,或先运行 medins config set region 绵阳")
    if args.region:
        return _load_region(region, args)
    try:
        return _load_region(region, args)
    except UsageError:  # the config may name a place the guides know but no region file covers
        raise UsageError(f"配置的地区「{region}」还没有报销数据:估算请用 --region 指定有数据的地区(medins regions),"
                         "或用 --policy-file 提供该地数据") from None


def _load_region(query: str, args: ClaimArgs) -> Policy:
    """The region's policy; when the user has several files for it, a note (stderr) says which one
    is used; when the name was a district or county, a note says whose figures (顺德区 属于 佛山)."""
    from medins_cli.store.regions import load_region_entry, resolution_note, twin_warning

    policy, entry = load_region_entry(query)
    args.resolved_from = entry.get("resolved_from")
    say_resolved(resolution_note(entry))
    say_resolved(twin_warning(entry))
    return policy


def say_resolved(note: str | None) -> None:
    """A line about how the region was found (顺德区 属于 佛山,按佛山计算; two files for one
    region): on stderr once the command succeeds, not with --quiet, and once however often it is
    asked."""
    if note:
        from medins_cli.errors import note_later
        from medins_cli.render.output import is_quiet

        if not is_quiet():
            note_later(note)


def load_region(name: str) -> Policy:
    """:func:`medins_cli.store.regions.load_region`, saying (:func:`say_resolved`) when a district,
    county or old name was taken as its city."""
    from medins_cli.store.regions import load_region_entry, resolution_note

    policy, entry = load_region_entry(name)
    say_resolved(resolution_note(entry))
    return policy


def find_region(name: str) -> dict[str, Any]:
    """:func:`medins_cli.store.regions.find_region`, saying (:func:`say_resolved`) when a district,
    county or old name was taken as its city."""
    from medins_cli.store.regions import find_region as find
    from medins_cli.store.regions import resolution_note

    entry = find(name)
    say_resolved(resolution_note(entry))
    return entry


def find_place(name: str) -> Any:
    """:func:`medins_cli.store.guides.find_place`, saying (:func:`say_resolved`) when a district,
    county or old name was taken as its city."""
    from medins_cli.store import guides

    place = guides.find_place(name)
    say_resolved(place.note)
    return place


def parse_count(text: str | int | None, what: str, default: int = 1) -> int:
    if text is None or text == "":
        return default
    try:
        value = int(str(text).strip().removeprefix("第").removesuffix("次"))
    except ValueError:
        raise UsageError(f"{what}「{text}」不是整数:请写 1、2、3 …") from None
    return value


def confidence_floor(args: ClaimArgs, cfg: dict[str, Any]) -> str | None:
    """The weakest source confidence the user accepts (option, else config), or None."""
    from medins_cli.core.names import normalize_confidence
    from medins_cli.store.config import ConfigUnreadable

    try:
        word = args.min_confidence or cfg.get("min_confidence")
    except ConfigUnreadable:  # a config that may not be read is not used at all (a note says so)
        word = None
    if word and not args.min_confidence:
        args.origins["min_confidence"] = "config"
    return normalize_confidence(word) if word else None


def check_confidence(policy: Policy, source_ids: Iterable[str], minimum: str | None, origin: str | None = None) -> None:
    """Refuse (exit 1) when a source of the figures used is less sure than ``minimum``; the refusal
    says which regions have figures that sure, and how to list them. ``origin`` is "config" when the
    minimum came from the config (it is named there, not as an option never typed)."""
    if minimum is None:
        return
    from medins_cli.core.names import CONFIDENCE_RANK

    floor = CONFIDENCE_RANK.index(minimum)
    for sid in source_ids:
        src = policy.sources.get(sid)
        level = src.confidence if src is not None else "unverified"
        if CONFIDENCE_RANK.index(level) < floor:
            title = src.title if src is not None else sid
            said = (f"配置里的 min_confidence {minimum}(medins config set min_confidence)" if origin == "config"
                    else f"--min-confidence {minimum}")
            relax = ("加 --min-confidence 更低的一级(或 medins config unset min_confidence)"
                     if origin == "config" else "放宽 --min-confidence")
            raise MedinsError(
                f"{policy.region.name}的这部分数字来自「{title}」(可信度 {level}),低于 {said}:没有给出估算。"
                f"{_confident_regions(minimum)}要用它请{relax},或用 --policy-file 提供更可信的数据",
                ExitCode.ERROR)


def _confident_regions(minimum: str) -> str:
    """How many regions an estimate at ``minimum`` could use, and the commands that list them."""
    from medins_cli.core.names import CONFIDENCE_RANK
    from medins_cli.store.regions import estimable_by_confidence

    levels = [(level, names) for level, names in estimable_by_confidence().items()
              if names and CONFIDENCE_RANK.index(level) >= CONFIDENCE_RANK.index(minimum)]
    if not levels:
        return f"没有哪个地区的数字全部达到 {minimum} 或更可信。"
    count = sum(len(names) for _, names in levels)
    names = [n for _, found in levels for n in found]
    shown = f"({'、'.join(names)})" if count <= 5 else ""
    how = "、".join(f"medins regions --confidence {level}" for level, _ in levels)
    return f"数字全部达到 {minimum} 或更可信、可以估算的地区有 {count} 个{shown},用 {how} 查看。"


def build_claim(args: ClaimArgs, cfg: dict[str, Any], *, require_amount: bool = True,
                date: str | None = None) -> Claim:
    """A core Claim (the bill and what decides its rules) from raw option values, falling back to the config."""
    from medins_cli.core.model import Bill
    from medins_cli.core.money import ZERO, parse_amount
    from medins_cli.core.names import normalize_plan, normalize_remote, normalize_tier, normalize_visit, plan_note

    plan_word = args.type or cfg.get("type")
    if plan_word is None:
        plan_word = "employee"
        args.notes.append("未指定参保类型,按职工医保计算(可用 --type resident,或 medins config set type)")
    elif (said := plan_note(plan_word)) is not None:
        args.assumptions.append(said)
    tier_word = args.tier or cfg.get("tier")
    if tier_word is None:
        raise UsageError("没有指定医院等级:请加 --tier 1|2|3|community(一级/二级/三级/社区)")
    if args.amount is None:
        if require_amount:
            raise UsageError("没有给出费用金额:请加 --amount 8000")
        total = ZERO
    else:
        total = parse_amount(args.amount, "费用总额 --amount")
    retired = args.retired if args.retired is not None else bool(cfg.get("retired", False))
    if args.retired is None and retired:
        args.origins["retired"] = "config"
    if args.self_pay is None and args.partial_self_pay is None and args.amount is not None:
        args.assumptions.append(WHOLE_BILL_ASSUMED)
    bill = Bill(total, _amount(args.self_pay, "全自费 --self-pay"),
                _amount(args.partial_self_pay, "乙类先行自付 --partial-self-pay"))
    return Claim(
        bill=bill,
        tier=normalize_tier(tier_word),
        plan=normalize_plan(plan_word),
        visit=normalize_visit(args.visit or "inpatient"),
        retired=retired,
        remote=normalize_remote(args.remote) if args.remote else None,
        date=date,
    )


def _amount(value: str | None, what: str) -> Decimal:
    from medins_cli.core.money import ZERO, parse_amount

    return ZERO if value in (None, "") else parse_amount(value, what)  # type: ignore[arg-type]


def build_year(args: ClaimArgs, visit: str) -> YearSoFar:
    """The year so far from the --admission and --ytd-* options (a bill of ``visit``); an option
    that does not apply to this kind of bill is named in ``args.notes`` and left out."""
    ytd_fund = _amount(args.ytd_fund, "本年统筹已支付 --ytd-fund")
    ytd_outpatient = _amount(args.ytd_outpatient, "本年门诊已发生 --ytd-outpatient")
    burden = _amount(args.ytd_burden, "本年政策内个人负担 --ytd-burden")
    critical = _amount(args.ytd_critical, "本年大病/大额已支付 --ytd-critical")
    admission = parse_count(args.admission, "住院次数 --admission")
    if not 1 <= admission <= MAX_ADMISSION:  # also for a visit it does not apply to: a typo is said
        from medins_cli.core.errors import ClaimError

        raise ClaimError(f"住院次数 --admission 应在 1 到 {MAX_ADMISSION} 之间(收到 {admission})",
                         code="admission_range", n=admission, limit=MAX_ADMISSION)
    if visit == "inpatient":
        if ytd_outpatient:
            args.notes.append("--ytd-outpatient 只用于门诊统筹,住院已忽略")
        return YearSoFar(admissions=admission - 1, inpatient_fund=ytd_fund, burden=burden, critical=critical)
    if admission != 1:
        args.notes.append("--admission 只用于住院,门诊已忽略")
    if burden or critical:
        args.notes.append("--ytd-burden / --ytd-critical 只用于住院的大病保险,门诊已忽略")
    return YearSoFar(outpatient_fund=ytd_fund, outpatient_eligible=ytd_outpatient)


# ---- the year so far from the ledger ---------------------------------------------------


def _other_regions(rows: list[Any], policy: Policy | None) -> dict[str, int]:
    """The regions (as the ledger writes them) of bills that are not for ``policy``'s region, with
    their counts. A bill without a region is not counted: nothing says it is elsewhere."""
    if policy is None:
        return {}
    from medins_cli.store.regions import region_key

    here = {region_key(policy.region.name), *(region_key(a) for a in policy.region.aliases)}
    elsewhere: dict[str, int] = {}
    for row in rows:
        if row.region and region_key(row.region) not in here:
            elsewhere[row.region] = elsewhere.get(row.region, 0) + 1
    return elsewhere


def fill_from_ledger(args: ClaimArgs, policy: Policy | None, cfg: dict[str, Any], person: str,
                     before: str | None) -> list[str]:
    """Fill --admission and the --ytd-* figures of ``args`` from ``person``'s bills of the year
    (those dated before ``before`` when given, else the whole current year); explicit options win.
    Returns warnings; what was filled is said in ``args.assumptions``."""
    from medins_cli.core.money import money
    from medins_cli.core.names import PLANS, normalize_plan, normalize_visit
    from medins_cli.core.year import includes_partial, summarise
    from medins_cli.store import ledger

    year = int(before[:4]) if before else dt.date.today().year
    rows = [e for e in ledger.entries(person=person, year=year) if before is None or e.date < before]
    visit = normalize_visit(args.visit) if args.visit else "inpatient"
    plan = normalize_plan(args.type or cfg.get("type") or "employee")
    ytd = summarise(rows, includes_partial_self_pay=includes_partial(policy, plan))
    warnings = []
    other_plans = [p for p in ytd.plans if p != plan]
    if other_plans:
        warnings.append(f"账本里{person} {year} 年的账单有{'、'.join(PLANS[p] for p in other_plans)}的:"
                        "一起计入了本年累计,请核对参保类型")
    elsewhere = _other_regions(rows, policy)
    if elsewhere and policy is not None:
        count = sum(elsewhere.values())
        warnings.append(f"账本里{person} {year} 年有 {count} 张账单是{'、'.join(elsewhere)}的,不是{policy.region.name}的:"
                        "本年累计可能不适用(已一起计入;请核对地区,或用 --ytd-fund 等选项自己给出)")
    figures: list[tuple[str, str, str]] = []  # (attribute, option, value) in the order an estimate reads them
    if visit == "inpatient" and args.admission in (None, "") and ytd.admissions >= MAX_ADMISSION:
        from medins_cli.errors import MedinsError

        raise MedinsError(f"账本里{person} {year} 年已有 {ytd.admissions} 次住院,这次会是第 {ytd.admissions + 1} 次,"
                          f"超过一年 {MAX_ADMISSION} 次:账本里可能有重复记的账。请用 medins slip list --person {person} "
                          f"--year {year} 查看(medins slip remove 编号 删掉多余的),或用 --admission 写明这是第几次住院")
    if visit == "inpatient":
        figures.append(("admission", "--admission", str(ytd.admissions + 1)))
        figures.append(("ytd_fund", "--ytd-fund", f"{ytd.inpatient_fund}"))
        figures.append(("ytd_burden", "--ytd-burden", f"{ytd.burden}"))
        figures.append(("ytd_critical", "--ytd-critical", f"{ytd.critical_illness_pay}"))
    else:
        figures.append(("ytd_fund", "--ytd-fund", f"{ytd.outpatient_fund}"))
        figures.append(("ytd_outpatient", "--ytd-outpatient", f"{ytd.outpatient_eligible}"))
    words = {"admission": lambda v: f"本年第 {v} 次住院", "ytd_fund": lambda v: f"本年统筹已付 {money(Decimal(v))}",
             "ytd_burden": lambda v: f"本年政策内个人负担 {money(Decimal(v))}",
             "ytd_critical": lambda v: f"本年大病/大额已付 {money(Decimal(v))}",
             "ytd_outpatient": lambda v: f"本年门诊政策内费用 {money(Decimal(v))}"}
    filled, kept = [], []
    for attr, option, value in figures:
        if getattr(args, attr) not in (None, ""):
            kept.append(option)
            continue
        setattr(args, attr, value)
        args.origins[attr] = "ledger"
        filled.append(f"{words[attr](value)}({option})")
    span = f"{year} 年 {before} 以前" if before else f"{year} 年"
    counted = f"{ytd.bills} 张账单" + (f",其中 {ytd.estimates} 张是估算" if ytd.estimates else "")
    if not rows:
        args.assumptions.append(f"账本里没有{person} {span}的账单:按本年第一笔计算")
    elif filled:
        args.assumptions.append(f"从账本({person},{span},{counted})填入:" + "、".join(filled)
                                + (f";命令行给出的 {'、'.join(kept)} 优先" if kept else ""))
    else:
        args.assumptions.append(f"账本({person},{span},{counted})的数字没有用:命令行都给出了")
    return warnings
