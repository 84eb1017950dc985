"""A settlement slip (结算单): its fields under three spellings, and whether it adds up.

Pure: the store reads a file (or the command reads options) into a mapping; this module names the
fields, parses the values and checks the arithmetic. Comparing a slip with the policy is
:mod:`medins_cli.core.slip_check`.

Spellings of each field: our own keys (``fund_pay``); the national 医保 settlement interface's
output names (2207 门诊结算 / 2304 住院结算, ``setlinfo``: ``hifp_pay``); the Chinese labels printed
on slips, with common variants (统筹基金支出, 统筹基金支付 …).
"""

from __future__ import annotations

import datetime as dt
import difflib
from decimal import Decimal
from typing import Any, Mapping, NamedTuple

from medins_cli.core.errors import ClaimError
from medins_cli.core.money import FEN, ZERO, money, parse_amount, parse_ratio
from medins_cli.core.names import normalize_plan, normalize_remote, normalize_tier, normalize_visit, yes_no

#: The money on a slip, in the order a slip prints it: our key → label.
MONEY = {
    "total": "医疗费总额",
    "self_pay": "全自费",
    "over_limit": "超限价自费",
    "partial_self_pay": "先行自付",
    "eligible": "符合政策范围金额",
    "deductible": "起付线",
    "fund_pay": "统筹基金支付",
    "critical_illness_pay": "大病保险/大额医疗",
    "assistance_pay": "医疗救助",
    "other_fund_pay": "其他基金支付",
    "hospital_pay": "医院负担",
    "account_pay": "个人账户支付",
    "family_pay": "共济账户支付",
    "cash_pay": "个人现金支付",
}
#: Sums some slips print as well: checked against their parts, not stored.
SUMS = {"fund_total": "基金支付总额", "personal_total": "个人负担总金额"}
#: Who pays the bill: these parts sum to the total.
FUNDS = ("fund_pay", "critical_illness_pay", "assistance_pay", "other_fund_pay")
PERSONAL = ("account_pay", "family_pay", "cash_pay")
SELF_PAY_PARTS = ("self_pay", "over_limit", "partial_self_pay")
CONTEXT = ("region", "plan", "visit", "tier", "retired", "date", "admission", "remote", "hospital", "person", "kind")

# spelling → (our key, part). A part names one of several funds that a slip may print apart but
# medins counts as one (居民大病保险 and 职工大额医疗补助 are both critical_illness_pay): parts add up;
# two spellings of the same part must agree.
_NATIONAL: dict[str, tuple[str, str | None]] = {
    "medfee_sumamt": ("total", None), "med_fee_sumamt": ("total", None),
    "fulamt_ownpay_amt": ("self_pay", None),
    "overlmt_selfpay": ("over_limit", None),
    "preselfpay_amt": ("partial_self_pay", None),
    "inscp_scp_amt": ("eligible", None),
    "act_pay_dedc": ("deductible", None), "dedc_std": ("deductible", None),
    "hifp_pay": ("fund_pay", None),
    "hifmi_pay": ("critical_illness_pay", "resident"),  # 居民大病保险资金支出
    "hifob_pay": ("critical_illness_pay", "employee"),  # 职工大额医疗费用补助基金支出
    "maf_pay": ("assistance_pay", None),  # 医疗救助基金支出
    "cvlserv_pay": ("other_fund_pay", "civil_servant"),  # 公务员医疗补助资金支出
    "hifes_pay": ("other_fund_pay", "enterprise"),  # 企业补充医疗保险基金支出
    "hifdm_pay": ("other_fund_pay", "disability"),  # 伤残人员医疗保障基金支出
    "oth_pay": ("other_fund_pay", "other"), "othfund_pay": ("other_fund_pay", "other"),
    "hosp_part_amt": ("hospital_pay", None),  # 医院负担金额
    "acct_pay": ("account_pay", None),
    "acct_mulaid_pay": ("family_pay", None),  # 个人账户共济支付金额
    "psn_cash_pay": ("cash_pay", None), "cash_payamt": ("cash_pay", None),
    "fund_pay_sumamt": ("fund_total", None),
    "psn_part_amt": ("personal_total", None),
    "pool_prop_selfpay": ("ratio", None),  # 基本医疗保险统筹基金支付比例
    "setl_time": ("date", None),
    "insutype": ("plan", None),  # 险种类型: 310 职工基本医疗保险, 390 城乡居民基本医疗保险
    "med_type": ("visit", None),  # 医疗类别: 11 普通门诊, 21 普通住院
    "fixmedins_name": ("hospital", None),
}

