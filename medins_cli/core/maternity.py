"""Maternity leave and the 生育津贴 (``medins maternity``).

National (《女职工劳动保护特别规定》第七条): 98 days; a difficult birth +15; each further baby +15;
a miscarriage 15 days before 4 months of pregnancy, 42 from 4 months. Provinces add days to births
(their 人口与计划生育条例), as dated versions in data/rules/maternity.yaml; a province without a source
is unknown, never guessed. The allowance is based on the employer's average monthly wage of last year
(《社会保险法》第五十六条); turning it into a daily rate (÷ 30, or × 12 ÷ 365) is local practice.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Mapping, NamedTuple

from medins_cli.core.messages import Msg
from medins_cli.core.money import ZERO, money, round_fen
from medins_cli.core.sourced import Book, Figure, Step, Text, pick, since_text

#: Weeks of pregnancy that are surely under / surely at least 4 months, whichever way a month is counted
#: (4 weeks of 28 days, or calendar months of 30–31 days): 16–17 weeks could be either.
SURELY_UNDER_WEEKS = 16
SURELY_FROM_WEEKS = 18


class MatNational(NamedTuple):
    regulation: str
    base: Figure
    difficult: Figure
    per_baby: Figure
    misc_months: Figure
    misc_under: Figure
    misc_from: Figure
    allowance_basis: Text
    payer: Text
    overview: Text
    local_bands: Text


class DailyRate(NamedTuple):
    key: str
    text: str
    months: int
    divisor: int
    sources: tuple[str, ...]
    confidence: str
    note: str | None


class MatVersion(NamedTuple):
    since: str | None
    since_basis: str | None
    regulation: str | None
    extra: Figure | None
    by_child: Mapping[str, Figure]
    insurance_days: Figure | None
    pay_words: Text | None
    disputes: tuple[Text, ...]
    alternatives: tuple[Text, ...]
    note: str | None
    note_sources: tuple[str, ...]
    current: bool
    current_note: str | None
    current_sources: tuple[str, ...]


class MatProvince(NamedTuple):
    province: str
    versions: tuple[MatVersion, ...]
    unknown: str | None
    unknown_sources: tuple[str, ...]


class MaternityRules(NamedTuple):
    book: Book
    national: MatNational
    rates: tuple[DailyRate, ...]
    disputes: tuple[Text, ...]
    provinces: Mapping[str, MatProvince]


class MaternityAsk(NamedTuple):
    province: str
    day: dt.date  # the day of the birth (selects the provincial version)
    wage: Decimal | None = None  # the employer's average monthly wage of last year
    difficult: bool = False
    babies: int = 1
    miscarriage_weeks: int | None = None
    child: int | None = None  # which child this is (some provinces differ by it)
    rate: str = "30"  # the daily-rate key of data (30: ÷ 30; 365: × 12 ÷ 365)


class Allowance(NamedTuple):
    rate: DailyRate
    daily: Decimal  # shown rounded; the amounts are computed from the exact rate
    national: Decimal  # the national days
    provincial_insured: Decimal  # provincial days a source says 生育保险 pays
    provincial_unknown: Decimal  # provincial days whose payer no source names
    total: Decimal


class Maternity(NamedTuple):
    province: str
    national_days: int
    provincial_days: int | None  # None: unknown (the steps say why)
    provincial_status: str  # found | unknown | not_for_miscarriage | needs_child
    insured_extra_days: int | None  # of the provincial days, those a source says 生育保险 pays
    total_days: int | None
    bound: str | None  # "lower": a miscarriage at 16–17 weeks may be 42 days, not 15
    steps: tuple[Step, ...]
    allowance: Allowance | None
    paid_by: tuple[str, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    disputes: tuple[Text, ...]  # where the sources on this province disagree
    version: MatVersion | None
    general_disputes: tuple[Text, ...] = ()  # disagreements about the national picture


def _fig(key: str, label: str, fig: Figure, formula: str, value: object = None) -> Step:
    return Step(key, label, formula, fig.value if value is None else value, fig.sources, fig.confidence, fig.note, "天")


def leave(rules: MaternityRules, ask: MaternityAsk) -> Maternity:
    """Days of leave by rule, the provincial days (when a source gives them), and the allowance."""
    nat = rules.national
    steps: list[Step] = []
    warnings: list[str] = []
    notes: list[str] = []
    bound = None
    if ask.miscarriage_weeks is not None:
        weeks = ask.miscarriage_weeks
        months = int(nat.misc_months.value)
        if weeks < SURELY_UNDER_WEEKS:
            days = int(nat.misc_under.value)
            steps.append(_fig("miscarriage", f"怀孕未满 {months} 个月流产", nat.misc_under, f"怀孕 {weeks} 周,不到 {months} 个月"))
        else:
            days = int(nat.misc_from.value)
            if weeks < SURELY_FROM_WEEKS:
                days = int(nat.misc_under.value)
                bound = "lower"
                steps.append(_fig("miscarriage", f"怀孕 {weeks} 周:是否满 {months} 个月说不准", nat.misc_under,
                                  f"按未满 {months} 个月计;满 {months} 个月则是 {nat.misc_from.value} 天"))
                warnings.append(f"怀孕 {weeks} 周是否“满 {months} 个月”取决于月份怎么算(按 4 周还是按日历月),规定没有写明:"
                                f"这里按 {days} 天计,可能是 {nat.misc_from.value} 天;请以医院证明为准")
            else:
                steps.append(_fig("miscarriage", f"怀孕满 {months} 个月流产", nat.misc_from, f"怀孕 {weeks} 周,已满 {months} 个月"))
        if weeks >= 28:
            notes.append(nat.local_bands.text)
        national = days
        provincial: int | None = 0
        status = "not_for_miscarriage"
        version = None
        insured: int | None = 0
        notes.append("省里延长的产假是给“符合规定生育子女”的,找到的条文没有说流产:这里不加省里的天数")
        disputes: tuple[Text, ...] = ()
    else:
        national = int(nat.base.value)
        steps.append(_fig("base", "国家规定的产假", nat.base, nat.regulation))
        if ask.difficult:
            national += int(nat.difficult.value)
            steps.append(_fig("difficult", "难产", nat.difficult, "加"))
        if ask.babies > 1:
            more = (ask.babies - 1) * int(nat.per_baby.value)
            national += more
            steps.append(_fig("babies", f"多胞胎({ask.babies} 个婴儿)", nat.per_baby,
                              f"每多 1 个加 {nat.per_baby.value} 天:({ask.babies} − 1)× {nat.per_baby.value}", more))
        provincial, status, version, insured, disputes = _provincial(rules, ask, steps, warnings, notes)
    total = None if provincial is None else national + provincial
    steps.append(Step("total", "产假合计", f"国家规定 {national} + 省里 {provincial if provincial is not None else '不明'}",
                      total if total is not None else national, unit="天"))
    allowance = None
    paid_by = [rules.national.payer.text]
    if ask.wage is not None:
        allowance = _allowance(rules, ask, national, provincial or 0, insured or 0, steps)
        notes.append("生育津贴按“上年度月平均工资 ÷ 30 × 天数”折算是地方的做法,不是全国法律(有的地方 × 12 ÷ 365):"
                     "请以当地医保局的计算为准")
    if provincial:
        if insured is not None and insured and insured < provincial:
            paid_by.append(f"{ask.province}:省里延长的 {provincial} 天中,来源说生育保险支付 {insured} 天的生育津贴;"
                           f"另外 {provincial - insured} 天由谁支付,来源没有说明")
        elif insured:
            paid_by.append(f"{ask.province}:省里延长的 {provincial} 天,来源说由生育保险支付生育津贴")
        else:
            said = version.pay_words.text if version is not None and version.pay_words is not None else ""
            paid_by.append(f"{ask.province}:省里延长的 {provincial} 天由生育保险还是用人单位支付,找到的来源没有说明"
                           + (f"({said})" if said else ""))
    return Maternity(ask.province, national, provincial, status, insured, total, bound, tuple(steps), allowance,
                     tuple(paid_by), tuple(warnings), tuple(notes), disputes, version, rules.disputes)


def _provincial(rules: MaternityRules, ask: MaternityAsk, steps: list[Step], warnings: list[str], notes: list[str]
                ) -> tuple[int | None, str, MatVersion | None, int | None, tuple[Text, ...]]:
    prov = rules.provinces.get(ask.province)
    if prov is None or prov.unknown is not None:
        why = prov.unknown if prov is not None and prov.unknown else "没有收录"
        steps.append(Step("provincial", f"{ask.province}延长的产假", f"不明:{why}", None,
                          prov.unknown_sources if prov is not None else ()))
        warnings.append(f"{ask.province}延长的产假天数不明:{why};只算了国家规定的天数")
        return None, "unknown", None, None, ()
    dated = pick(prov.versions, ask.day)
    if dated is None:
        first = min((v for v in prov.versions if v.since), key=lambda v: v.since or "")
        steps.append(Step("provincial", f"{ask.province}延长的产假",
                          f"找到的最早版本是 {since_text(first.since, first.since_basis)},{ask.day} 那时的天数不明", None))
        warnings.append(f"{ask.day} 时{ask.province}延长的产假天数不明:只算了国家规定的天数")
        return None, "unknown", None, None, ()
    v: MatVersion = dated.record
    when = since_text(v.since, v.since_basis)
    regulation = v.regulation or "条文没有看到"
    if dated.note:
        warnings.append(f"{ask.province}的这个数字{dated.note}")
    if not v.current and v.current_note:
        warnings.append(f"{ask.province}的数字可能不是现行的:{v.current_note}")
    fig = v.extra
    if v.by_child:
        if ask.child is None:
            said = "、".join(f"第 {k} 个孩子 {f.value} 天" for k, f in sorted(v.by_child.items()))
            steps.append(Step("provincial", f"{ask.province}延长的产假按第几个孩子不同", f"{said}({regulation},{when})",
                              None, tuple(s for f in v.by_child.values() for s in f.sources)))
            warnings.append(Msg("needs_child", f"{ask.province}延长的产假按第几个孩子不同({said}):请说明这是第几个孩子",
                                province=ask.province, said=said))
            return None, "needs_child", v, None, v.disputes
        fig = v.by_child.get(str(ask.child))
        if fig is None:
            known = "、".join(f"第 {k} 个" for k in sorted(v.by_child))
            steps.append(Step("provincial", f"{ask.province}第 {ask.child} 个孩子延长的产假",
                              f"不明:来源只给了{known}孩子的天数({regulation},{when})", None,
                              tuple(s for f in v.by_child.values() for s in f.sources)))
            warnings.append(f"{ask.province}第 {ask.child} 个孩子延长的产假天数不明:只算了国家规定的天数")
            return None, "unknown", v, None, v.disputes
    if fig is None:
        steps.append(Step("provincial", f"{ask.province}延长的产假", f"不明:{v.note}({when})", None, v.note_sources))
        warnings.append(f"{ask.province}延长的产假天数不明:{v.note}")
        return None, "unknown", v, None, v.disputes
    days = int(fig.value)
    derived = f";来源写的是共 {fig.total} 天" if fig.total else ""
    steps.append(Step("provincial", f"{ask.province}延长的产假", f"{regulation},{when}{derived}", days,
                      fig.sources, fig.confidence, fig.note, "天"))
    for alt in v.alternatives:
        notes.append(f"另一说法:{alt.text}")
    insured = None
    if v.insurance_days is not None:
        insured = int(v.insurance_days.value)
        steps.append(Step("insured_days", "其中生育保险支付津贴的天数", "来源的说法", insured,
                          v.insurance_days.sources, v.insurance_days.confidence, v.insurance_days.note, "天"))
    if v.pay_words is not None:
        steps.append(Step("pay_words", "谁来支付", v.pay_words.text, None, v.pay_words.sources, v.pay_words.confidence))
    return days, "found", v, insured, v.disputes


def _allowance(rules: MaternityRules, ask: MaternityAsk, national: int, provincial: int, insured: int,
               steps: list[Step]) -> Allowance:
    from medins_cli.core.errors import ClaimError

    rate = next((r for r in rules.rates if r.key == ask.rate), None)
    if rate is None:
        raise ClaimError(f"不认识的日额算法「{ask.rate}」:可选 {'|'.join(r.key for r in rules.rates)}")
    wage = ask.wage
    assert wage is not None
    basis = rules.national.allowance_basis
    steps.append(Step("wage", "用人单位上年度职工月平均工资", "你给的数字", wage, basis.sources, basis.confidence,
                      basis.text, "元"))

    def amount(days: int) -> Decimal:
        return round_fen(wage * rate.months * days / rate.divisor)

    daily = round_fen(wage * rate.months / rate.divisor)
    formula = f"{money(wage)}" + (f" × {rate.months}" if rate.months != 1 else "") + f" ÷ {rate.divisor}"
    steps.append(Step("daily", "日额(地方做法,不是全国法律)", f"{formula}(显示到分,金额按精确值算)", daily,
                      rate.sources, rate.confidence, rate.note, "元"))
    nat = amount(national)
    steps.append(Step("allowance_national", "国家规定天数的津贴", f"{formula} × {national} 天", nat, rate.sources,
                      rate.confidence, unit="元"))
    insured_amount = amount(insured) if insured else ZERO
    unknown_amount = amount(provincial) - insured_amount if provincial else ZERO
    if provincial:
        steps.append(Step("allowance_provincial", "省里延长天数的津贴(同一日额)", f"{formula} × {provincial} 天",
                          insured_amount + unknown_amount, rate.sources, rate.confidence, unit="元"))
    total = nat + insured_amount + unknown_amount
    steps.append(Step("allowance_total", "津贴合计", f"{money(nat)} + {money(insured_amount + unknown_amount)}", total,
                      unit="元"))
    return Allowance(rate, daily, nat, insured_amount, unknown_amount, total)
