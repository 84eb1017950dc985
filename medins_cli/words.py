"""The front ends' words for the core's codes.

The core says what happened as a code with parameters and a neutral sentence that names no option
(:class:`~medins_cli.core.messages.Msg`, :class:`~medins_cli.core.errors.CoreError`). Each front end
words the codes it knows in its own terms: the command line names ``--admission``, batch mode the
``admission`` column. A code a front end does not know keeps its neutral sentence.

Sits below every layer (like :mod:`medins_cli.errors`): the guard, the renderers and batch mode
all word through here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping

CLI = "cli"
BATCH = "batch"

_WORDS: dict[str, dict[str, str]] = {
    CLI: {
        "amount_not_positive": "费用总额必须大于 0:请给出账单金额(--amount,批量时为 amount 列)",
        "parts_exceed_total": "全自费({self_pay})加乙类先行自付({partial})超过了总额({total}):"
                              "请检查 --self-pay / --partial-self-pay",
        "admission_range": "住院次数 --admission 应在 1 到 {limit} 之间(收到 {n})",
        "admission_range@ledger": "账本里本年已有 {earlier} 次住院,这是第 {n} 次:超过了 {limit} 次,"
                                  "请检查账本(medins slip list)里是否记重了",
        "no_plan": "{region}的数据没有{plan_name}的规则(已有:{known}):换 --type,或用 --policy-file 提供该地数据",
        "no_visit": "{region}{plan_name}的数据缺少{visit_name}报销规则:换 --visit,或用 --policy-file 补充该地数据",
        "no_tier": "{where}的数据没有{name}医院的数字(只有:{known}),算不出这一级医院报销多少:"
                   "可用 medins policy show {region} -f yaml 导出,补上这一级(当地这一级不纳入统筹就写 ratio: 0)"
                   "后用 --policy-file 读入,或放进用户数据目录",
        "no_rules@shipped": "{region}的数据还没有可计算的报销规则(只有地区信息或说明文字):"
                            "可用 medins policy init {region} 按当地医保局通知填写(存进用户数据目录,覆盖内置数据),"
                            "或用 --policy-file 提供该地数据;medins regions 列出可估算的地区",
        "no_rules@file": "{region}的数据还没有可计算的报销规则(只有地区信息或说明文字):"
                         "请按当地医保局通知在 {file} 的 sections 里填写数字(medins policy validate 检查)",
        "retired_ignored": "城乡居民医保不区分退休,已忽略 --retired",
        "retired_ignored@config": "城乡居民医保不区分退休:配置里的 retired(medins config set retired)对这张账单不适用,已忽略",
        "ci_burden_unused": "{name}按超过封顶线的费用支付,不看个人负担:已忽略 --ytd-burden",
        "ci_burden_unused@ledger": "{name}按超过封顶线的费用支付,不看个人负担:账本填入的本年政策内个人负担"
                                   "(--person)没有用到",
        "ci_burden_hint": "{name}起付线按全年累计:本年此前的政策内个人负担请用 --ytd-burden 给出,"
                          "这里按这张账单是本年第一笔计算",
        "slip_data_hint": "{said}:结算单更可信(可用 --learn 记下这张单的数字)",
        "slip_visit_code": "结算单的医疗类别 {visit_code} 不是普通门诊(11)或普通住院(21):medins 只估算这两种;"
                           "请用 --visit 门诊|住院 说明",
        "slip_fund_cap": "可能已到年度封顶线:若本年此前统筹已付 {before}(封顶 {cap}),这张单正好只能再付 {fund}"
                         "(用 --ytd-fund 给出本年已付)",
        "slip_ci_above_cap": "{name}只在统筹基金达到年度封顶线以后支付:本年此前统筹已付多少(--ytd-fund)决定从哪里开始;{hint}",
        "slip_ci_burden": "{name}的起付线按全年累计:本年此前的政策内个人负担(--ytd-burden)会让这张单更早开始报销",
        "slip_ci_other": "{name}的起付线、比例或本年已付(--ytd-critical)与数据不同:{hint}",
        # plans, coverage, maternity (data/rules)
        "resident_national": "这是国家通知的标准,各省按它定本地标准,当地可能不同:有当地的数字请用 --resident-contribution",
        "resident_latest_known": "没有找到 {notice_year} 年的国家通知(它定 {coverage_year} 年度的缴费):居民缴费按 {last} 年"
                                 "通知的 {value} 元计,实际标准可能不同;请用 --resident-contribution 填写当地的数字",
        "resident_unknown": "不知道 {coverage_year} 年度的居民个人缴费:请用 --resident-contribution 填写",
        "retired_contribution": "退休人员本人是否还要缴职工医保费、缴多少,各地规定不同,medins 没有来源:"
                                "请用 --employee-contribution 填写(不用缴就写 0)",
        "needs_child": "{province}延长的产假按第几个孩子不同({said}):请加 --child 1|2|3",
    },
    BATCH: {
        "amount_not_positive": "费用总额必须大于 0:请在 amount 列填账单金额",
        "parts_exceed_total": "全自费({self_pay})加乙类先行自付({partial})超过了总额({total}):"
                              "请检查 self_pay / partial_self_pay 列",
        "admission_range": "住院次数(admission 列)应在 1 到 {limit} 之间(收到 {n})",
        "admission_range@ledger": "同一人本年已有 {earlier} 次住院,这是第 {n} 次:超过了 {limit} 次,"
                                  "请检查 --year-to-date 的 person 和 date 列",
        "no_plan": "{region}的数据没有{plan_name}的规则(已有:{known}):换 type 列,或用 --policy-file 提供该地数据",
        "no_visit": "{region}{plan_name}的数据缺少{visit_name}报销规则:换 visit 列,或用 --policy-file 补充该地数据",
        "no_tier": "{where}的数据没有{name}医院的数字(只有:{known}),算不出这一级医院报销多少:"
                   "请检查 tier 列,或用 --policy-file 补上这一级(当地这一级不纳入统筹就写 ratio: 0)",
        "no_rules@shipped": "{region}的数据还没有可计算的报销规则(只有地区信息或说明文字):"
                            "可用 medins policy init {region} 按当地医保局通知填写,或用 --policy-file 提供该地数据",
        "retired_ignored": "城乡居民医保不区分退休,已忽略 retired 列",
        "retired_ignored@option": "城乡居民医保不区分退休,已忽略 --retired",
        "retired_ignored@config": "城乡居民医保不区分退休:配置里的 retired(medins config set retired)对这一行不适用,已忽略",
        "ci_burden_unused": "{name}按超过封顶线的费用支付,不看个人负担:已忽略 ytd_burden 列",
        "ci_burden_unused@option": "{name}按超过封顶线的费用支付,不看个人负担:已忽略 --ytd-burden",
        "ci_burden_unused@carried": "{name}按超过封顶线的费用支付,不看个人负担:同一人前面各行累计的政策内个人负担"
                                    "(--year-to-date)没有用到",
        "ci_burden_hint": "{name}起付线按全年累计:本年此前的政策内个人负担请填 ytd_burden 列"
                          "(或用 --year-to-date),这里按这张账单是本年第一笔计算",
    },
}


#: The value a code blames (a ClaimArgs field, a batch column): it is worded after where that value
#: came from, so a warning never says "已忽略 --retired" to someone who never typed it.
BLAMES = {"retired_ignored": "retired", "ci_burden_unused": "ytd_burden"}

#: Where a value came from (the keys of ``origins``): typed as an option, the config, the ledger
#: (``--person``), a batch column, or carried from a person's earlier rows (``--year-to-date``).
#: A value with no entry came the front end's usual way (CLI: the option; batch: the row's column).
ORIGINS = ("option", "config", "ledger", "column", "carried")


def _show(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"
    return value


def _option(key: str, value: Any) -> str:
    """What to type on the command line for a changed reading of a slip."""
    if key == "retired":
        return "--retired" if value else "--not-retired"
    if key == "remote" and value is None:
        return "不写 --remote"
    return f"--{key} {value}"


def _changes(params: dict[str, Any], front: str) -> str:
    """A slip check's 'read this way, it matches': each change in words, with the option to type."""
    if front != CLI:
        return "、".join(w for w, _, _ in params.get("changes") or ())
    return "、".join(f"{w}({_option(k, v)})" for w, k, v in params.get("changes") or ())


