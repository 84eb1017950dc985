"""Option declarations shared by several commands (typer only; no heavy imports)."""

import functools
import inspect
from pathlib import Path
from typing import Annotated, Any, Callable, Optional, TypeVar

import typer

from medins_cli.commands.completion import (
    complete_confidence,
    complete_person,
    complete_region,
    complete_remote,
    complete_tier,
    complete_type,
    complete_visit,
)

F = TypeVar("F", bound=Callable[..., Any])

Region = Annotated[Optional[str], typer.Option("--region", "-r", help="地区,如 绵阳、绵阳市、mianyang;区县、旧名也行,如 顺德区、昆山(按统筹它的城市算;默认取配置)",
                                              autocompletion=complete_region, show_default=False)]
Type = Annotated[Optional[str], typer.Option("--type", "-t", help="参保类型:职工 | 居民 | employee | resident(默认取配置;城镇居民、新农合、灵活就业等写法见帮助末尾「可用的写法」)",
                                            autocompletion=complete_type, show_default=False)]
Visit = Annotated[Optional[str], typer.Option("--visit", help="就诊类型:住院 | 门诊 | inpatient | outpatient [默认 住院]",
                                             autocompletion=complete_visit, show_default=False)]
Tier = Annotated[Optional[str], typer.Option("--tier", help="医院等级:1 | 2 | 3 | 3a | community(一级/二级/三级/三甲/社区/基层;三乙、三级医院、社区卫生服务中心等写法见帮助末尾「可用的写法」)",
                                            autocompletion=complete_tier, show_default=False)]
Amount = Annotated[Optional[str], typer.Option("--amount", "-a", help="费用总额(元),如 8000、8,000、8000元、0.8万、8千(全角 ８０００．５ 也认)",
                                              show_default=False)]
SelfPay = Annotated[Optional[str], typer.Option("--self-pay", help="全自费(目录外,丙类)金额", show_default=False)]
PartialSelfPay = Annotated[Optional[str], typer.Option("--partial-self-pay", help="乙类先行自付金额", show_default=False)]
Retired = Annotated[Optional[bool], typer.Option("--retired/--not-retired", help="职工医保退休人员(默认取配置)",
                                                show_default=False)]
Admission = Annotated[Optional[str], typer.Option("--admission", help="本年第几次住院(影响起付线)[默认 1]",
                                                 show_default=False)]
YtdFund = Annotated[Optional[str], typer.Option("--ytd-fund", help="本年统筹基金已支付金额(计入同一封顶线)",
                                               show_default=False)]
YtdOutpatient = Annotated[Optional[str], typer.Option("--ytd-outpatient", help="本年门诊已发生的政策范围内费用(抵扣年度起付线)",
                                                     show_default=False)]
YtdBurden = Annotated[Optional[str], typer.Option("--ytd-burden", help="本年此前的政策范围内个人负担(计入大病起付线)",
                                                 show_default=False)]
YtdCritical = Annotated[Optional[str], typer.Option("--ytd-critical", help="本年大病保险/大额补助已支付(计入其封顶线)",
                                                   show_default=False)]
MinConfidence = Annotated[Optional[str], typer.Option(
    "--min-confidence", help="数字来源至少要这么可信,否则退出码 1:official | observed | secondary | unverified | placeholder(默认取配置)",
    autocompletion=complete_confidence, show_default=False)]
Remote = Annotated[Optional[str], typer.Option("--remote", help="异地就医:filed(已备案) | transfer(转诊) | unfiled(未备案) | emergency(急诊)",
                                              autocompletion=complete_remote, show_default=False)]
PolicyFile = Annotated[Optional[Path], typer.Option("--policy-file", help="用自己的地区数据文件(YAML,格式见 README)",
                                                   show_default=False)]
Person = Annotated[Optional[str], typer.Option(
    "--person", help="从这个人的账本(medins slip add)填入本年累计:--admission、--ytd-*(命令行给出的优先)",
    autocompletion=complete_person, show_default=False)]
Ledger = Annotated[bool, typer.Option("--ledger", help="同 --person 本人")]
BillDate = Annotated[Optional[str], typer.Option(
    "--date", help="就诊日期,如 2025-03-01:用当天有效的政策;配合 --person 只计这一天以前的账单 [默认 今天]",
    show_default=False)]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="不在 stderr 打印提示")]
