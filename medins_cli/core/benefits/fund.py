"""The basic fund (统筹基金): inpatient (per admission) and outpatient (门诊统筹, over the year).

The primary payer of its visit: it decides the policy-range amount, the deductible (repeat
admissions; the annual outpatient one left, plus per visit), the ratio (retiree bonus, per tier or
per section; the out-of-area rule) and the fund's pay (bands, the annual cap left).
Rounding half-up to the fen happens at the deductible and at fund_pay.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping, NamedTuple

from medins_cli.core.arith import Piece, adjust_ratio, apply_repeat_admission, banded_pay, fmt, pct, pieces_formula
from medins_cli.core.benefits import Context, Kind, Paid, Prep, Prepared
from medins_cli.core.benefits.spec import (
    ANNUAL_CAP,
    RETIREE_ANNUAL_CAP,
    SECTION_RETIREE_BONUS,
    TIER_BANDS,
    TIER_RATIO,
    TIER_RETIREE_BONUS,
    Field,
    Spec,
    check_repeat,
    check_tiers,
)
from medins_cli.core.errors import PolicyDataError
from medins_cli.core.messages import Msg
from medins_cli.core.model import Band, Bill, FigureUse, Limit, RepeatRule, Section, Step, TierRule, YearSoFar, dec
from medins_cli.core.money import ZERO, round_fen
from medins_cli.core.names import PLANS, TIERS, VISITS

# ---- the data --------------------------------------------------------------------------------------


class InpatientRule(NamedTuple):
    tiers: Mapping[str, TierRule]
    retiree_bonus: Decimal = ZERO
    repeat_admission: RepeatRule | None = None
    annual_cap: Decimal | None = None
    retiree_annual_cap: Decimal | None = None


class OutpatientRule(NamedTuple):
    tiers: Mapping[str, TierRule]
    annual_deductible: Decimal | None = None
    retiree_annual_deductible: Decimal | None = None
    retiree_bonus: Decimal = ZERO
    annual_cap: Decimal | None = None
    retiree_annual_cap: Decimal | None = None


def bands_of(raw: Any) -> tuple[Band, ...]:
    return tuple(Band(dec(b.get("upto")), Decimal(str(b["ratio"]))) for b in raw)


def tier_rule(raw: Mapping[str, Any]) -> TierRule:
    extra = (dec(raw.get("retiree_bonus")), dec(raw.get("visit_deductible")))
    if raw.get("bands"):
        return TierRule(dec(raw.get("deductible")), bands_of(raw["bands"]), True, *extra)
    return TierRule(dec(raw.get("deductible")), (Band(None, Decimal(str(raw["ratio"]))),), False, *extra)


def _tiers(raw: Mapping[str, Any]) -> dict[str, TierRule]:
    return {str(k): tier_rule(v) for k, v in raw.items()}


def _repeat(raw: Mapping[str, Any] | None) -> RepeatRule | None:
    if not raw:
        return None
    return RepeatRule(dec(raw.get("step")), dec(raw.get("floor")), dec(raw.get("factor")),
                      tuple(Decimal(str(f)) for f in raw.get("factors") or ()))


_INPATIENT_TIER = (
    Field("deductible", "amount", "起付线", example="待填写"),
    TIER_RATIO, TIER_BANDS, TIER_RETIREE_BONUS,
    Field("visit_deductible", "amount", "每次起付线",
          not_here="住院的起付线按次写在 deductible:tiers.{key}.visit_deductible 只用于门诊统筹"),
)
_OUTPATIENT_TIER = (
    Field("deductible", "amount", "起付线",
          not_here="门诊统筹的起付线是年度的:请把 tiers.{key}.deductible 改为 annual_deductible(按次的写 visit_deductible)"),
    TIER_RATIO, TIER_BANDS, TIER_RETIREE_BONUS,
    Field("visit_deductible", "amount", "每次就诊起付线",
          doc='按次设起付线的写在等级里:"1": {ratio: 0.6, visit_deductible: 10}(先扣年度起付线剩余,再扣每次的)'),
)
REPEAT = Field(
    "repeat_admission", "record", "再次住院起付线", fields=(
        Field("step", "amount", "每次降低"), Field("floor", "amount", "最低"),
        Field("factor", "ratio", "第二次起 × 系数"), Field("factors", "ratios", "第二次、第三次及以后 × 系数"),
    ),
    doc="再次住院起付线:{factor: 0.5}(减半)、{step: 100, floor: 100} 或 {factors: [0.5, 0]}(第二次减半、第三次及以后免)",
    question="再次住院的起付线(如 减半 写 0.5;没有写就回车)")


# ---- the prepared rule -------------------------------------------------------------------------------


class FundFigures:
    """The basic fund's figures of one bill, with what the explanation shows."""

    __slots__ = ("eligible", "deductible", "fund_raw", "fund_pieces", "cap_left", "fund_pay")

    def __init__(self, eligible: Decimal, deductible: Decimal, fund_raw: Decimal, fund_pieces: list[Piece],
                 cap_left: Decimal | None, fund_pay: Decimal) -> None:
        self.eligible = eligible
        self.deductible = deductible
        self.fund_raw = fund_raw
        self.fund_pieces = fund_pieces
        self.cap_left = cap_left
        self.fund_pay = fund_pay


