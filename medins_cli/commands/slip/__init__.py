"""``medins slip check|add|list|remove|export|year``: read your own settlement slip (结算单), check it,
learn your city's real figures from it, and carry the year in a local ledger."""

from typing import Annotated, Any, Optional

import typer

from medins_cli.commands import options as o
from medins_cli.commands.completion import complete_person
from medins_cli.commands.helpfmt import Command, Group
from medins_cli.errors import guard

app = typer.Typer(
    cls=Group,
    help="结算单(医疗费用结算单):核对(check)、从中学习本地的真实数字(check --learn)、记账(add/list/remove/export)、"
    "看本年累计(year)。\n\n"
    "示例:\n\n  medins slip check 结算单.yaml --region 绵阳 --tier 3\n\n"
    "  medins slip check 结算单.yaml --learn\n\n"
    "  medins slip add 结算单.yaml --person 妈妈\n\n"
    "  medins slip year --person 妈妈\n\n"
    "  medins estimate --tier 3 --amount 20000 --person 妈妈      (本年累计从账本填入)\n\n"
    "结算单文件(YAML、JSON 或 CSV)的字段可以写 medins 的键、医保结算接口的字段名或结算单上印的中文,"
    "见 docs/slips.md。",
    no_args_is_help=True,
)

SlipFile = Annotated[Optional[str], typer.Argument(
    help="结算单文件:YAML、JSON(也认医保结算接口的 setlinfo 报文)或 CSV;- 为标准输入;不写则用下面的金额选项",
    show_default=False)]
Money = Optional[str]


def _money_option(flag: str, text: str) -> Any:
    return typer.Option(flag, help=text, show_default=False, rich_help_panel="结算单上的金额")


Total = Annotated[Money, _money_option("--amount", "医疗费总额(medfee_sumamt)")]
SelfPay = Annotated[Money, _money_option("--self-pay", "全自费金额(fulamt_ownpay_amt)")]
OverLimit = Annotated[Money, _money_option("--over-limit", "超限价自费(overlmt_selfpay)")]
PartialSelfPay = Annotated[Money, _money_option("--partial-self-pay", "先行自付金额(preselfpay_amt)")]
Eligible = Annotated[Money, _money_option("--eligible", "符合政策范围金额(inscp_scp_amt)")]
Deductible = Annotated[Money, _money_option("--deductible", "起付线 / 实际支付起付线(act_pay_dedc)")]
FundPay = Annotated[Money, _money_option("--fund-pay", "统筹基金支付(hifp_pay)")]
CriticalPay = Annotated[Money, _money_option("--critical-illness-pay", "大病保险 / 大额医疗(hifmi_pay / hifob_pay)")]
AssistancePay = Annotated[Money, _money_option("--assistance-pay", "医疗救助(maf_pay)")]
OtherFundPay = Annotated[Money, _money_option("--other-fund-pay", "其他基金:公务员补助、企业补充保险等(cvlserv_pay 等)")]
HospitalPay = Annotated[Money, _money_option("--hospital-pay", "医院负担(hosp_part_amt)")]
AccountPay = Annotated[Money, _money_option("--account-pay", "个人账户支付(acct_pay)")]
FamilyPay = Annotated[Money, _money_option("--family-pay", "共济账户支付(acct_mulaid_pay)")]
CashPay = Annotated[Money, _money_option("--cash-pay", "个人现金支付(psn_cash_pay)")]
Date = Annotated[Optional[str], typer.Option("--date", help="结算日期,如 2025-03-02", show_default=False)]
Hospital = Annotated[Optional[str], typer.Option("--hospital", help="医院名称", show_default=False)]
Person = Annotated[Optional[str], typer.Option("--person", "-p", help="哪个人的账(默认 本人),如 妈妈",
                                               autocompletion=complete_person, show_default=False)]
Ledger = Annotated[bool, typer.Option("--ledger", help="本年累计从本人的账本填入(同 --person 本人)")]
Year = Annotated[Optional[int], typer.Option("--year", help="哪一年(默认今年)", show_default=False)]


AMOUNT_PARAMS = (("total", Total), ("self_pay", SelfPay), ("over_limit", OverLimit),
                 ("partial_self_pay", PartialSelfPay), ("eligible", Eligible), ("deductible", Deductible),
                 ("fund_pay", FundPay), ("critical_illness_pay", CriticalPay), ("assistance_pay", AssistancePay),
                 ("other_fund_pay", OtherFundPay), ("hospital_pay", HospitalPay), ("account_pay", AccountPay),
                 ("family_pay", FamilyPay), ("cash_pay", CashPay))
