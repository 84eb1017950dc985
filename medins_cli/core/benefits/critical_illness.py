"""大病保险 / 大额医疗补助: after the basic fund, for inpatient bills. Two modes, each a small strategy:

- ``on_burden`` (城乡居民大病保险): bands on the year's policy-range personal burden above a
  threshold — the part of [B0, B1] above it, B0 the burden before this bill, B1 after;
- ``above_cap`` (职工大额医疗补助 in many cities): bands on the policy-range costs above the point X
  where the basic fund reached what was left of its annual cap (X solved exactly with fractions).
Rounding half-up to the fen happens at the pay.
"""


from decimal import Decimal
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple

from medins_cli.core.arith import Piece, banded_pay, banded_pay_exact, cap_point, fmt, pieces_formula, yuan
from medins_cli.core.benefits import Context, Kind, Paid, Prep, Prepared
from medins_cli.core.benefits.fund import FundFigures, FundRule, bands_of
from medins_cli.core.benefits.spec import Field, Problem, Spec, check_bands
from medins_cli.core.messages import Msg
from medins_cli.core.model import Band, Bill, FigureUse, Limit, Section, Step, YearSoFar, dec
from medins_cli.core.money import ZERO, round_fen, round_fen_exact

if TYPE_CHECKING:
    from fractions import Fraction

MODES = ("on_burden", "above_cap")


class CriticalIllnessRule(NamedTuple):
    threshold: Decimal
    bands: tuple[Band, ...]
    annual_cap: Decimal | None = None
    mode: str = "on_burden"
    name: str | None = None  # the section's own name (e.g. 城镇职工大额医疗互助)
    includes_partial_self_pay: bool = False  # on_burden: 乙类先行自付 counts toward the burden


def critical_illness_name(rule: CriticalIllnessRule | None, plan: str) -> str:
    """What a bill's 大病 line is called: the section's own name, else by plan."""
    if rule is not None and rule.name:
        return rule.name
    return "大额医疗补助" if plan == "employee" else "大病保险"


class CIFigures:
    """大病/大额 of one bill, with the intermediate values the explanation shows."""

    __slots__ = ("burden", "start", "end", "point", "base", "pieces", "raw", "cap_left", "pay")

    def __init__(self) -> None:
        self.burden: Decimal | None = None  # on_burden: this bill's burden
        self.start: Decimal | None = None  # on_burden: the year's burden before (B0) and after (B1) this bill
        self.end: Decimal | None = None
        self.point: Fraction | None = None  # above_cap: where the basic fund reached its cap (X)
        self.base: Fraction | None = None  # above_cap: eligible − X
        self.pieces: list[Piece] = []
        self.raw = ZERO  # before its cap
        self.cap_left: Decimal | None = None
        self.pay = ZERO