class FundRule(Prepared):
    """The basic fund for one (plan, visit, tier, retired, remote), worked out once: batch mode
    keeps one per distinct combination and pays every row with it."""

    __slots__ = ("kind", "section", "plan", "retired", "visit", "tier", "base", "first_deductible", "visit_deductible", "repeat",
                 "cap", "tier_bands", "bands", "bonus", "remote_applied", "ratio_note", "figure_paths", "own_sources", "missing_after")

    kind: BasicFund
    visit: str
    tier: str  # the tier whose figures are used (三甲 without its own figures → "3")
    base: Decimal  # inpatient: the tier's 起付线; outpatient: the annual 起付线 (0 when the data has none)
    first_deductible: Decimal  # a first admission's, or with nothing spent yet
    visit_deductible: Decimal  # outpatient: the per-visit 起付线 (0 when none)
    repeat: RepeatRule | None
    cap: Decimal | None
    tier_bands: tuple[Band, ...]  # as in the data
    bands: tuple[Band, ...]  # after the retiree bonus and the out-of-area rule
    bonus: Decimal
    remote_applied: str | None
    ratio_note: str
    figure_paths: dict[str, list[tuple[str, Any]]]  # figure name → (path in the section, value)
    own_sources: tuple[str, ...]
    missing_after: str | None  # inpatient without 大病 data: its name (past the cap, more may be paid)

    def __init__(self, kind: BasicFund, section: Section, **fields: Any) -> None:
        self.kind = kind
        self.section = section
        for name, value in fields.items():
            setattr(self, name, value)

    @property
    def inpatient(self) -> bool:
        return self.visit == "inpatient"

    def deductible(self, admission: int, outpatient_so_far: Decimal) -> Decimal:
        """起付线 for this bill: the N-th admission's, or what is left of the annual outpatient one
        (plus the per-visit one)."""
        if self.visit == "inpatient":
            return self.first_deductible if admission < 2 else apply_repeat_admission(self.base, self.repeat, admission)
        if not outpatient_so_far:
            return self.first_deductible
        return round_fen(max(ZERO, self.base - outpatient_so_far)) + self.visit_deductible

    def pay(self, bill: Bill, year: YearSoFar, earlier: tuple[Paid, ...]) -> Paid:
        eligible = bill.total - bill.self_pay - bill.partial_self_pay
        if self.visit == "inpatient":
            deductible = self.first_deductible if not year.admissions else self.deductible(year.admissions + 1, ZERO)
            used = year.inpatient_fund
        else:
            deductible = self.deductible(1, year.outpatient_eligible)
            used = year.outpatient_fund
        raw, pieces = banded_pay(eligible, deductible, self.bands)
        cap = self.cap
        if cap is None:
            cap_left = None
            fund_pay = round_fen(raw)
        else:
            cap_left = max(ZERO, cap - used)
            fund_pay = round_fen(min(raw, cap_left))
        return Paid(fund_pay, FundFigures(eligible, deductible, raw, pieces, cap_left, fund_pay))

    def bill_warnings(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Msg]:
        f: FundFigures = paid.detail
        out = []
        if self.inpatient and year.admissions and self.repeat is None:
            out.append(Msg("repeat_unknown", "数据没有多次住院起付线的规则,按首次住院计算"))
        if f.cap_left is not None and f.fund_raw > f.cap_left:
            out.append(Msg("fund_cap_reached", f"已达年度封顶线,统筹基金只能再付 {fmt(f.cap_left)} 元",
                           left=f.cap_left))
            if self.missing_after:
                out.append(Msg("no_ci_data", f"数据没有{self.missing_after}的规则:超过封顶线的费用可能还有它支付,"
                                             "医保实际可能付得更多", name=self.missing_after))
        return out

    def carry(self, year: YearSoFar, bill: Bill, paid: Paid, earlier: tuple[Paid, ...]) -> YearSoFar:
        f: FundFigures = paid.detail
        if self.inpatient:
            return year._replace(admissions=year.admissions + 1, inpatient_fund=year.inpatient_fund + f.fund_pay,
                                 burden=year.burden + f.eligible - f.fund_pay)
        return year._replace(outpatient_fund=year.outpatient_fund + f.fund_pay,
                             outpatient_eligible=year.outpatient_eligible + f.eligible)

    def sources(self) -> tuple[str, ...]:
        return self.own_sources

    def uses(self, *names: str) -> tuple[FigureUse, ...]:
        """The figures (by name: deductible, ratio, bonus, cap, repeat) with their sources."""
        out = []
        for name in names:
            for path, value in self.figure_paths.get(name, ()):
                fig = self.section.figure(path)
                out.append(FigureUse(path, self.kind.key, value, fig.source or self.section.source, fig.alternatives,
                                     self.section.position))
        return tuple(out)

    def steps(self, bill: Bill, year: YearSoFar, paid: Paid, earlier: tuple[Paid, ...]) -> list[Step]:
        f: FundFigures = paid.detail
        admission = year.admissions + 1
        steps = [Step("eligible", "政策范围内费用",
                      f"{fmt(bill.total)} − 全自费 {fmt(bill.self_pay)} − 乙类先行自付 {fmt(bill.partial_self_pay)}",
                      f.eligible)]
        if self.inpatient:
            formula = f"{TIERS[self.tier]}医院起付线 {fmt(self.base)}"
            repeat = self.repeat
            used: tuple[str, ...] = ("deductible",)
            if admission >= 2 and repeat is not None:
                used = ("deductible", "repeat")
                if repeat.factors:
                    factor = repeat.factors[min(admission - 2, len(repeat.factors) - 1)]
                    formula += f" × {factor.normalize():f}(第{admission}次住院)"
                elif repeat.factor is not None:
                    formula += f" × {repeat.factor.normalize():f}(第{admission}次住院)"
                else:
                    formula += (f" − {fmt(repeat.step or ZERO)} × {admission - 1}(第{admission}次住院,"
                                f"最低 {fmt(repeat.floor or ZERO)})")
            steps.append(Step("deductible", "起付线", formula, f.deductible, self.uses(*used)))
        else:
            formula = f"年度起付线 {fmt(self.base)} − 本年已发生 {fmt(year.outpatient_eligible)}(不低于 0)"
            if self.visit_deductible:
                formula += f" + 每次就诊起付线 {fmt(self.visit_deductible)}"
            steps.append(Step("deductible", "门诊起付线(本年剩余" + (" + 每次" if self.visit_deductible else "") + ")",
                              formula, f.deductible, self.uses("deductible")))
        if self.bonus or self.remote_applied:
            formula = " / ".join(pct(b.ratio) for b in self.tier_bands)
            if self.bonus:
                formula += f" + 退休加 {pct(self.bonus)}(不超过 100%)"
            if self.remote_applied:
                formula += f",{self.remote_applied}"
            steps.append(Step("ratio", "报销比例", f"{formula} → {self.ratio_note}", None,
                              self.uses("ratio", "bonus")))
        steps.append(Step("fund_raw", "统筹基金(封顶前)", pieces_formula(f.fund_pieces), round_fen(f.fund_raw),
                          () if (self.bonus or self.remote_applied) else self.uses("ratio")))
        if self.cap is not None and f.cap_left is not None:
            steps.append(Step("fund_pay", "统筹基金支付",
                              f"min({fmt(f.fund_raw)}, 年度封顶 {fmt(self.cap)} − 本年已付 {fmt(year.fund(self.visit))} = "
                              f"{fmt(f.cap_left)})", f.fund_pay, self.uses("cap")))
        return steps


