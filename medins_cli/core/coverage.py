"""When benefits start after paying (``medins coverage``): waiting periods, arrears, the 大病 incentives.

城乡居民医保 (国办《关于健全基本医疗保险参保长效机制的指导意见》, from 2025): paying outside the
enrolment window, or after a gap, starts a fixed waiting period (3 months) plus a variable one
(1 month per gap year after the first); each extra year of arrears paid takes a month off the
variable part; after a gap of 4 years or more the two together stay at least 6 months. Newborns
are exempt. Continuous years (after 4) and years without claims raise the 大病 cap.

职工医保 (《基本医疗保险关系转移接续暂行办法》): a gap of up to 3 months may be paid in arrears and
is covered retroactively; longer gaps may get a waiting period of up to 6 months, set locally.

Every figure comes from data/rules/waiting.yaml with its sources; provincial numbers (an enrolment
window, newborn days, an incentive amount) replace the national rule only where the data has them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from medins_cli.core.arith import pct
from medins_cli.core.money import round_fen
from medins_cli.core.sourced import Book, Figure, Step, Text, pick, since_text


class Exempt(NamedTuple):
    group: str
    words: tuple[str, ...]
    text: Text


class LocalExempt(NamedTuple):
    place: str
    groups: tuple[str, ...]
    text: Text  # the groups in words, with their sources


class Incentives(NamedTuple):
    continuous_after: Figure
    continuous_min: Figure
    zero_claim_min: Figure
    cap_share: Figure
    resets: Text


class ResidentWaiting(NamedTuple):
    since: str | None
    since_basis: str | None
    document: str
    doc_number: Text
    applies: Text
    fixed: Figure
    per_gap_year: Figure
    free_gap_years: Figure
    repair: Figure
    long_gap_years: Figure
    long_gap_minimum: Figure
    waiting_costs: Text
    exempt: tuple[Exempt, ...]
    local_exempt: tuple[LocalExempt, ...]
    incentives: Incentives


class EmployeeGap(NamedTuple):
    since: str | None
    since_basis: str | None
    document: str
    arrears_months: Figure
    max_waiting: Figure
    local_examples: tuple[Text, ...]


class Window(NamedTuple):
    start: tuple[int, int]  # (month, day)
    end: tuple[int, int | None]  # (month, day); None: the month's last day
    text: Text

    def holds(self, day: dt.date) -> bool:
        last = self.end[1] or calendar.monthrange(day.year, self.end[0])[1]
        return (self.start[0], self.start[1]) <= (day.month, day.day) <= (self.end[0], last)

    def words(self) -> str:
        end = f"{self.end[0]} 月 {self.end[1]} 日" if self.end[1] else f"{self.end[0]} 月底"
        return f"{self.start[0]} 月 {self.start[1]} 日至{end}"


class PlaceRule(NamedTuple):
    place: str
    since: str | None
    since_basis: str | None
    draft: bool
    window: Window | None
    extension: Window | None
    newborn_days: Figure | None
    incentive_amount: Figure | None


class WaitingRules(NamedTuple):
    book: Book
    resident: tuple[ResidentWaiting, ...]
    employee: tuple[EmployeeGap, ...]
    places: tuple[PlaceRule, ...]
    disputes: tuple[Text, ...]  # 城乡居民医保
    employee_disputes: tuple[Text, ...] = ()

    def place_rules(self, names: tuple[str, ...]) -> list[PlaceRule]:
        """The local rules for a region: its own (by name) first, then its province's."""
        return [p for name in names if name for p in self.places if p.place == name]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _fig(step_key: str, label: str, fig: Figure, formula: str, value: object = None, unit: str | None = None) -> Step:
    """A step resting on one figure of the rules: ``value`` is what the step works out (None: only stated)."""
    return Step(step_key, label, formula, value, fig.sources, fig.confidence, fig.note, unit)


def _text(step_key: str, label: str, text: Text) -> Step:
    return Step(step_key, label, text.text, None, text.sources, text.confidence, text.note)


# ---- 城乡居民医保 --------------------------------------------------------------------------------


