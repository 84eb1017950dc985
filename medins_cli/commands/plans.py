"""``medins plans``: a year of bills under 职工医保 and under 城乡居民医保, with each plan's contribution."""

from typing import Annotated, Any, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.errors import guard

HELP = """一年的账单分别按职工医保和城乡居民医保算:医保付多少、自己付多少、一年缴多少费、全年一共花多少,哪种更省。

账单文件与 estimate --batch 的格式相同(CSV 或 JSON Lines,见 docs/batch.md):每行一笔,用 date、visit、tier、amount、self_pay、partial_self_pay、remote 列;两种参保都按日期先后累计本年的住院次数、封顶线和大病起付线。

缴费:居民按国家通知的标准(有当地数字的用当地的;--resident-contribution 给出自己的);职工按 月缴费基数 × 费率 × 12(--base、--rate,或 --employee-contribution 直接给一年的金额)。灵活就业算个人缴的全部;在职和退休只算你自己缴的部分。输出写明哪些数字是国家标准、哪些是你给的。

示例:

  medins plans -r 佛山 --bills 2026.csv

  medins plans -r 佛山 --bills 2026.csv --base 4000 --rate 8.5%

  medins plans -r 佛山 --bills 2026.csv --employee-contribution 4080 --resident-contribution 400 -f json

  medins plans -r 佛山 --bills 2026.csv --status 退休 --employee-contribution 0 --explain
"""
EPILOG = o.words_epilog()


@guard
def plans(
    bills: Annotated[Optional[str], typer.Option(
        "--bills", help="一年的账单:CSV 或 JSON Lines 文件(- 为标准输入),格式同 --batch", show_default=False)] = None,
    region: o.Region = None,
    tier: o.Tier = None,
    year: Annotated[Optional[int], typer.Option(
        "--year", help="参保年度(默认取账单的年份,没有日期时为今年)", show_default=False)] = None,
    status: Annotated[Optional[str], typer.Option(
        "--status", help="职工医保的身份:灵活就业 | 在职 | 退休(flexible|employed|retired)(默认:配置里是退休则退休,否则灵活就业)",
        show_default=False)] = None,
    base: Annotated[Optional[str], typer.Option(
        "--base", help="职工:月缴费基数(元)", show_default=False)] = None,
    rate: Annotated[Optional[str], typer.Option(
        "--rate", help="职工:费率,如 8.5% 或 0.085(在职时写你自己缴的比例)", show_default=False)] = None,
    employee_contribution: Annotated[Optional[str], typer.Option(
        "--employee-contribution", help="职工:一年缴多少(元),代替 --base 和 --rate", show_default=False)] = None,
    resident_contribution: Annotated[Optional[str], typer.Option(
        "--resident-contribution", help="居民:一年的个人缴费(元),代替数据里的标准", show_default=False)] = None,
    policy_file: o.PolicyFile = None,
    input_format: Annotated[Optional[str], typer.Option(
        "--input-format", help="账单文件格式:csv|jsonl(默认按扩展名)", show_default=False)] = None,
    explain: Annotated[bool, typer.Option("--explain", help="列出每笔账单和缴费的算法、来源和引文")] = False,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain")] = None,
    quiet: o.Quiet = False,
) -> None:
    from medins_cli.commands.claims import ClaimArgs, resolve_policy
    from medins_cli.commands.env import Env
    from medins_cli.core import contribution
    from medins_cli.core.money import parse_amount, parse_ratio
    from medins_cli.core.plans import plan_year, verdict, year_range
    from medins_cli.render import plans as present
    from medins_cli.render.output import console, emit_json, emit_lines, emit_plain_mapping, resolve_format
    from medins_cli.store import bills as year_file
    from medins_cli.store import rules

    env = Env(quiet=quiet)
    form = resolve_format(fmt, ("table", "json", "plain"))
    if bills is None:
        from medins_cli.errors import UsageError

        raise UsageError("没有给出一年的账单:请加 --bills 账单.csv(格式同 estimate --batch,见 docs/batch.md)")
    if employee_contribution is not None and (base is not None or rate is not None):
        from medins_cli.errors import UsageError

        raise UsageError("--employee-contribution 已经给出一年的缴费:不要再写 --base 或 --rate")
    cfg = env.config
    who = contribution.normalize_status(status or ("退休" if cfg.get("retired") else "灵活就业"))
    args = ClaimArgs(region=region, policy_file=policy_file)
    policy = resolve_policy(args, cfg)
    data = year_file.read(bills, input_format)
    items, bill_year, notes = _bills(data, policy, tier or cfg.get("tier"))
    the_year = year or bill_year
    places = (policy.region.name, policy.region.province)
    book = rules.contributions()
    costs = {
        "employee": contribution.employee(
            book, who, base=parse_amount(base, "月缴费基数 --base") if base is not None else None,
            rate=parse_ratio(rate, "费率 --rate") if rate is not None else None,
            given=parse_amount(employee_contribution, "--employee-contribution") if employee_contribution else None,
            places=places),
        "resident": contribution.resident(
            book, the_year, places,
            parse_amount(resident_contribution, "--resident-contribution") if resident_contribution else None),
    }
    retired = who == "retired"
    years = [plan_year(policy, plan, items, costs[plan], retired=retired) for plan in ("employee", "resident")]
    if all(y.error for y in years):
        from medins_cli.errors import DataError

        raise DataError(f"两种参保都算不了:{years[0].error}")
    ranges = {y.plan: year_range(policy, y, items, retired=retired) for y in years}
    result = verdict(years, ranges)
    warnings = list(args.notes)
    if data.ignored:
        notes.append(f"账单文件的 {'、'.join(data.ignored)} 列没有用:plans 两种参保都算,本年累计按账单先后自己计")
    if form == "json":
        emit_json(present.payload(policy, book.book, the_year, who, retired, years, ranges, result, warnings, notes))
    elif form == "plain":
        emit_plain_mapping(present.plain(present.payload(policy, book.book, the_year, who, retired, years, ranges,
                                                         result, warnings, notes)))
        if explain:
            emit_lines(present.plain_explain(years))
            emit_lines(f"range.{i}: {line}" for i, line in enumerate(present.range_lines(policy, years, ranges), 1))
    else:
        present.render(console(), policy, book.book, the_year, who, years, ranges, result, warnings, notes,
                       explain=explain)