# ---- the kinds ---------------------------------------------------------------------------------------


class BasicFund(Kind):
    role = "payer"
    payer = "fund"
    payer_label = "统筹基金支付"
    primary = True
    order = 0

    def prepare(self, prep: Prep, section: Section, ctx: Context) -> FundRule:
        rule = section.rule
        used_tier, tier = tier_of(prep, rule)
        inpatient = self.key == "inpatient"
        employee_retired = prep.employee_retired
        tier_path = f"tiers.{used_tier}"
        sources = [section.source]
        notes = [section.note] if section.note else []
        bounds: list[Msg] = []
        others: list[Msg] = []
        paths: dict[str, list[tuple[str, Any]]] = {}
        repeat: RepeatRule | None = None
        visit_deductible = ZERO
        if inpatient:
            base = tier.deductible
            repeat = rule.repeat_admission
            paths["deductible"] = [(f"{tier_path}.deductible", base)]
            if repeat is not None:
                paths["repeat"] = [("repeat_admission", repeat)]
            if base is None:
                bounds.append(Msg("no_deductible", f"数据没有{TIERS[used_tier]}医院的住院起付线,按 0 计算:统筹支付是上限,"
                                                   "实际会更少", tier=used_tier))
        else:
            base = rule.annual_deductible
            base_path = "annual_deductible"
            if employee_retired and rule.retiree_annual_deductible is not None:
                base, base_path = rule.retiree_annual_deductible, "retiree_annual_deductible"
            visit_deductible = tier.visit_deductible or ZERO
            paths["deductible"] = [(base_path, base)] + (
                [(f"{tier_path}.visit_deductible", tier.visit_deductible)] if tier.visit_deductible is not None else [])
            if base is None and tier.visit_deductible is None:
                bounds.append(Msg("no_outpatient_deductible",
                                  "数据没有门诊统筹起付线(年度或每次),按 0 计算:统筹支付是上限,实际会更少"))
        base = ZERO if base is None else base
        first = (apply_repeat_admission(base, None, 1) if inpatient else round_fen(max(ZERO, base)) + visit_deductible)
        cap, cap_path = rule.annual_cap, "annual_cap"
        if employee_retired and rule.retiree_annual_cap is not None:
            cap, cap_path = rule.retiree_annual_cap, "retiree_annual_cap"
        paths["cap"] = [(cap_path, cap)]
        if cap is None:
            bounds.append(Msg("no_cap", f"数据没有{'住院' if inpatient else '门诊统筹'}年度封顶线,未计封顶:"
                                        "统筹支付是上限,实际可能更少", visit=self.key))
        bonus = ZERO
        if employee_retired:
            if tier.retiree_bonus is not None:
                bonus = tier.retiree_bonus
                paths["bonus"] = [(f"{tier_path}.retiree_bonus", bonus)]
            else:
                bonus = rule.retiree_bonus
                paths["bonus"] = [("retiree_bonus", bonus)]
        paths["ratio"] = [(f"{tier_path}.bands" if tier.banded else f"{tier_path}.ratio",
                           tier.bands if tier.banded else tier.bands[0].ratio)]
        bands = tuple(Band(b.upto, adjust_ratio(b.ratio, bonus, ctx.remote_rule)) for b in tier.bands)
        if len(bands) > 1:  # one band with no limit reads as a flat ratio
            ratio_note = "分段 " + " / ".join(
                (f"≤{fmt(b.upto)} {pct(b.ratio)}" if b.upto is not None else f"以上 {pct(b.ratio)}") for b in bands)
        else:
            ratio_note = pct(bands[0].ratio)
        # figures of this tier that come from a source of their own (e.g. the user's settlement slip)
        own = [section.figure(p).source for group in paths.values() for p, _ in group if p.startswith(tier_path)]
        for sid in dict.fromkeys(s for s in own if s and s != section.source):
            sources.append(sid)
            notes.append(tier_source_note(prep.policy, used_tier, sid))
        for group in paths.values():  # any other figure with its own source (a notice for the cap …)
            for p, _ in group:
                own_source = section.figure(p).source
                if own_source and own_source not in sources:
                    sources.append(own_source)
        if prep.retired and not employee_retired:
            others.append(Msg("retired_ignored", "城乡居民医保不区分退休,已忽略退休"))
        if used_tier != prep.tier:
            others.append(Msg("tier_3a_fallback", "该地数据没有单列三级甲等医院,按三级医院的起付线和比例计算"))
        if all(b.ratio == 0 for b in tier.bands):
            others.append(Msg("tier_not_covered", f"该地数据中{TIERS[used_tier]}医院的{VISITS[self.key]}报销比例为 0:"
                                                  "这一级医院不纳入统筹,政策内费用也由个人负担", tier=used_tier))
        ctx.bound_reasons[:0] = bounds  # the primary's reasons first, then the modifiers'
        ctx.warnings[:0] = others
        ctx.notes[:0] = notes
        ctx.sources[:0] = sources
        return FundRule(
            self, section, plan=prep.plan, retired=prep.retired, visit=self.key, tier=used_tier, base=base, first_deductible=first,
            visit_deductible=visit_deductible, repeat=repeat, cap=cap, tier_bands=tier.bands, bands=bands,
            bonus=bonus, remote_applied=ctx.remote_applied, ratio_note=ratio_note, figure_paths=paths,
            own_sources=tuple(dict.fromkeys(sources)), missing_after=None,
        )


    def limits(self, section: Section, plan: str, retired: bool, so_far: YearSoFar) -> list[Limit]:
        rule = section.rule
        employee_retired = retired and plan == "employee"
        out = []
        cap = rule.retiree_annual_cap if employee_retired and rule.retiree_annual_cap is not None else rule.annual_cap
        if self.key == "outpatient":
            base = (rule.retiree_annual_deductible if employee_retired and rule.retiree_annual_deductible is not None
                    else rule.annual_deductible)
            if base:
                out.append(Limit("outpatient_deductible", "门诊统筹年度起付线(本年政策内门诊费用)",
                                 so_far.outpatient_eligible, base))
            if cap is not None:
                out.append(Limit("outpatient_cap", "门诊统筹年度限额", so_far.outpatient_fund, cap))
        elif cap is not None:
            out.append(Limit("fund_cap", "统筹基金年度封顶线", so_far.inpatient_fund, cap))
        return out