RawCsv = Annotated[bool, typer.Option(
    "--raw-csv", help="CSV 原样写出:以 = + - @ 开头的文字格不加 ',控制字符不转义(见 docs/batch.md)")]


def words_epilog() -> str:
    """The words --type, --visit, --tier and --remote accept (core.names.ACCEPTED, the one table), for
    the end of a command's help. typer joins single newlines: each paragraph is one line."""
    from medins_cli.core.names import ACCEPTED, ENDINGS, LABELS

    lines = ["可用的写法(不分大小写,空格不计;全角字母和数字也认,如 ３、３ａ):"]
    for kind, option in (("plan", "--type"), ("visit", "--visit"), ("tier", "--tier"), ("remote", "--remote")):
        keys = ";".join(f"{LABELS[kind][key]}({key}):{'、'.join(words)}" for key, words in ACCEPTED[kind].items())
        endings = "".join(f"「{e}」" for e in ENDINGS[kind])
        lines.append(f"{option} {keys}" + (f";末尾可加{endings}" if endings else ""))
    return "\n\n".join(lines)


def format_option(choices: str, default_doc: str = "终端里为 table,管道中为 plain") -> object:
    choices = choices.replace("|", " | ")  # spaces: Rich wraps the help column there
    return typer.Option("--format", "-f", help=f"输出格式:{choices} (默认:{default_doc})", show_default=False)


# ---- the claim options: declared once, given to every command that estimates a bill ----------

#: (parameter, its option type, default, the ClaimArgs field): estimate's order, as --help lists them.
CLAIM_PARAMS: tuple[tuple[str, object, object, str], ...] = (
    ("region", Region, None, "region"), ("type_", Type, None, "type"), ("visit", Visit, None, "visit"),
    ("tier", Tier, None, "tier"), ("amount", Amount, None, "amount"), ("self_pay", SelfPay, None, "self_pay"),
    ("partial_self_pay", PartialSelfPay, None, "partial_self_pay"), ("retired", Retired, None, "retired"),
    ("admission", Admission, None, "admission"), ("ytd_fund", YtdFund, None, "ytd_fund"),
    ("ytd_outpatient", YtdOutpatient, None, "ytd_outpatient"), ("ytd_burden", YtdBurden, None, "ytd_burden"),
    ("ytd_critical", YtdCritical, None, "ytd_critical"), ("remote", Remote, None, "remote"),
    ("policy_file", PolicyFile, None, "policy_file"), ("min_confidence", MinConfidence, None, "min_confidence"),
    ("person", Person, None, "person"), ("ledger", Ledger, False, "ledger"), ("date", BillDate, None, "date"),
)


def option_group(params: tuple[tuple[str, object, object, str], ...], build: Callable[[dict[str, Any]], Any],
                 *, leave_out: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Give a command a group of options declared once (``params``: parameter, option type, default,
    field), all but those named in ``leave_out``; it receives them as one ``args`` argument,
    ``build({field: value})``.

    typer reads a command's options from its signature, so the wrapper shows typer the command's
    options before ``args``, the group, then the command's options after ``args``.
    """
    shown = [p for p in params if p[0] not in leave_out]

    def decorate(func: F) -> F:
        own = list(inspect.signature(func).parameters.values())
        at = [p.name for p in own].index("args")
        group = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
                 for name, kind, default, _ in shown]
        params_ = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[:at]] + group
        params_ += [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[at + 1:]]

        @functools.wraps(func)
        def command(**kwargs: Any) -> Any:
            return func(args=build({field: kwargs.pop(name) for name, _, _, field in shown}), **kwargs)

        command.__signature__ = inspect.Signature(params_)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params_}
        return command  # type: ignore[return-value]

    return decorate


def _claim_args(values: dict[str, Any]) -> Any:
    from medins_cli.commands.claims import ClaimArgs

    return ClaimArgs(**values)


def claim_options(*, leave_out: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Give a command the claim options (all but the parameters named in ``leave_out``); it receives
    them as one ``args`` argument, a :class:`~medins_cli.commands.claims.ClaimArgs`."""
    return option_group(CLAIM_PARAMS, _claim_args, leave_out=leave_out)