class ResidentAsk(NamedTuple):
    pay_date: dt.date
    coverage_year: int
    gap_years: int
    in_window: bool
    window_said_by: str  # user | data
    extension: bool = False  # paid in the province's extension period (Jan–Feb of the coverage year)
    arrears_years: int = 0  # extra years of arrears paid now (修复)
    newborn: bool = False
    birth_date: dt.date | None = None
    group: str | None = None  # another group the user belongs to (named, handled by local rules)
    continuous_years: int | None = None  # continuous years in the resident scheme, this coverage year included
    claim_free_years: int | None = None  # years without fund reimbursement since the reward was last used
    critical_cap: Decimal | None = None  # the region's 大病 cap (the base of the 20% limit)
    critical_cap_source: str | None = None  # in words: where that cap comes from


class ArrearsOption(NamedTuple):
    years: int  # extra years paid
    waiting_months: int
    start: dt.date


class Incentive(NamedTuple):
    per_year: Decimal
    per_year_basis: str  # local | national_minimum
    continuous: Decimal
    zero_claim: Decimal
    total: Decimal  # after the 20% limit, when the cap is known
    limit: Decimal | None
    steps: tuple[Step, ...]


class Coverage(NamedTuple):
    plan: str
    start: dt.date | None  # the first day benefits are paid (the earliest, for a range)
    latest: dt.date | None  # the latest day (a range when the local waiting is unknown); None: same as start
    waiting_months: int | None
    retroactive: bool  # the gap is covered once paid (职工, ≤ 3 months)
    steps: tuple[Step, ...]
    arrears: tuple[ArrearsOption, ...]
    incentive: Incentive | None
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    national: bool  # only national rules were used (no provincial numbers)
    disputes: tuple[Text, ...]