def tier_of(prep: Prep, rule: InpatientRule | OutpatientRule) -> tuple[str, TierRule]:
    """The tier asked for; 三甲 (``3a``) without its own figures falls back to 三级.

    One rule for a tier, in every city, inpatient or outpatient: a tier the data gives ratio 0 is
    outside 统筹 and pays 0, with the reason (``tier_not_covered``); a tier the data has no figures
    for is not guessed (another tier's ratio could be far off: the tier may be outside 统筹), so it
    is an error (exit 1, code ``no_tier``) that says what the data has and how to add the tier."""
    tier = rule.tiers.get(prep.tier)
    if tier is None and prep.tier == "3a" and "3" in rule.tiers:
        return "3", rule.tiers["3"]
    if tier is None:
        region, name = prep.policy.region.name, TIERS.get(prep.tier, prep.tier)
        known = "、".join(TIERS.get(k, k) for k in rule.tiers) or "无"
        where = f"{region}{PLANS[prep.plan]}{VISITS[prep.visit]}"
        raise PolicyDataError(
            f"{where}的数据没有{name}医院的数字(只有:{known}),算不出这一级医院报销多少:"
            "要补上这一级,写进该地的数据(当地这一级不纳入统筹就写比例 0)",
            code="no_tier", tier=prep.tier, where=where, name=name, known=known, region=region)
    return prep.tier, tier