# Chinese labels (after :func:`label_key`); a trailing 金额/费用/支出/支付 may be left off.
_LABELS: dict[str, tuple[str, str | None]] = {
    **{w: ("total", None) for w in ("医疗费总额", "医疗费用总额", "费用总额", "总费用", "医疗总费用", "总金额",
                                     "医疗费合计", "费用合计", "合计", "住院总费用", "门诊总费用", "总额")},
    **{w: ("self_pay", None) for w in ("全自费", "全自费金额", "自费", "自费金额", "自费费用", "丙类", "丙类费用",
                                        "目录外", "目录外费用", "全额自费")},
    **{w: ("over_limit", None) for w in ("超限价自费", "超限价", "超限价自费费用", "超限价金额", "超标准自费",
                                          "超限价部分")},
    **{w: ("partial_self_pay", None) for w in ("先行自付", "先行自付金额", "乙类先行自付", "乙类自付", "部分自付",
                                                "乙类自理")},
    **{w: ("eligible", None) for w in ("符合政策范围", "符合政策范围金额", "符合政策范围内金额", "符合范围",
                                        "符合范围金额", "政策范围内", "政策范围内费用", "政策范围内金额",
                                        "符合医保范围", "医保范围内", "统筹范围内", "合规费用", "医保内费用")},
    **{w: ("deductible", None) for w in ("起付线", "起付标准", "实际支付起付线", "本次起付线", "起付金额",
                                          "本次起付标准", "起付")},
    **{w: ("fund_pay", None) for w in ("统筹基金", "统筹基金支出", "统筹基金支付", "统筹支付", "统筹",
                                        "基本医疗保险统筹基金", "基本医疗保险统筹基金支出", "基本统筹", "基本统筹支付",
                                        "基本医疗统筹")},
    **{w: ("critical_illness_pay", "resident") for w in ("大病保险", "大病保险资金", "居民大病保险",
                                                          "居民大病保险资金", "大病补充医疗保险", "大病", "大病支付")},
    **{w: ("critical_illness_pay", "employee") for w in ("大额医疗", "大额医疗补助", "大额医疗费用补助",
                                                          "大额医疗补助基金", "职工大额医疗费用补助基金", "大额医疗互助",
                                                          "大额互助", "大额")},
    **{w: ("assistance_pay", None) for w in ("医疗救助", "医疗救助基金", "救助", "民政救助")},
    **{w: ("other_fund_pay", "civil_servant") for w in ("公务员医疗补助", "公务员医疗补助资金", "公务员补助")},
    **{w: ("other_fund_pay", "enterprise") for w in ("企业补充医疗保险", "企业补充医疗保险基金", "企业补充")},
    **{w: ("other_fund_pay", "disability") for w in ("伤残人员医疗保障", "伤残人员医疗保障基金")},
    **{w: ("other_fund_pay", "other") for w in ("其他基金", "其他支出", "其它基金", "其他基金支付")},
    **{w: ("hospital_pay", None) for w in ("医院负担", "医院负担金额", "医院承担")},
    **{w: ("account_pay", None) for w in ("个人账户", "个人账户支出", "个人账户支付", "账户支付", "医保账户",
                                           "个账支付")},
    **{w: ("family_pay", None) for w in ("共济账户", "共济账户支付", "个人账户共济", "个人账户共济支付",
                                          "家庭共济", "家庭共济支付", "共济支付", "账户共济")},
    **{w: ("cash_pay", None) for w in ("个人现金", "个人现金支出", "个人现金支付", "现金", "现金支付", "现金支出",
                                        "自付现金")},
    **{w: ("fund_total", None) for w in ("基金支付总额", "医保基金支付", "基金支付合计", "医保支付合计",
                                          "医保统筹支付合计", "基金支付")},
    **{w: ("personal_total", None) for w in ("个人负担总金额", "个人负担", "个人支付合计", "个人自付总额",
                                              "个人负担合计")},
    **{w: ("ratio", None) for w in ("统筹基金支付比例", "统筹支付比例", "基本医疗保险统筹基金支付比例", "报销比例",
                                     "支付比例")},
    **{w: ("region", None) for w in ("地区", "参保地", "参保地区", "统筹区", "参保统筹区")},
    **{w: ("plan", None) for w in ("参保类型", "险种", "险种类型", "医保类型", "参保险种")},
    **{w: ("visit", None) for w in ("就诊类型", "医疗类别", "就医类型")},
    **{w: ("tier", None) for w in ("医院等级", "医疗机构等级", "机构等级")},
    **{w: ("retired", None) for w in ("退休", "是否退休", "人员类别", "人员状态")},
    **{w: ("date", None) for w in ("日期", "结算日期", "结算时间", "出院日期", "就诊日期")},
    **{w: ("admission", None) for w in ("住院次数", "本年住院次数", "第几次住院", "本年第几次住院")},
    **{w: ("remote", None) for w in ("异地", "异地就医", "异地类型", "异地就医类型")},
    **{w: ("hospital", None) for w in ("医院", "医院名称", "医疗机构", "医疗机构名称", "定点医疗机构",
                                       "定点医药机构名称", "就诊医院")},
    **{w: ("person", None) for w in ("人员", "参保人")},
}

