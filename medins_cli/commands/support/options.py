"""Option declarations shared by several commands (typer only; no heavy imports)."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from medins_cli.commands.support.completion import (
    complete_confidence,
    complete_region,
    complete_remote,
    complete_tier,
    complete_type,
    complete_visit,
)

Region = Annotated[Optional[str], typer.Option("--region", "-r", help="地区,如 绵阳、绵阳市、mianyang (默认取配置)",
                                              autocompletion=complete_region, show_default=False)]
Type = Annotated[Optional[str], typer.Option("--type", "-t", help="参保类型:职工 | 居民 | employee | resident(默认取配置)",
                                            autocompletion=complete_type, show_default=False)]
Visit = Annotated[Optional[str], typer.Option("--visit", help="就诊类型:住院 | 门诊 | inpatient | outpatient [默认 住院]",
                                             autocompletion=complete_visit, show_default=False)]
Tier = Annotated[Optional[str], typer.Option("--tier", help="医院等级:1 | 2 | 3 | 3a | community(一级/二级/三级/三甲/社区/基层)",
                                            autocompletion=complete_tier, show_default=False)]
Amount = Annotated[Optional[str], typer.Option("--amount", "-a", help="费用总额(元),如 8000、8,000、8000元、0.8万、8千",
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
    show_default=False)]
Ledger = Annotated[bool, typer.Option("--ledger", help="同 --person 本人")]
BillDate = Annotated[Optional[str], typer.Option(
    "--date", help="就诊日期(配合 --person:只计这一天以前的账单;默认今年全部)", show_default=False)]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="不在 stderr 打印提示")]


def format_option(choices: str, default_doc: str = "终端里为 table,管道中为 plain") -> object:
    choices = choices.replace("|", " | ")  # spaces: Rich wraps the help column there
    return typer.Option("--format", "-f", help=f"输出格式:{choices} (默认:{default_doc})", show_default=False)