def tier_source_note(policy: Any, tier_key: str, source_id: str) -> str:
    """Says which of a tier's figures come from its own source (e.g. the user's settlement slip)."""
    src = policy.sources.get(source_id)
    title = src.title if src is not None else source_id
    what = f":{src.note}" if src is not None and src.note else ""
    return f"{TIERS.get(tier_key, tier_key)}医院的数字有一部分来自「{title}」{what}"


class Inpatient(BasicFund):
    key = "inpatient"
    label = "住院"
    visits = ("inpatient",)
    doc = "住院"
    spec = Spec(
        fields=(
            Field("tiers", "tiers", "各级医院", required=True, figure=False, fields=_INPATIENT_TIER,
                  doc='只写通知里有的级别:community(社区/基层)、"1"、"2"、"3"、"3a"(三级甲等;数字要加引号)'),
            SECTION_RETIREE_BONUS,
            REPEAT,
            ANNUAL_CAP._replace(doc="统筹基金年度最高支付(元)", question="住院统筹基金年度最高支付(元)"),
            RETIREE_ANNUAL_CAP,
        ),
        checks=(check_tiers, check_repeat),
    )

    def build(self, body: Mapping[str, Any]) -> InpatientRule:
        return InpatientRule(
            tiers=_tiers(body["tiers"]),
            retiree_bonus=dec(body.get("retiree_bonus")) or ZERO,
            repeat_admission=_repeat(body.get("repeat_admission")),
            annual_cap=dec(body.get("annual_cap")),
            retiree_annual_cap=dec(body.get("retiree_annual_cap")),
        )