_OURS = {key: (key, None) for key in (*MONEY, *SUMS, "ratio", *CONTEXT)} | {"type": ("plan", None), "id": ("id", None)}

#: Fields of the national interface that say nothing about the money here (names, ids, the account
#: balance, clearing codes, the wrapper of the message): reported once as skipped, not as unknown.
_IRRELEVANT = frozenset("""
    mdtrt_id setl_id psn_no psn_name psn_cert_type certno gend naty brdy age psn_type cvlserv_flag
    mdtrt_cert_type balc medins_setl_id clr_optins clr_way clr_type fixmedins_code dise_no dise_name
    dise_codg setl_type pay_loc begndate enddate invono insu_admdvs fix_blng_admdvs opter_id opter_name
    flxempe_flag crt_payb_lmt_amt setldetail exp_content infcode inf_refmsgid refmsg_time respond_time
    err_msg warn_msg signtype cainfo ownpay_hosp_part 姓名 性别 年龄 身份证号 证件号码 社会保障号码
    个人编号 住院号 门诊号 科室 床号 入院日期 诊断 疾病名称 余额 账户余额 个人账户余额 结算编号 流水号
    发票号 备注 收款人 经办人
""".split())

_LABEL_SUFFIXES = ("资金支出", "基金支出", "金额", "费用", "支出", "支付")


def label_key(text: str) -> str:
    """How a spelling is looked up: no spaces, half-width brackets, no (元), no colon, lower case."""
    key = "".join(str(text).split()).replace("\uff08", "(").replace("\uff09", ")").replace("-", "_").lower()
    for unit in ("(元)", "(¥)", "(\uffe5)", "(人民币)", "元"):
        if key.endswith(unit) and len(key) > len(unit):
            key = key[: -len(unit)]
    return key.rstrip(":：")


def field_of(spelling: str) -> tuple[str, str | None] | None:
    """(our key, part) for any spelling of a slip field, or None when unknown."""
    key = label_key(spelling)
    for table in (_OURS, _NATIONAL, _LABELS):
        if key in table:
            return table[key]
    for suffix in _LABEL_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in _LABELS:
            return _LABELS[key[: -len(suffix)]]
    return None