def resident(rules: WaitingRules, ask: ResidentAsk, places: tuple[str, ...] = (),
             repair_cost: Decimal | None = None, repair_cost_step: Step | None = None) -> Coverage:
    """When 城乡居民医保 benefits start for a payment on ``ask.pay_date`` (see the module doc)."""
    dated = pick(rules.resident, ask.pay_date)
    local = rules.place_rules(places)
    warnings: list[str] = []
    notes: list[str] = []
    if dated is None:
        return Coverage("resident", None, None, None, False, (), (), None, (
            f"{ask.pay_date} 早于全国统一的等待期规定(自 2025 年起):那时按当地规定,medins 没有数据",), (), True, ())
    rule: ResidentWaiting = dated.record
    doc = f"{rule.document}({rule.doc_number.text},{since_text(rule.since, rule.since_basis)})"
    steps = [Step("document", "依据", doc, None, rule.doc_number.sources, rule.doc_number.confidence,
                  rule.doc_number.note)]
    year_start = dt.date(ask.coverage_year, 1, 1)
    window = next((p.window for p in local if p.window is not None), None)
    window_place = next((p.place for p in local if p.window is not None), None)
    if ask.window_said_by == "data" and window is not None:
        steps.append(Step("window", f"{window_place}的集中参保期", window.words(), "是" if ask.in_window else "否",
                          window.text.sources, window.text.confidence, window.text.note))
    else:
        steps.append(Step("window", "缴费是否在集中参保期内", "你说的", "是" if ask.in_window else "否"))
    steps.append(Step("gap", "断保年数", f"参保年度 {ask.coverage_year} 之前没有参保的年数", ask.gap_years, unit="年"))
    used_local = window is not None and ask.window_said_by == "data"
    # exempt groups
    newborn = ask.newborn or (ask.group is not None and any(w in ask.group for e in rule.exempt
                                                             for w in e.words if e.group == "新生儿"))
    if newborn:
        ex = next(e for e in rule.exempt if e.group == "新生儿")
        steps.append(_text("exempt", "新生儿不设等待期", ex.text))
        start = max(year_start, ask.pay_date)
        days = next((p.newborn_days for p in local if p.newborn_days is not None), None)
        days_place = next((p.place for p in local if p.newborn_days is not None), None)
        if days is not None and ask.birth_date is not None:
            used_local = True
            limit = ask.birth_date + dt.timedelta(days=int(days.value))
            within = ask.pay_date <= limit
            start = ask.birth_date if within else ask.pay_date
            steps.append(Step("newborn", f"{days_place}:出生后 {days.value} 天内参保缴费的从出生之日起享受",
                              f"出生 {ask.birth_date},缴费 {ask.pay_date}," + ("在" if within else "超过")
                              + f" {days.value} 天内({limit} 前)", start.isoformat(), days.sources, days.confidence,
                              days.note))
        else:
            notes.append("新生儿从哪天起享受待遇由当地规定(如福建:出生后 90 天内参保缴费的从出生之日起);"
                         "这里按缴费之日(不早于参保年度开始)计")
        steps.append(Step("start", "待遇开始", "不设等待期", start.isoformat()))
        return Coverage("resident", start, None, 0, False, tuple(steps), (), _incentive(rule, ask, local, steps=[]),
                        tuple(warnings), tuple(notes), not used_local, rules.disputes)
    if ask.group:
        examples = "; ".join(f"{e.place}:{'、'.join(e.groups)}" for e in rule.local_exempt)
        steps.append(Step("group", f"“{ask.group}”是否免等待期", "国家文件只点名新生儿(“除新生儿等特殊群体外”),"
                          f"其他群体看当地规定。地方的例子:{examples}", None,
                          tuple(s for e in rule.local_exempt for s in e.text.sources), "unverified"))
        warnings.append(f"“{ask.group}”在有的地方不设等待期:国家文件只点名新生儿,这里按一般人员计算,请向当地医保局确认")
    extension = next((p.extension for p in local if p.extension is not None), None)
    if ask.extension and extension is not None:
        used_local = True
    continuous_in_window = ask.in_window and ask.gap_years == 0
    if continuous_in_window or (ask.extension and ask.gap_years == 0 and extension is not None):
        if ask.extension and extension is not None:
            start = ask.pay_date
            steps.append(Step("extension", "延长缴费期内缴费", extension.text.note or extension.words(),
                              start.isoformat(), extension.text.sources, extension.text.confidence))
        else:
            start = max(year_start, ask.pay_date)
            steps.append(_text("none", "集中参保期内缴费、连续参保:不设等待期", rule.applies))
        steps.append(Step("start", "待遇开始", f"参保年度 {ask.coverage_year} 开始" if start == year_start
                          else "从缴费之日", start.isoformat()))
        return Coverage("resident", start, None, 0, False, tuple(steps), (),
                        _incentive(rule, ask, local, steps=[]), tuple(warnings), tuple(notes), not used_local,
                        rules.disputes)
    steps.append(_text("applies", "要等待:不在集中参保期内缴费,或没有连续参保", rule.applies))
    fixed = int(rule.fixed.value)
    free = int(rule.free_gap_years.value)
    per_year = int(rule.per_gap_year.value)
    variable = max(0, ask.gap_years - free) * per_year
    steps.append(_fig("fixed", "固定等待期", rule.fixed, "国家规定", fixed, "个月"))
    steps.append(_fig("free_gap", "断保的第 1 年不另加", rule.free_gap_years, "按青岛医保的算例", free, "年"))
    steps.append(_fig("variable", "变动等待期", rule.per_gap_year,
                      f"(断保 {ask.gap_years} 年 − {free} 年)× {per_year} 个月" if ask.gap_years > free
                      else "没有断保,不加" if ask.gap_years == 0 else f"断保 {ask.gap_years} 年,不加(第 1 年不另加)",
                      variable, "个月"))
    anchor = max(year_start, ask.pay_date)  # never before the coverage year starts
    anchor_words = f"参保年度 {ask.coverage_year} 开始({year_start})" if anchor == year_start else f"缴费之日({anchor})"

    def months_after(repaid: int) -> int:
        left = max(0, variable - repaid * int(rule.repair.value))
        total = fixed + left
        if ask.gap_years >= int(rule.long_gap_years.value):
            total = max(total, int(rule.long_gap_minimum.value))
        return total

    waiting = months_after(ask.arrears_years)
    if ask.arrears_years:
        steps.append(_fig("repair", f"补缴 {ask.arrears_years} 年后的变动等待期", rule.repair,
                          f"{variable} − {ask.arrears_years} × {rule.repair.value} 个月,不少于 0;固定等待期不变",
                          max(0, variable - ask.arrears_years * int(rule.repair.value)), "个月"))
    if ask.gap_years >= int(rule.long_gap_years.value):
        steps.append(_fig("long_gap", f"断保 {rule.long_gap_years.value} 年及以上:修复后合计不少于", rule.long_gap_minimum,
                          "国家规定", rule.long_gap_minimum.value, "个月"))
    steps.append(Step("waiting", "等待期合计", f"{fixed} + {waiting - fixed} 个月", waiting, unit="个月"))
    start = add_months(anchor, waiting)
    steps.append(Step("start", "待遇开始", f"{anchor_words} + {waiting} 个月", start.isoformat(),
                      note="等待期从哪天起算,各地细则可能不同(如从缴费次月起算):这里按参保年度开始或缴费之日起算"))
    steps.append(_text("waiting_costs", "等待期内的医疗费用", rule.waiting_costs))
    options = []
    most = -(-variable // int(rule.repair.value)) if variable else 0
    for years in range(0, most + 1):
        options.append(ArrearsOption(years, months_after(years), add_months(anchor, months_after(years))))
    if variable:
        cost = ""
        if repair_cost is not None:
            cost = f";补缴按当年的个人缴费标准,每年约 {repair_cost:,.2f} 元(青岛的做法)"
        notes.append(f"补缴(修复):每多缴 1 年减少 {rule.repair.value} 个月变动等待期,固定等待期 {fixed} 个月不变{cost}")
        if repair_cost_step is not None:
            steps.append(repair_cost_step)
    else:
        notes.append(f"没有变动等待期,补缴不会缩短 {fixed} 个月的固定等待期")
    notes.append("断保年数是否只从 2025 年起算,找到的来源没有说明:这里按你给的断保年数计算")
    incentive = _incentive(rule, ask, local, steps=[])
    return Coverage("resident", start, None, waiting, False, tuple(steps), tuple(options), incentive,
                    tuple(warnings), tuple(notes), not used_local, rules.disputes)


def _incentive(rule: ResidentWaiting, ask: ResidentAsk, local: list[PlaceRule], *, steps: list[Step]) -> Incentive | None:
    """The raise of the 大病 cap earned by continuous years and years without claims, if asked."""
    if ask.continuous_years is None and ask.claim_free_years is None:
        return None
    inc = rule.incentives
    own = next((p for p in local if p.incentive_amount is not None and not p.draft), None)
    draft = next((p for p in local if p.incentive_amount is not None and p.draft), None)
    if own is not None and own.incentive_amount is not None:
        per, basis = own.incentive_amount.value, "local"
        steps.append(_fig("per_year", f"{own.place}每次提高的金额", own.incentive_amount, "当地公布的金额", per, "元"))
    else:
        per, basis = inc.continuous_min.value, "national_minimum"
        steps.append(_fig("per_year", "每次提高的金额", inc.continuous_min, "国家规定的最低数(具体由各省定)", per, "元"))
        if draft is not None and draft.incentive_amount is not None:
            steps.append(_fig("draft", f"{draft.place}的征求意见稿(没有按它算)", draft.incentive_amount,
                              "定稿没有找到", draft.incentive_amount.value, "元"))
    after = int(inc.continuous_after.value)
    years = ask.continuous_years or 0
    if ask.gap_years > 0:
        years = 1 if ask.continuous_years is None else min(years, 1)
        steps.append(_text("reset", "断保后连续参保年数重新计算", inc.resets))
    continuous = round_fen(max(0, years - after) * per)
    steps.append(_fig("continuous", "连续参保激励", inc.continuous_after,
                      f"连续 {years} 年,超过 {after} 年的 {max(0, years - after)} 年 × {per} 元", continuous, "元"))
    free = ask.claim_free_years or 0
    zero = round_fen(free * per)
    steps.append(_fig("zero_claim", "零报销激励", inc.zero_claim_min, f"{free} 个零报销年度 × {per} 元", zero, "元"))
    total = continuous + zero
    limit = None
    if ask.critical_cap is not None:
        limit = round_fen(ask.critical_cap * inc.cap_share.value)
        capped = min(total, limit)
        steps.append(_fig("limit", f"累计提高不超过大病保险原封顶线的 {pct(inc.cap_share.value)}", inc.cap_share,
                          f"{ask.critical_cap:,.2f}({ask.critical_cap_source or '地区数据'})× {pct(inc.cap_share.value)}",
                          limit, "元"))
        steps.append(Step("incentive", "封顶线提高", f"{continuous} + {zero} 元,不超过 {limit:,.2f} 元", capped, unit="元"))
        total = capped
    else:
        steps.append(_fig("limit", f"累计提高不超过大病保险原封顶线的 {pct(inc.cap_share.value)}", inc.cap_share,
                          "地区数据没有居民大病保险封顶线(或没有给地区):没有核对这个上限"))
        steps.append(Step("incentive", "封顶线提高", f"{continuous} + {zero} 元", total, unit="元"))
    steps.append(_text("resets", "什么时候清零", inc.resets))
    return Incentive(per, basis, continuous, zero, total, limit, tuple(steps))


# ---- 职工医保 ------------------------------------------------------------------------------------


def months_between(last_paid: dt.date, pay_date: dt.date) -> int:
    """Months not paid between the last month paid and the month of paying now."""
    return (pay_date.year * 12 + pay_date.month) - (last_paid.year * 12 + last_paid.month) - 1


def employee(rules: WaitingRules, last_paid: dt.date, pay_date: dt.date) -> Coverage:
    """When 职工医保 benefits resume after a gap (the month last paid, the day of paying now)."""
    dated = pick(rules.employee, pay_date)
    if dated is None:
        return Coverage("employee", None, None, None, False, (), (), None, (
            f"{pay_date} 早于找到的全国规定(2021 年底的转移接续暂行办法):medins 没有那时的规则",), (), True, ())
    rule: EmployeeGap = dated.record
    gap = months_between(last_paid, pay_date)
    steps = [Step("document", "依据", f"{rule.document}({since_text(rule.since, rule.since_basis)})", None,
                  rule.arrears_months.sources, rule.arrears_months.confidence),
             Step("gap", "中断缴费的月数", f"最后缴费 {last_paid:%Y-%m},现在缴费 {pay_date:%Y-%m}", max(gap, 0),
                  unit="个月")]
    month_start = pay_date.replace(day=1)
    notes = ["城乡居民医保的固定和变动等待期、连续参保和零报销激励(国办 2024 年的指导意见)说的是居民医保;"
             "找到的来源没有把它们用于职工医保"]
    if gap <= 0:
        steps.append(Step("start", "待遇", "没有中断:按月缴费,待遇连续", month_start.isoformat()))
        return Coverage("employee", month_start, None, 0, False, tuple(steps), (), None, (), tuple(notes), True,
                        rules.employee_disputes)
    limit = int(rule.arrears_months.value)
    if gap <= limit:
        steps.append(_fig("arrears", f"中断 {limit} 个月(含)以内:补缴后缴费当月起享受,中断期间的待遇可追溯",
                          rule.arrears_months, f"中断 {gap} 个月 ≤ {limit} 个月"))
        steps.append(Step("start", "待遇开始", f"缴费当月({pay_date:%Y-%m})起,中断期间追溯", month_start.isoformat()))
        return Coverage("employee", month_start, None, 0, True, tuple(steps), (), None, (),
                        tuple(notes + ["原文说的是转移接续时的规定(连续参保 2 年以上、在职工和居民医保之间切换时同样)"]),
                        True, rules.employee_disputes)
    most = int(rule.max_waiting.value)
    latest = add_months(pay_date, most)
    steps.append(_fig("waiting", f"中断超过 {limit} 个月:各地可设不超过 {most} 个月的等待期", rule.max_waiting,
                      f"中断 {gap} 个月 > {limit} 个月;当地的等待期没有数据"))
    steps.append(Step("start", "待遇开始", f"缴费之日到 {most} 个月后之间,看当地规定", f"{pay_date} – {latest}"))
    examples = [Step("local", "地方的例子", t.text, None, t.sources, t.confidence, t.note) for t in rule.local_examples]
    return Coverage("employee", pay_date, latest, None, False, tuple(steps + examples), (), None,
                    (f"中断超过 {limit} 个月:等待期由当地规定(最长 {most} 个月),medins 没有当地的数字:请向当地医保局确认",),
                    tuple(notes), True, rules.employee_disputes)