class CIRule(Prepared):
    __slots__ = ("kind", "section", "plan", "retired", "rule", "name", "fund")

    def __init__(self, kind: Kind, section: Section, name: str, fund: FundRule) -> None:
        self.kind = kind
        self.section = section
        self.plan = fund.plan
        self.retired = fund.retired
        self.rule: CriticalIllnessRule = section.rule
        self.name = name
        self.fund = fund

    def label(self) -> str:
        return self.name

    def pay(self, bill: Bill, year: YearSoFar, earlier: tuple[Paid, ...]) -> Paid:
        f: FundFigures = earlier[0].detail
        rule = self.rule
        c = CIFigures()
        if rule.annual_cap is not None:
            c.cap_left = max(ZERO, rule.annual_cap - year.critical)
        if rule.mode == "above_cap":
            self._above_cap(f, c)
        else:
            self._on_burden(f, c, bill.partial_self_pay, year.burden)
        return Paid(c.pay, c)

    def _on_burden(self, f: FundFigures, c: CIFigures, partial_self_pay: Decimal, year_burden: Decimal) -> None:
        """大病 on the year's burden: bands on the part of [B0, B1] above the threshold."""
        rule = self.rule
        burden = f.eligible - f.fund_pay
        if rule.includes_partial_self_pay:
            burden += partial_self_pay
        c.burden = burden
        c.start, c.end = year_burden, year_burden + burden
        start = rule.threshold if rule.threshold > year_burden else year_burden
        raw, c.pieces = banded_pay(c.end, start, rule.bands)
        c.raw = raw
        c.pay = round_fen(raw if c.cap_left is None else min(raw, c.cap_left))

    def _above_cap(self, f: FundFigures, c: CIFigures) -> None:
        """大额 above the cap: bands on the policy-range costs beyond the point X where the basic
        fund reached what was left of its annual cap."""
        from fractions import Fraction

        if f.cap_left is None or f.fund_raw < f.cap_left:
            return  # no cap in the data (a warning says so), or the cap is not reached: base 0
        point = cap_point(f.deductible, self.fund.bands, f.cap_left)
        if point is None:  # cannot happen when the uncapped fund reaches the cap; kept safe
            return
        base = max(Fraction(f.eligible) - point, Fraction(0))  # a bill below the deductible: nothing above X
        c.point, c.base = point, base
        exact, c.pieces = banded_pay_exact(base, self.rule.bands)
        c.raw = yuan(exact)
        if c.cap_left is not None and exact > c.cap_left:
            exact = Fraction(c.cap_left)
        c.pay = round_fen_exact(exact)

    def bill_bounds(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Msg]:
        if self.rule.annual_cap is None and paid.amount > 0:
            return [Msg("no_ci_cap", f"数据没有{self.name}年度封顶线,未计封顶:{self.name}支付是上限,实际可能更少",
                        name=self.name)]
        return []

    def bill_warnings(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Msg]:
        c: CIFigures = paid.detail
        out = []
        if self.rule.mode == "above_cap" and year.burden:
            out.append(Msg("ci_burden_unused", f"{self.name}按超过封顶线的费用支付,不看个人负担:已忽略本年个人负担",
                           name=self.name))
        if c.cap_left is not None and c.raw > c.cap_left:
            out.append(Msg("ci_cap_reached", f"已达{self.name}年度封顶线,只能再付 {fmt(c.cap_left)} 元",
                           name=self.name, left=c.cap_left))
        if self.rule.mode == "on_burden" and c.pieces and not year.burden:
            out.append(Msg("ci_burden_hint", f"{self.name}起付线按全年累计:本年此前的政策内个人负担请一并给出,"
                                             "这里按这张账单是本年第一笔计算", name=self.name))
        return out

    def carry(self, year: YearSoFar, bill: Bill, paid: Paid, earlier: tuple[Paid, ...]) -> YearSoFar:
        c: CIFigures = paid.detail
        # the burden as the 大病 rule counts it (with 乙类先行自付 where the section says so); the fund
        # has already added eligible − fund to ``year.burden``
        if c.end is not None and self.rule.includes_partial_self_pay:
            year = year._replace(burden=year.burden + bill.partial_self_pay)
        return year._replace(critical=year.critical + paid.amount)

    def uses(self, *paths: str) -> tuple[FigureUse, ...]:
        out = []
        rule = self.rule
        values = {"threshold": rule.threshold, "bands": rule.bands, "annual_cap": rule.annual_cap, "mode": rule.mode}
        for path in paths:
            fig = self.section.figure(path)
            out.append(FigureUse(path, self.kind.key, values.get(path), fig.source or self.section.source,
                                 fig.alternatives, self.section.position))
        return tuple(out)

    def _cap_text(self, year: YearSoFar, c: CIFigures) -> str:
        if self.rule.annual_cap is None or c.cap_left is None:
            return ""
        return f",封顶 {fmt(self.rule.annual_cap)} − 本年已付 {fmt(year.critical)} = {fmt(c.cap_left)}"

    def steps(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Step]:
        c: CIFigures = paid.detail
        f: FundFigures = earlier[0].detail
        name = self.name
        cap_uses = ("annual_cap",) if self.rule.annual_cap is not None else ()
        if self.rule.mode == "above_cap":
            if f.cap_left is None:
                return [Step("critical_illness_pay", name, "数据没有基本统筹封顶线,算不出从哪里开始付:按 0 计", ZERO,
                             self.uses("mode"))]
            if c.point is None or c.base is None:
                return [Step("critical_illness_pay", name,
                             f"统筹基金(封顶前)合计 {fmt(f.fund_raw)} 未达到封顶剩余 {fmt(f.cap_left)}:超过封顶线的费用为 0",
                             ZERO, self.uses("mode"))]
            return [
                Step("cap_point", "统筹基金用完封顶时的政策内费用",
                     f"起付线 {fmt(f.deductible)} 以上按 {self.fund.ratio_note} 累计,到 {fmt(yuan(c.point))} 时达到"
                     f"封顶剩余 {fmt(f.cap_left)}(按精确值计算)", yuan(c.point), self.fund.uses("cap")),
                Step("critical_illness_base", f"{name}的基数(超过封顶线的政策内费用)",
                     f"{fmt(f.eligible)} − {fmt(yuan(c.point))}", yuan(c.base), self.uses("mode")),
                Step("critical_illness_pay", name, pieces_formula(c.pieces, "0") + self._cap_text(year, c), c.pay,
                     self.uses("bands", *cap_uses)),
            ]
        burden = "个人负担政策内" + ("(含乙类先行自付)" if self.rule.includes_partial_self_pay else "")
        position = (f"本年累计 {fmt(c.start or ZERO)} → {fmt(c.end or ZERO)}(这张账单 {fmt(c.burden or ZERO)})"
                    if year.burden else f"{fmt(c.burden or ZERO)}")
        return [Step("critical_illness_pay", name,
                     f"{burden} {position},起付 {fmt(self.rule.threshold)}:{pieces_formula(c.pieces)}"
                     + self._cap_text(year, c), c.pay, self.uses("mode", "threshold", "bands", *cap_uses))]