def is_irrelevant(spelling: str) -> bool:
    return label_key(spelling) in _IRRELEVANT


def suggest_field(spelling: str) -> str | None:
    """The closest known spelling, for an unknown field's message."""
    known = [*_OURS, *_NATIONAL, *_LABELS]
    key = label_key(spelling)
    if len(key) > 64:  # no field name is that long; difflib's time grows with the length
        return None
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return close[0] if close else None


# ---- the slip as read ------------------------------------------------------------------


class SlipProblem(NamedTuple):
    """One way a slip does not add up: which check, both sides, and a message naming them."""

    check: str
    message: str
    left: Decimal | None = None
    right: Decimal | None = None


class Slip(NamedTuple):
    """A settlement slip, as printed (only the fields it gives) plus its context."""

    amounts: Mapping[str, Decimal]  # money and sums given, by our key
    region: str | None = None
    plan: str | None = None
    visit: str | None = None
    tier: str | None = None
    retired: bool | None = None
    date: str | None = None  # YYYY-MM-DD
    admission: int | None = None
    remote: str | None = None
    hospital: str | None = None
    person: str | None = None
    kind: str = "slip"  # slip | estimate (an expected bill in the ledger)
    ratio: Decimal | None = None  # the 统筹支付比例 when the slip prints it
    spellings: Mapping[str, tuple[str, ...]] = {}  # our key → the spellings the slip used
    unknown: tuple[str, ...] = ()  # fields no table knows (each reported)
    skipped: tuple[str, ...] = ()  # fields known to say nothing about the money (names, ids …)
    conflicts: tuple[SlipProblem, ...] = ()  # two spellings of one field with different values
    notes: tuple[str, ...] = ()


_TEXT_LIMIT = 100


def _text(value: Any, what: str) -> str:
    text = " ".join(str(value).split())
    if not text:
        raise ClaimError(f"结算单的「{what}」是空的:请写上内容,或删掉这一项")
    if len(text) > _TEXT_LIMIT:
        raise ClaimError(f"结算单的「{what}」太长(超过 {_TEXT_LIMIT} 个字):请检查这一项")
    return text


