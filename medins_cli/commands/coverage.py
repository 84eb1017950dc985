"""``medins coverage``: when benefits start after paying, why, what arrears change, and the 大病 incentives."""

import datetime as dt
from typing import Annotated, Any, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.errors import guard

HELP = """缴费后什么时候开始享受待遇、为什么(每条规则带来源),补缴能改变什么,连续参保和零报销让大病保险封顶线提高多少。

城乡居民医保(2025 年起的全国规定):不在集中参保期内缴费或没有连续参保的,有 3 个月固定等待期,断保第 2 年起每年再加 1 个月;补缴 1 年减 1 个月变动等待期;断保 4 年及以上合计不少于 6 个月;新生儿不设等待期。
职工医保:中断 3 个月以内补缴后追溯;超过 3 个月由当地设不超过 6 个月的等待期。
当地公布的数字(集中参保期、新生儿、激励金额)有来源的才用,否则按全国规定并写明。

示例:

  medins coverage -t 居民 --last-paid 2024 --pay-date 2025-11-10 --in-window

  medins coverage -t 居民 --gap 3 --pay-date 2026-03-10 --outside-window --explain

  medins coverage -t 居民 -r 福州 --last-paid 2025 --pay-date 2025-10-01 --continuous-years 6 --claim-free-years 1

  medins coverage -t 职工 --last-paid 2025-06 --pay-date 2025-10-15 -f json
"""
EPILOG = o.words_epilog()


@guard
def coverage(
    type_: o.Type = None,
    region: Annotated[Optional[str], typer.Option(
        "--region", "-r", help="地区,用它和它的省份公布的数字,以及居民大病保险封顶线(默认取配置)", show_default=False)] = None,
    last_paid: Annotated[Optional[str], typer.Option(
        "--last-paid", help="居民:最后参保的年度,如 2024;职工:最后缴费的月份,如 2025-06", show_default=False)] = None,
    gap: Annotated[Optional[int], typer.Option(
        "--gap", help="居民:断保的年数(不写 --last-paid 时),0 为连续参保", show_default=False)] = None,
    pay_date: Annotated[Optional[str], typer.Option(
        "--pay-date", help="这次缴费的日期(默认今天)", show_default=False)] = None,
    in_window: Annotated[Optional[bool], typer.Option(
        "--in-window/--outside-window", help="居民:缴费是否在集中参保期内(数据有当地参保期时可不写)",
        show_default=False)] = None,
    for_year: Annotated[Optional[int], typer.Option(
        "--for-year", help="居民:缴的是哪个参保年度(默认:集中参保期内下半年缴的是下一年,否则是当年)", show_default=False)] = None,
    arrears: Annotated[int, typer.Option("--arrears", help="居民:这次多补缴的年数(修复变动等待期)")] = 0,
    newborn: Annotated[bool, typer.Option("--newborn", help="新生儿参保(不设等待期)")] = False,
    birth_date: Annotated[Optional[str], typer.Option(
        "--birth-date", help="新生儿的出生日期(当地有“出生后 N 天内参保从出生起享受”时用)", show_default=False)] = None,
    group: Annotated[Optional[str], typer.Option(
        "--group", help="你属于的特殊群体,如 退役军人、困难群众(是否免等待期看当地规定)", show_default=False)] = None,
    continuous_years: Annotated[Optional[int], typer.Option(
        "--continuous-years", help="居民:连续参保的年数(含这个参保年度),算连续参保激励",
        show_default=False)] = None,
    claim_free_years: Annotated[Optional[int], typer.Option(
        "--claim-free-years", help="居民:上次使用奖励以来没有报销的年数,算零报销激励",
        show_default=False)] = None,
    resident_contribution: Annotated[Optional[str], typer.Option(
        "--contribution", help="居民个人缴费(元/年),用来估算补缴的费用(默认按数据)", show_default=False)] = None,
    explain: Annotated[bool, typer.Option("--explain", help="每条规则带来源和引文,并列出来源之间的分歧")] = False,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain")] = None,
    quiet: o.Quiet = False,
) -> None:
    from medins_cli.commands.env import Env
    from medins_cli.core import coverage as rules_core
    from medins_cli.core.names import normalize_plan
    from medins_cli.core.slip import parse_date
    from medins_cli.errors import UsageError
    from medins_cli.render import coverage as present
    from medins_cli.render.output import console, emit_json, emit_lines, emit_plain_mapping, resolve_format
    from medins_cli.store import rules

    env = Env(quiet=quiet)
    form = resolve_format(fmt, ("table", "json", "plain"))
    for flag, value in (("--gap", gap), ("--arrears", arrears), ("--continuous-years", continuous_years),
                        ("--claim-free-years", claim_free_years)):
        if value is not None and not 0 <= value <= 100:
            raise UsageError(f"{flag} 应在 0 到 100 年之间(收到 {value})")
    cfg = env.config
    plan_word = type_ or cfg.get("type")
    if not plan_word:
        raise UsageError("没有指定参保类型:请加 --type 居民 或 --type 职工")
    plan = normalize_plan(plan_word)
    paid = dt.date.fromisoformat(parse_date(pay_date, "--pay-date")) if pay_date else dt.date.today()
    place, places, policy = _place(region or cfg.get("region"), explicit=region is not None)
    book = rules.waiting()
    ask: dict[str, object] = {"plan": plan, "pay_date": paid.isoformat(), "last_paid": last_paid}
    if plan == "employee":
        for flag, value in (("--gap", gap), ("--for-year", for_year), ("--in-window/--outside-window", in_window),
                            ("--continuous-years", continuous_years), ("--claim-free-years", claim_free_years)):
            if value is not None:
                raise UsageError(f"{flag} 只用于居民医保:职工医保按月算中断,请用 --last-paid 2025-06")
        if arrears or newborn or group or birth_date:
            raise UsageError("--arrears、--newborn、--group、--birth-date 只用于居民医保")
        if last_paid is None:
            raise UsageError("职工医保要给出最后缴费的月份:请加 --last-paid 2025-06")
        last = _month(last_paid)
        if last > paid:
            raise UsageError(f"最后缴费的月份 {last_paid} 晚于这次缴费的日期 {paid}:请检查")
        result = rules_core.employee(book, last, paid)
    else:
        result = _resident(book, rules, policy, places, paid, last_paid, gap, in_window, for_year, arrears, newborn,
                           birth_date, group, continuous_years, claim_free_years, resident_contribution, ask)
    data = present.payload(book.book, ask, result, place)
    if form == "json":
        emit_json(data)
    elif form == "plain":
        emit_plain_mapping(present.plain(data))
        if explain:
            emit_lines(present.plain_explain(result))
    else:
        present.render(console(), book.book, result, place, explain=explain)