def _missing_flags(params: dict[str, Any], front: str) -> str:
    flags = {"base": "--base(月缴费基数)", "rate": "--rate(费率)"}
    missing = "、".join(flags[k] for k in params.get("missing") or ())
    return f"不知道职工医保一年的缴费:请加 {missing},或用 --employee-contribution 直接给出一年的金额"


_BUILT = {  # codes whose words are built from a list
    "slip_alternative": lambda p, front: f"按{_changes(p, front)}计算就与结算单一致",
    "slip_reasons": lambda p, front: ";或".join(word(r, front) for r in p.get("reasons") or ()),
    "employee_contribution_unknown": _missing_flags,
}


def word(message: Any, front: str = CLI, variant: str | None = None, origins: Mapping[str, str] | None = None) -> str:
    """``message`` (a Msg, a CoreError or any text) in ``front``'s words; ``variant`` picks a
    wording of the same code (``@ledger`` when the figure came from the ledger …). ``origins``
    (value → where it came from, see :data:`ORIGINS`) picks the wording of a code that blames a
    value (:data:`BLAMES`). A message whose parameters hold other messages says them in the same words."""
    code = getattr(message, "code", None)
    text = str(message)
    if code is None:
        return text
    if variant is None and origins and code in BLAMES:
        variant = origins.get(BLAMES[code])
    raw = getattr(message, "params", None) or {}
    if code in _BUILT:
        return _BUILT[code](raw, front)
    params = {k: (word(v, front) if getattr(v, "code", None) else _show(v)) for k, v in raw.items()}
    table = _WORDS.get(front, {})
    variant = variant or raw.get("variant")
    template = table.get(f"{code}@{variant}") if variant else None
    template = template or table.get(code)
    if template is not None:
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            pass
    for key, value in raw.items():  # no words of its own: its inner messages still get theirs
        if getattr(value, "code", None) and str(value) in text:
            text = text.replace(str(value), params[key])
    return text


def words(messages: Any, front: str = CLI, origins: Mapping[str, str] | None = None) -> list[str]:
    return [word(m, front, origins=origins) for m in messages]