def parse_date(value: Any, what: str = "日期") -> str:
    """2025-03-02, 2025/3/2, 20250302, '2025-03-02 10:11:12' or a date → '2025-03-02'."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip().split(" ")[0].split("T")[0].replace("/", "-").replace(".", "-")
    for suffix, sep in (("日", ""), ("月", "-"), ("年", "-")):
        text = text.replace(suffix, sep)
    try:
        if text.isdigit() and len(text) == 8:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
        year, month, day = (int(p) for p in text.split("-"))
        return dt.date(year, month, day).isoformat()
    except ValueError:
        raise ClaimError(f"{what}「{value}」不是日期:请写成 2025-03-02") from None


def _retired(value: Any, what: str) -> bool:
    answer = value if isinstance(value, bool) else yes_no(str(value))
    if answer is None:
        raise ClaimError(f"结算单的「{what}」是「{value}」:请写 退休 或 在职(true/false)")
    return answer


_INSUTYPES = {"310": "employee", "390": "resident"}


def _plan(value: Any, what: str) -> str:
    code = str(value).strip()
    if code in _INSUTYPES:
        return _INSUTYPES[code]
    if code.isdigit():
        raise ClaimError(f"结算单的险种类型 {code} 不是职工基本医疗保险(310)或城乡居民基本医疗保险(390):"
                         "medins 只估算这两种")
    return normalize_plan(code)


def _visit(value: Any, what: str) -> str:
    code = str(value).strip()
    if code.isdigit():  # 医疗类别 of the national interface: 11 普通门诊, 21 普通住院
        if code == "11":
            return "outpatient"
        if code.startswith("21"):
            return "inpatient"
        raise ClaimError(f"结算单的医疗类别 {code} 不是普通门诊(11)或普通住院(21):medins 只估算这两种;"
                         "请说明按门诊还是住院核对", code="slip_visit_code", visit_code=code)
    return normalize_visit(code)


def _admission(value: Any, what: str) -> int:
    text = str(value).strip().removeprefix("第").removesuffix("次")
    if isinstance(value, bool) or not text.isdigit() or not 1 <= int(text) <= 366:
        raise ClaimError(f"结算单的「{what}」是「{value}」:应是本年第几次住院,1 到 366 的整数")
    return int(text)


def _kind(value: Any, what: str) -> str:
    key = str(value).strip().lower()
    if key in ("slip", "结算单"):
        return "slip"
    if key in ("estimate", "估算"):
        return "estimate"
    raise ClaimError(f"结算单的「{what}」是「{value}」:应是 slip(结算单)或 estimate(估算)")


_CONTEXT_PARSERS = {
    "region": _text, "hospital": _text, "person": _text, "date": lambda v, w: parse_date(v, f"结算单的「{w}」"),
    "plan": _plan, "visit": _visit, "tier": lambda v, w: normalize_tier(str(v)), "retired": _retired,
    "admission": _admission, "remote": lambda v, w: normalize_remote(str(v)), "kind": _kind,
}


def _money(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, (list, dict)):
        raise ClaimError(f"结算单的「{what}」不是金额:请写成 8000 或 8000.50")
    if isinstance(value, float):  # a JSON reader without exact decimals: go through the shortest text
        value = repr(value)
    return parse_amount(value, f"结算单的「{what}」")


def read_slip(raw: Mapping[str, Any]) -> Slip:
    """A :class:`Slip` from a mapping of any spellings to values (text, numbers, dates).

    Raises :class:`ClaimError` (one Chinese line naming the field) for a value that cannot be read.
    Empty values count as not printed.
    """
    if not isinstance(raw, Mapping):
        raise ClaimError("结算单应是「字段: 值」的键值对(YAML 或 JSON 对象)")
    values: dict[str, dict[str | None, list[tuple[str, Any]]]] = {}
    unknown: list[str] = []
    skipped: list[str] = []
    context: dict[str, Any] = {}
    for spelling, value in raw.items():
        name = str(spelling)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        field = field_of(name)
        if field is None:
            (skipped if is_irrelevant(name) else unknown).append(name)
            continue
        key, part = field
        if key == "id":
            continue  # an export's row number: a new slip gets a new one
        if key in MONEY or key in SUMS:
            parsed: Any = _money(value, name)
        elif key == "ratio":
            parsed = parse_ratio(value, f"结算单的「{name}」")
        else:
            parsed = _CONTEXT_PARSERS[key](value, name)
        values.setdefault(key, {}).setdefault(part, []).append((name, parsed))
    amounts: dict[str, Decimal] = {}
    conflicts: list[SlipProblem] = []
    spellings: dict[str, tuple[str, ...]] = {}
    for key, parts in values.items():
        spellings[key] = tuple(name for given in parts.values() for name, _ in given)
        agreed: dict[str | None, Any] = {}
        for part, given in parts.items():
            first_name, first = given[0]
            for name, other in given[1:]:
                if other != first:
                    conflicts.append(SlipProblem(
                        "spellings", f"「{first_name}」是 {_show(first)},「{name}」却是 {_show(other)}:"
                        "同一项写了两次且不一致", first if isinstance(first, Decimal) else None,
                        other if isinstance(other, Decimal) else None))
            agreed[part] = first
        if key in MONEY or key in SUMS:
            whole = agreed.pop(None, None)
            if agreed:  # separate funds (大病保险 + 大额医疗 …) counted as one
                summed = sum(agreed.values(), ZERO)
                if whole is not None and whole != summed:
                    conflicts.append(SlipProblem(
                        "spellings", f"「{'、'.join(spellings[key])}」不一致:分项之和 {money(summed)},"
                        f"合计写的是 {money(whole)}", summed, whole))
                amounts[key] = summed if whole is None else whole
            else:
                amounts[key] = whole
        else:
            context[key] = agreed.get(None)
    return Slip(amounts=amounts, spellings=spellings, unknown=tuple(unknown), skipped=tuple(skipped),
                conflicts=tuple(conflicts), ratio=context.pop("ratio", None), **context)


def _show(value: Any) -> str:
    return money(value) if isinstance(value, Decimal) else str(value)


def with_context(slip: Slip, **given: Any) -> Slip:
    """The slip with context given elsewhere (options win over the slip's own fields)."""
    return slip._replace(**{k: v for k, v in given.items() if v is not None})


def with_amounts(slip: Slip, given: Mapping[str, Decimal]) -> Slip:
    """The slip with amounts typed as options (they win over the file's)."""
    spellings = dict(slip.spellings)
    spellings.update((k, (f"--{k.replace('_', '-')}",)) for k in given)
    return slip._replace(amounts={**slip.amounts, **given}, spellings=spellings)


# ---- does it add up? -------------------------------------------------------------------


class Tally(NamedTuple):
    """A slip's money once checked: every amount (the missing ones worked out or 0), the problems,
    and notes on what was worked out."""

    amounts: Mapping[str, Decimal]  # every MONEY key except deductible, which is here only when printed
    printed: frozenset[str]
    problems: tuple[SlipProblem, ...]
    notes: tuple[str, ...]

    @property
    def adds_up(self) -> bool:
        return not self.problems

    @property
    def deductible(self) -> Decimal | None:
        return self.amounts.get("deductible")

    @property
    def out_of_pocket(self) -> Decimal:
        """What medins calls 个人负担: the total less the basic fund and 大病/大额."""
        return self.amounts["total"] - self.amounts["fund_pay"] - self.amounts["critical_illness_pay"]


def _label(key: str) -> str:
    return MONEY.get(key) or SUMS.get(key) or key


def _sum_text(keys: tuple[str, ...] | list[str]) -> str:
    return " + ".join(_label(k) for k in keys)


def tally(slip: Slip) -> Tally:
    """Check a slip's arithmetic: payer parts sum to the total, the printed sums match their parts,
    eligible = total − 全自费 − 超限价 − 先行自付. Missing parts are worked out where one equation
    gives them (and said so); raises :class:`ClaimError` when the slip lacks its total or fund."""
    a = dict(slip.amounts)
    printed = frozenset(a)
    problems = list(slip.conflicts)
    notes: list[str] = []
    total = a.get("total")
    typo = f"(结算单里有不认识的字段:{'、'.join(slip.unknown)},是不是写错了?)" if slip.unknown else ""
    if total is None:
        raise ClaimError(f"结算单缺少医疗费总额(total / medfee_sumamt / 医疗费总额):请写上{typo}")
    if total <= 0:
        raise ClaimError("结算单的医疗费总额必须大于 0")
    if "fund_pay" not in a:
        others = [k for k in FUNDS[1:] if k in a]
        if "fund_total" in a:
            a["fund_pay"] = a["fund_total"] - sum((a[k] for k in others), ZERO)
            notes.append(f"结算单没有单列统筹基金支付:按基金支付总额减其他基金算作 {money(a['fund_pay'])}")
        else:
            raise ClaimError(f"结算单缺少统筹基金支付(fund_pay / hifp_pay / 统筹基金支出):请写上,没有报销就写 0{typo}")
    for key in FUNDS + PERSONAL + ("hospital_pay",) + SELF_PAY_PARTS:
        a.setdefault(key, ZERO)

    funds = sum((a[k] for k in FUNDS), ZERO)
    if "fund_total" in printed and a["fund_total"] != funds:
        problems.append(SlipProblem("fund_total", f"基金支付总额 {money(a['fund_total'])} ≠ {_sum_text(FUNDS)} "
                                    f"= {money(funds)}(差 {money(a['fund_total'] - funds)})", a["fund_total"], funds))
    personal_given = [k for k in PERSONAL if k in printed]
    personal = sum((a[k] for k in PERSONAL), ZERO)
    if "personal_total" in printed and personal_given and a["personal_total"] != personal:
        if "family_pay" in printed and a["family_pay"] and a["personal_total"] == personal - a["family_pay"]:
            personal -= a["family_pay"]
            notes.append(f"这张单的个人账户支付里已含共济账户支付 {money(a['family_pay'])}(个人负担总金额只算一次)")
        else:
            problems.append(SlipProblem(
                "personal_total", f"个人负担总金额 {money(a['personal_total'])} ≠ {_sum_text(personal_given)} "
                f"= {money(personal)}(差 {money(a['personal_total'] - personal)})", a["personal_total"], personal))
    if not personal_given:
        rest = a["personal_total"] if "personal_total" in printed else total - funds - a["hospital_pay"]
        if rest >= 0:
            a["cash_pay"] = personal = rest
            notes.append(f"结算单没有列出个人账户和现金:按个人现金支付 {money(rest)} 记")
    paid = funds + a["hospital_pay"] + personal
    if paid != total:
        parts = [k for k in (*FUNDS, "hospital_pay", *PERSONAL) if k in printed or a[k]]
        if ("family_pay" in printed and a["family_pay"] and paid - a["family_pay"] == total
                and "personal_total" not in printed):
            notes.append(f"这张单的个人账户支付里已含共济账户支付 {money(a['family_pay'])}:各项按只算一次加总")
        else:
            problems.append(SlipProblem("payers", f"{_sum_text(parts)} = {money(paid)} ≠ 医疗费总额 "
                                        f"{money(total)}(差 {money(paid - total)})", paid, total))
    own = sum((a[k] for k in SELF_PAY_PARTS), ZERO)
    own_given = [k for k in SELF_PAY_PARTS if k in printed]
    if own > total:
        problems.append(SlipProblem("self_pay", f"{_sum_text(own_given)} = {money(own)} 超过医疗费总额 "
                                    f"{money(total)}", own, total))
    elif "eligible" in printed:
        if own_given:
            expected = total - own
            if a["eligible"] != expected:
                problems.append(SlipProblem(
                    "eligible", f"符合政策范围金额 {money(a['eligible'])} ≠ 医疗费总额 − {_sum_text(own_given)} = "
                    f"{money(expected)}(差 {money(a['eligible'] - expected)})", a["eligible"], expected))
        elif a["eligible"] > total:
            problems.append(SlipProblem("eligible", f"符合政策范围金额 {money(a['eligible'])} 超过医疗费总额 "
                                        f"{money(total)}", a["eligible"], total))
        else:
            a["self_pay"] = total - a["eligible"]
            if a["self_pay"]:
                notes.append(f"结算单没有分列全自费和先行自付:医疗费总额 − 符合政策范围金额 = {money(a['self_pay'])}"
                             " 按全自费计(估算只看两者之和)")
    else:
        a["eligible"] = total - own
        if not own_given:
            notes.append("结算单没有全自费、先行自付和符合政策范围金额:按全部属于政策范围计算,医保实际一般付得更少")
    if a.get("over_limit"):
        notes.append(f"超限价自费 {money(a['over_limit'])} 与全自费一样由个人负担:估算时计入全自费")
    if a["fund_pay"] > a["eligible"] >= 0 and not problems:
        notes.append(f"统筹基金支付 {money(a['fund_pay'])} 超过符合政策范围金额 {money(a['eligible'])}:很少见,请核对")
    for key in ("fund_total", "personal_total"):
        a.pop(key, None)
    a = {k: v.quantize(FEN) for k, v in a.items()}
    return Tally(amounts=a, printed=printed, problems=tuple(problems), notes=tuple(notes))