YTD_FIELDS = ("ytd_fund", "ytd_outpatient", "ytd_burden", "ytd_critical")

#: The options of a slip given on the command line (check and add): amounts, then the context.
SLIP_PARAMS: tuple[tuple[str, object, object, str], ...] = (
    *((name, kind, None, name) for name, kind in AMOUNT_PARAMS),
    ("region", o.Region, None, "region"), ("type_", o.Type, None, "type"), ("visit", o.Visit, None, "visit"),
    ("tier", o.Tier, None, "tier"), ("retired", o.Retired, None, "retired"),
    ("admission", o.Admission, None, "admission"), ("remote", o.Remote, None, "remote"),
    ("date", Date, None, "date"), ("hospital", Hospital, None, "hospital"),
    ("policy_file", o.PolicyFile, None, "policy_file"),
    ("ytd_fund", o.YtdFund, None, "ytd_fund"), ("ytd_outpatient", o.YtdOutpatient, None, "ytd_outpatient"),
    ("ytd_burden", o.YtdBurden, None, "ytd_burden"), ("ytd_critical", o.YtdCritical, None, "ytd_critical"),
)


def _slip_options(kw: dict[str, Any]) -> Any:
    from medins_cli.commands.slip.common import SlipOptions

    amounts = {name: kw.pop(name) for name, _ in AMOUNT_PARAMS}
    ytd = {key: kw.pop(key) for key in YTD_FIELDS}
    return SlipOptions(amounts=amounts, ytd={k: v for k, v in ytd.items() if v is not None}, **kw)


slip_options = o.option_group(SLIP_PARAMS, _slip_options)


CHECK_HELP = """核对一张结算单:各项加起来对不对;和按地区政策算出的估算逐项对比,差在哪里、可能为什么;
这张单说明了什么(起付线、统筹比例)。加总正确退出码 0(与估算不同也是 0),加总不对为 1。

地区、参保类型、医院等级、是否退休、第几次住院、异地,先看结算单,再看选项(选项优先),最后取配置。

--learn 把这张单确定的数字(只限它的参保类型、住院/门诊、医院等级和在职/退休)写进你自己的地区文件,
来源记为 observed(本人结算单);写之前列出 旧 → 新 并询问(--yes 直接写)。

示例:

  medins slip check 结算单.yaml --region 绵阳 --tier 3

  medins slip check - < setlinfo.json -f json

  medins slip check --amount 8000 --fund-pay 6090 --cash-pay 1910 -r 绵阳 --tier 3

  medins slip check 结算单.yaml --learn --yes
"""


@app.command("check", help=CHECK_HELP, epilog=o.words_epilog(), cls=Command)
@guard
@slip_options
def check(
    source: SlipFile = None,
    args: Any = None,
    person: Person = None, ledger: Ledger = False,
    learn: Annotated[bool, typer.Option("--learn", help="把这张单确定的数字写进自己的地区文件(先列出改动并询问)")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="--learn 时不询问,直接写入")] = False,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain")] = None,
    quiet: o.Quiet = False,
) -> None:
    from medins_cli.commands.slip import checking as slip_check_cmd

    code = slip_check_cmd.run(source, args, person="本人" if ledger and not person else person, learn=learn,
                              yes=yes, fmt=fmt, quiet=quiet)
    if code:
        raise SystemExit(code)


ADD_HELP = """把结算单记进本地账本(按人、按年),之后 medins estimate --person 会用本年累计。
加总不对的结算单不记(先用 slip check 核对);一个文件里的多张单要么全记、要么都不记。

账本里已有的单(同一人、同一天、同一地区,总额和统筹都相同)不再记一次:
说出是哪一张,退出码 1;确实是两张单时加 --allow-duplicate。
单已记上而输出写不出去(如磁盘满)时,那一行错误会说已记入哪几张:不要再记。

--estimate 记一笔预计的账单(还没拿到结算单时):按 estimate 的选项计算,本年累计自动从账本填入。

示例:

  medins slip add 结算单.yaml

  medins slip add 结算单.yaml --person 妈妈

  medins slip add export.json           (另一个账本 slip export 的输出)

  medins slip add --estimate -r 绵阳 --tier 3 --amount 20000 --date 2025-06-01 --person 妈妈
"""