def _bills(data: Any, policy: Any, tier_default: Optional[str]) -> tuple[list[Any], int, list[str]]:
    """The year file's rows as bills in date order, the year they are in, and notes."""
    import datetime as dt

    from medins_cli.core.errors import CoreError
    from medins_cli.core.model import Bill
    from medins_cli.core.money import ZERO, parse_amount
    from medins_cli.core.names import normalize_remote, normalize_tier, normalize_visit
    from medins_cli.core.plans import YearBill
    from medins_cli.errors import UsageError
    from medins_cli.store.bills import parse_day
    from medins_cli.store.regions import region_key

    items = []
    notes: list[str] = []
    names = {region_key(n) for n in (policy.region.name, *policy.region.aliases)}
    for row in data.rows:
        c = row.cells
        try:
            if c.get("region") and region_key(c["region"]) not in names:
                raise UsageError(f"这一行的地区是「{c['region']}」,不是 {policy.region.name}:plans 一次算一个地区;"
                                 "在外地看病请填 remote 列")
            tier_word = c.get("tier") or tier_default
            if not tier_word:
                raise UsageError("没有医院等级:请填 tier 列,或加 --tier")
            if not c.get("amount"):
                raise UsageError("没有费用金额:请填 amount 列")
            day = parse_day(c["date"], row.line) if c.get("date") else None
            bill = Bill(parse_amount(c["amount"], "amount 列"),
                        parse_amount(c["self_pay"], "self_pay 列") if c.get("self_pay") else ZERO,
                        parse_amount(c["partial_self_pay"], "partial_self_pay 列") if c.get("partial_self_pay") else ZERO)
            items.append(YearBill(row.line, day, normalize_visit(c.get("visit") or "inpatient"), normalize_tier(tier_word),
                                  bill, normalize_remote(c["remote"]) if c.get("remote") else None))
        except (UsageError, CoreError) as exc:
            message = str(exc)
            if message.startswith("账单文件"):
                raise
            raise UsageError(f"账单文件第 {row.line} 行:{message}") from None
    days = [i.date for i in items if i.date]
    if days and len(days) == len(items):
        items.sort(key=lambda i: i.date or "")
    elif days:
        notes.append("有的账单没有日期:按文件里的先后累计本年的住院次数和封顶线")
    years = {d[:4] for d in days}
    if len(years) > 1:
        raise UsageError(f"账单跨了 {len(years)} 个年度({'、'.join(sorted(years))}):plans 一次算一年,请按年分成几个文件")
    the_year = int(next(iter(years))) if years else dt.date.today().year
    if not any(not i.bill.self_pay and not i.bill.partial_self_pay for i in items):
        return items, the_year, notes
    from medins_cli.commands.claims import WHOLE_BILL_WHY

    notes.append(f"self_pay 和 partial_self_pay 都空着的账单按整张属于政策范围内计算:{WHOLE_BILL_WHY}")
    return items, the_year, notes
