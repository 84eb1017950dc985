"""``medins maternity``: maternity leave days by rule and the 生育津贴, each step with its source."""

from typing import Annotated, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.errors import guard

HELP = """产假天数和生育津贴,每一步写明来源(--explain)。

国家规定的天数(《女职工劳动保护特别规定》第七条)、省里延长的天数(有来源的才算,按分娩日期选当时的版本),以及按用人单位上年度职工月平均工资算的津贴。

津贴按“月平均工资 ÷ 30 × 天数”是地方做法,不是全国法律(有的地方 × 12 ÷ 365,用 --daily 365)。省里延长的天数由生育保险还是用人单位支付,来源说了的才写;没有来源的省写“不明”,绝不推算。

示例:

  medins maternity --province 广东 --wage 9000

  medins maternity --province 北京 --wage 9000 --difficult --babies 2 --date 2026-05-01

  medins maternity --province 广东 --wage 9000 --miscarriage-weeks 10 --explain

  medins maternity --province 浙江 --child 2 --wage 12000 -f json
"""


@guard
def maternity(
    province: Annotated[Optional[str], typer.Option(
        "--province", help="省份,如 广东、北京;也可写城市(按它的省份)(默认取配置的地区)", show_default=False)] = None,
    wage: Annotated[Optional[str], typer.Option(
        "--wage", help="用人单位上年度职工月平均工资(元),不写则只算天数", show_default=False)] = None,
    date: Annotated[Optional[str], typer.Option(
        "--date", help="分娩(或流产)日期,如 2026-03-01,选当时有效的省级规定(默认今天)", show_default=False)] = None,
    difficult: Annotated[bool, typer.Option("--difficult", help="难产(国家规定加 15 天)")] = False,
    babies: Annotated[int, typer.Option("--babies", help="婴儿数(多胞胎每多 1 个加 15 天)")] = 1,
    miscarriage_weeks: Annotated[Optional[int], typer.Option(
        "--miscarriage-weeks", help="流产时怀孕的周数(未满 4 个月 15 天,满 4 个月 42 天)",
        show_default=False)] = None,
    child: Annotated[Optional[int], typer.Option(
        "--child", help="这是第几个孩子(浙江、河北按它不同)", show_default=False)] = None,
    daily: Annotated[str, typer.Option("--daily", help="日额算法:30(月平均工资 ÷ 30)| 365(× 12 ÷ 365)")] = "30",
    explain: Annotated[bool, typer.Option("--explain", help="逐步列出规则、计算和来源(含引文)")] = False,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain")] = None,
    quiet: o.Quiet = False,
) -> None:
    import datetime as dt

    from medins_cli.commands.env import Env
    from medins_cli.core.maternity import MaternityAsk, leave
    from medins_cli.core.money import parse_amount
    from medins_cli.core.slip import parse_date
    from medins_cli.errors import UsageError
    from medins_cli.render import maternity as present
    from medins_cli.render.output import console, emit_json, emit_lines, emit_plain_mapping, resolve_format
    from medins_cli.store import rules

    env = Env(quiet=quiet)
    form = resolve_format(fmt, ("table", "json", "plain"))
    for flag, value, low, high in (("--babies", babies, 1, 9), ("--miscarriage-weeks", miscarriage_weeks, 1, 45),
                                   ("--child", child, 1, 9)):
        if value is not None and not low <= value <= high:
            raise UsageError(f"{flag} 应在 {low} 到 {high} 之间(收到 {value})")
    if miscarriage_weeks is not None and (difficult or babies != 1):
        raise UsageError("--miscarriage-weeks 不能与 --difficult 或 --babies 同用:流产按怀孕周数算")
    name = province or env.config.get("region")
    if not name:
        raise UsageError("没有指定省份:请加 --province 广东(或先 medins config set region 某地)")
    where = province_of(name)
    day = dt.date.fromisoformat(parse_date(date, "--date")) if date else dt.date.today()
    amount = parse_amount(wage, "月平均工资 --wage") if wage is not None else None
    if amount is not None and amount <= 0:
        raise UsageError("月平均工资 --wage 要大于 0")
    book = rules.maternity()
    if daily.strip() not in {r.key for r in book.rates}:
        raise UsageError(f"--daily 可选 {'|'.join(r.key for r in book.rates)}(收到「{daily}」)")
    ask = MaternityAsk(where, day, amount, difficult, babies, miscarriage_weeks, child, daily.strip())
    result = leave(book, ask)
    if form == "json":
        emit_json(present.payload(book.book, ask, result))
    elif form == "plain":
        emit_plain_mapping(present.plain(present.payload(book.book, ask, result)))
        if explain:
            emit_lines(present.plain_explain(result))
    else:
        present.render(console(), book.book, ask, result, explain=explain)


def province_of(name: str) -> str:
    """A province from a province's name (广东、广东省、guangdong) or a place medins knows (佛山, 顺德区 → 广东)."""
    from medins_cli.core.names import province_name
    from medins_cli.errors import UsageError
    from medins_cli.store.placenames import province_word
    from medins_cli.store.rules_schema import MAINLAND

    found = province_word(name)
    if found is None:
        from medins_cli.store.regions import find_region

        try:
            found = province_name(str(find_region(name).get("province") or ""))
        except UsageError:
            found = None
    if found is None or found not in MAINLAND:
        raise UsageError(f"不认识的省份「{name}」:请写 31 个省区市之一,如 广东、北京、新疆")
    return found