class Outpatient(BasicFund):
    key = "outpatient"
    label = "门诊统筹"
    visits = ("outpatient",)
    doc = "门诊统筹(普通门诊)"
    spec = Spec(
        fields=(
            Field("annual_deductible", "amount", "年度起付线", doc="年度起付线(元)",
                  question="门诊统筹年度起付线(元)"),
            Field("retiree_annual_deductible", "amount", "退休人员年度起付线", employee_only=True),
            Field("tiers", "tiers", "各级医院", required=True, figure=False, fields=_OUTPATIENT_TIER),
            SECTION_RETIREE_BONUS,
            ANNUAL_CAP._replace(label="年度限额", doc="年度限额(元)", question="门诊统筹年度限额(元)"),
            RETIREE_ANNUAL_CAP._replace(label="退休人员年度限额"),
        ),
        checks=(check_tiers,),
    )

    def build(self, body: Mapping[str, Any]) -> OutpatientRule:
        return OutpatientRule(
            tiers=_tiers(body["tiers"]),
            annual_deductible=dec(body.get("annual_deductible")),
            retiree_annual_deductible=dec(body.get("retiree_annual_deductible")),
            retiree_bonus=dec(body.get("retiree_bonus")) or ZERO,
            annual_cap=dec(body.get("annual_cap")),
            retiree_annual_cap=dec(body.get("retiree_annual_cap")),
        )


INPATIENT = Inpatient()
OUTPATIENT = Outpatient()