def _month(text: str) -> "dt.date":

    from medins_cli.errors import UsageError

    try:
        year, month = (int(p) for p in text.strip().replace("/", "-").split("-")[:2])
        return dt.date(year, month, 1)
    except ValueError:
        raise UsageError(f"--last-paid「{text}」不是月份:职工医保请写成 2025-06") from None


def _place(name: Optional[str], *, explicit: bool) -> tuple[Optional[str], tuple[str, ...], Any]:
    """The region asked for (its name, its province, its policy), or nothing (national rules only)."""
    from medins_cli.errors import UsageError

    if not name:
        return None, (), None
    from medins_cli.commands.claims import load_region

    try:
        policy = load_region(name)
    except UsageError:
        if explicit:
            raise
        return None, (), None
    return policy.region.name, (policy.region.name, policy.region.province), policy


def _resident(book: Any, rules: Any, policy: Any, places: tuple[str, ...], paid: "dt.date", last_paid: Optional[str],
              gap: Optional[int], in_window: Optional[bool], for_year: Optional[int], arrears: int, newborn: bool,
              birth_date: Optional[str], group: Optional[str], continuous_years: Optional[int],
              claim_free_years: Optional[int], resident_contribution: Optional[str], ask: dict[str, Any]) -> Any:

    from medins_cli.core import contribution
    from medins_cli.core import coverage as rules_core
    from medins_cli.core.money import parse_amount
    from medins_cli.core.slip import parse_date
    from medins_cli.errors import UsageError

    local = book.place_rules(places)
    window = next((p.window for p in local if p.window is not None), None)
    extension = next((p.extension for p in local if p.extension is not None), None)
    said_by = "user"
    in_extension = False
    if in_window is None:
        if window is None:
            where = f"{places[0]}的" if places else ""
            raise UsageError(f"不知道{where}集中参保期:请加 --in-window(在集中参保期内缴费)或 --outside-window")
        said_by = "data"
        in_window = window.holds(paid)
        in_extension = not in_window and extension is not None and extension.holds(paid)
    elif extension is not None and not in_window:
        in_extension = extension.holds(paid)
    year = for_year
    if year is None:
        year = paid.year + 1 if in_window and paid.month >= 7 else paid.year
    elif year not in (paid.year, paid.year + 1):
        raise UsageError(f"--for-year {year} 不是缴费那年({paid.year})或下一年:这次缴的只能是这两个参保年度之一")
    if last_paid is not None and gap is not None:
        raise UsageError("--last-paid 和 --gap 只写一个")
    if last_paid is not None:
        try:
            last = int(last_paid.strip().removesuffix("年"))
        except ValueError:
            raise UsageError(f"--last-paid「{last_paid}」不是年份:居民医保请写最后参保的年度,如 2024") from None
        if last >= year:
            raise UsageError(f"最后参保的年度 {last} 不早于这次缴的参保年度 {year}:已经参保了;"
                             "要算别的年度请用 --for-year")
        gap_years = year - last - 1
    elif gap is not None:
        gap_years = gap
    elif newborn:
        gap_years = 0
    else:
        raise UsageError("居民医保要给出最后参保的年度(--last-paid 2024)或断保年数(--gap 1;连续参保写 0)")
    born = dt.date.fromisoformat(parse_date(birth_date, "--birth-date")) if birth_date else None
    if born is not None and born > paid:
        raise UsageError(f"出生日期 {born} 晚于缴费日期 {paid}:请检查")
    cap = cap_source = None
    if policy is not None:
        section = policy.at(dt.date(year, 1, 1)).plans.get("resident", {}).get("critical_illness")
        if section is not None and getattr(section.rule, "annual_cap", None) is not None:
            cap = section.rule.annual_cap
            src = policy.sources.get(section.source_of("annual_cap"))
            from medins_cli.render.output import CONFIDENCE

            cap_source = f"{policy.region.name}的居民大病保险封顶线" + (f",{CONFIDENCE[src.confidence]}" if src else "")
    given = parse_amount(resident_contribution, "--contribution") if resident_contribution else None
    cost = contribution.resident(rules.contributions(), year, places, given)
    cost_step = None
    if cost.amount is not None:
        last_step = cost.steps[-1]
        cost_step = last_step._replace(key="repair_cost", label=f"补缴一年的参考:{year} 年度的居民个人缴费({last_step.label})")
    ask.update({"coverage_year": year, "gap_years": gap_years, "in_window": in_window, "window_from": said_by,
                "extension": in_extension, "arrears_years": arrears})
    return rules_core.resident(book, rules_core.ResidentAsk(
        paid, year, gap_years, in_window, said_by, in_extension, arrears, newborn, born, group, continuous_years,
        claim_free_years, cap, cap_source), places, cost.amount, cost_step)