def _mode_fields(body: Mapping[str, Any]) -> list[Problem]:
    mode = body.get("mode", "on_burden")
    if mode == "on_burden" and body.get("threshold") is None:
        return [((), "mode: on_burden(默认)要写 threshold(年度累计起付线);按超过封顶线的费用支付请写 mode: above_cap")]
    if mode == "above_cap" and body.get("threshold"):
        return [((), "mode: above_cap 从基本统筹封顶线以上开始支付,不用 threshold:请删掉 threshold(或写 0)")]
    if mode == "above_cap" and body.get("includes_partial_self_pay"):
        return [((), "includes_partial_self_pay 只用于 mode: on_burden(按个人负担计)")]
    return []


def _bands(body: Mapping[str, Any]) -> list[Problem]:
    return check_bands(body.get("bands"), ("bands",))


class CriticalIllness(Kind):
    key = "critical_illness"
    label = "大病保险 / 大额医疗补助"
    role = "payer"
    payer = "critical_illness"
    payer_label = "大病保险"
    visits = ("inpatient",)
    order = 10
    doc = "职工大额医疗补助 / 居民大病保险"
    spec = Spec(
        fields=(
            Field("mode", "choice", "支付方式", choices=MODES, default="on_burden",
                  doc="超过基本统筹年度封顶线的费用按比例付(很多城市的职工大额)时写 above_cap;这时不写 threshold"),
            Field("name", "text", "名称", figure=False, doc="通知里的名称,如 职工大额医疗互助"),
            Field("threshold", "amount", "起付线(本年政策内个人负担)",
                  doc="年度累计起付线(元,默认的 mode: on_burden:个人负担超过它的部分按比例付)",
                  question="大病保险年度起付线(元,个人负担超过它的部分按比例付)"),
            Field("bands", "bands", "比例", required=True,
                  doc="超过起付线部分的比例:ratio: 0.6;分段写 bands: [{upto: 100000, ratio: 0.6}, {ratio: 0.7}]",
                  question="大病保险超过起付线部分的比例(如 60%)"),
            Field("annual_cap", "amount", "年度封顶线", doc="年度最高支付(元)", question="大病保险年度最高支付(元)"),
            Field("includes_partial_self_pay", "bool", "乙类先行自付计入个人负担", figure=False, default=False,
                  doc="通知写明乙类先行自付也计入大病个人负担时才写 true"),
        ),
        checks=(_mode_fields, _bands),
    )

    def build(self, body: Mapping[str, Any]) -> CriticalIllnessRule:
        return CriticalIllnessRule(
            threshold=dec(body.get("threshold")) or ZERO,
            bands=bands_of(body["bands"]),
            annual_cap=dec(body.get("annual_cap")),
            mode=body.get("mode") or "on_burden",
            name=body.get("name"),
            includes_partial_self_pay=bool(body.get("includes_partial_self_pay")),
        )

    def limits(self, section: Section, plan: str, retired: bool, so_far: YearSoFar) -> list[Limit]:
        rule: CriticalIllnessRule = section.rule
        name = critical_illness_name(rule, plan)
        out = []
        if rule.mode == "on_burden" and rule.threshold:
            out.append(Limit("critical_illness_threshold", f"{name}起付线(本年政策内个人负担)", so_far.burden,
                             rule.threshold))
        if rule.annual_cap is not None:
            out.append(Limit("critical_illness_cap", f"{name}年度封顶线", so_far.critical, rule.annual_cap))
        return out

    def prepare(self, prep: Prep, section: Section, ctx: Context) -> CIRule | None:
        fund = ctx.primary
        if not isinstance(fund, FundRule) or not self.applies_to(prep.visit):
            return None
        rule: CriticalIllnessRule = section.rule
        name = critical_illness_name(rule, prep.plan)
        ctx.sources.append(section.source)
        ctx.sources.extend(fig.source for fig in section.figures.values() if fig.source)
        if section.note:
            ctx.notes.append(section.note)
        if rule.mode == "above_cap" and fund.cap is None:
            ctx.warnings.append(Msg("ci_above_cap_no_cap", f"{name}按超过基本统筹封顶线的部分支付,但数据没有封顶线:按 0 计",
                                    name=name))
        return CIRule(self, section, name, fund)


CRITICAL_ILLNESS = CriticalIllness()