@app.command("add", help=ADD_HELP, epilog=o.words_epilog(), cls=Command)
@guard
@slip_options
def add(
    source: SlipFile = None,
    args: Any = None,
    person: Person = None,
    estimate: Annotated[bool, typer.Option("--estimate", help="记一笔预计的账单:按地区政策估算(用 --amount 等)")] = False,
    allow_duplicate: Annotated[bool, typer.Option(
        "--allow-duplicate", help="账本里已有同一人、同一天、同一地区、总额和统筹都相同的单时也记(确实是两张单)")] = False,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain", "终端里为 table,管道中为 plain")] = None,
    quiet: o.Quiet = False,
) -> None:
    from dataclasses import replace

    from medins_cli.commands.slip import ledger as slip_ledger_cmd

    opts = replace(args, person=person)
    slip_ledger_cmd.add(source, opts, estimate=estimate, allow_duplicate=allow_duplicate, fmt=fmt, quiet=quiet)


@app.command("list", cls=Command)
@guard
def list_(
    person: Person = None,
    year: Year = None,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain|csv")] = None,
    raw_csv: o.RawCsv = False,
) -> None:
    """列出账本里的结算单和预计账单(按日期)。

    示例:medins slip list;medins slip list --person 妈妈 --year 2025 -f json
    """
    from medins_cli.commands.env import Env
    from medins_cli.commands.slip import ledger as slip_ledger_cmd

    Env(raw_csv=raw_csv)  # sets how the rows are written
    slip_ledger_cmd.list_entries(person, year, fmt)


@app.command("remove", cls=Command)
@guard
def remove(
    slip_id: Annotated[int, typer.Argument(metavar="ID", help="编号(slip list 的第一列)", show_default=False)],
    quiet: o.Quiet = False,
) -> None:
    """从账本删除一张结算单(或预计账单)。

    示例:medins slip remove 3
    """
    from medins_cli.commands.slip import ledger as slip_ledger_cmd

    slip_ledger_cmd.remove(slip_id, quiet)


@app.command("export", cls=Command)
@guard
def export(
    person: Person = None,
    year: Year = None,
    fmt: Annotated[Optional[str], o.format_option("json|csv", "json")] = None,
    raw_csv: o.RawCsv = False,
) -> None:
    """导出账本(JSON 或 CSV,写到标准输出);slip add 可以把它原样记进另一个账本(记回同一个账本会被当作重复拒绝)。

    示例:medins slip export > 账本.json;medins slip export -f csv --year 2025 > 2025.csv
    """
    from medins_cli.commands.env import Env
    from medins_cli.commands.slip import ledger as slip_ledger_cmd

    Env(raw_csv=raw_csv)  # sets how the rows are written
    slip_ledger_cmd.export(person, year, fmt)


@app.command("year", cls=Command)
@guard
def year_(
    person: Person = None,
    year: Year = None,
    region: o.Region = None,
    family: Annotated[Optional[str], typer.Option(
        "--family", help="全家的个税大病医疗扣除:夫妻一人或两人,逗号分开,如 爸爸,妈妈", show_default=False)] = None,
    child: Annotated[Optional[list[str]], typer.Option(
        "--child", help="配合 --family:未成年子女(可写多次)", show_default=False)] = None,
    claimant: Annotated[Optional[str], typer.Option(
        "--claimant", help="配合 --family:由谁申报全家的扣除(边际税率较高的一方)", show_default=False)] = None,
    explain: Annotated[bool, typer.Option("--explain", help="列出个税扣除的每条规则、来源和引文")] = False,
    fmt: Annotated[Optional[str], o.format_option("table|json|plain")] = None,
) -> None:
    """本年累计:住院几次,统筹基金用了多少封顶线,门诊用了多少起付线和限额,大病起付线还差多少、
    大病封顶线用了多少,个人账户和现金付了多少;以及个税大病医疗专项附加扣除(医保目录内的个人自付超过
    15000 元的部分,限额 80000 元,JSON 的 tax_deduction)。限额取自地区数据(--region,否则最近一张单的地区,
    否则配置)。--family 按人分别计算全家的扣除,并给出怎样分配。

    示例:medins slip year;medins slip year --person 妈妈 -f json;
    medins slip year --family 爸爸,妈妈 --child 小明 --explain
    """
    from medins_cli.commands.slip import ledger as slip_ledger_cmd

    if family is not None:
        if person is not None or region is not None:
            from medins_cli.errors import UsageError

            raise UsageError("--family 按 --family 和 --child 里的人算个税扣除:不要同时写 --person 或 --region")
        couple = [n.strip() for n in family.replace("，", ",").split(",") if n.strip()]
        slip_ledger_cmd.family_summary(couple, [c.strip() for c in child or [] if c.strip()], year, claimant, fmt,
                                       explain=explain)
        return
    if child or claimant:
        from medins_cli.errors import UsageError

        raise UsageError("--child 和 --claimant 要配合 --family 用,如 --family 爸爸,妈妈 --child 小明")
    slip_ledger_cmd.year_summary(person, year, region, fmt, explain=explain)

