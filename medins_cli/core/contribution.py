"""What a year of insurance costs the person: 城乡居民医保's individual contribution and 职工医保's
(灵活就业: monthly base × rate × 12, all paid by the person; 在职 and 退休: the person's own share only).

The national figures (by the year of the notice) and the local ones are data (data/rules/contributions.yaml);
this module picks the one for a coverage year and says where it comes from: the user's figure, the
region's own, the national notice's, or (no notice found for that year) the latest notice found.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple

from medins_cli.core.arith import pct
from medins_cli.core.messages import Msg
from medins_cli.core.money import round_fen
from medins_cli.core.sourced import Book, Figure, Step, Text, weakest

MONTHS = 12
STATUSES = {"flexible": "灵活就业", "employed": "在职(有单位)", "retired": "退休"}
_STATUS_WORDS = {
    "flexible": "flexible", "灵活就业": "flexible", "灵活": "flexible", "个体": "flexible", "无业": "flexible",
    "employed": "employed", "在职": "employed", "单位": "employed", "有单位": "employed",
    "retired": "retired", "退休": "retired",
}


def normalize_status(text: str) -> str:
    """灵活就业/在职/退休 (flexible/employed/retired) → the key; ClaimError for anything else."""
    from medins_cli.core.errors import ClaimError

    key = str(text).strip().lower()
    if key not in _STATUS_WORDS:
        raise ClaimError(f"不认识的职工身份「{text}」:可选 灵活就业|在职|退休(flexible|employed|retired)")
    return _STATUS_WORDS[key]


class NationalYear(NamedTuple):
    notice_year: int
    notice: str | None
    individual: Figure | None
    subsidy: Figure | None
    note: str | None
    sources: tuple[str, ...]


class LocalResident(NamedTuple):
    place: str
    coverage_year: int
    individual: Figure
    subsidy: Figure | None
    note: str | None


class Flexible(NamedTuple):
    place: str
    since: str | None
    since_basis: str | None
    rate: Figure
    base_min: Figure | None
    base_max: Figure | None
    base_note: str | None


class ContributionRules(NamedTuple):
    book: Book
    national: tuple[NationalYear, ...]
    lag: Figure
    local: tuple[LocalResident, ...]
    flexible: tuple[Flexible, ...]
    notes: tuple[Text, ...]


class Contribution(NamedTuple):
    """A year's contribution of one plan, as far as it is known."""

    plan: str  # employee | resident
    amount: Decimal | None  # None: not known (the steps say what would give it)
    basis: str  # given | base_rate | local | national | latest_known | unknown
    whose: str  # person: everything the person pays | own_share: the person's share (an employer pays the rest)
    steps: tuple[Step, ...]
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for step in self.steps for s in step.sources))

    @property
    def confidence(self) -> str | None:
        return weakest(step.confidence for step in self.steps)


BASIS_WORDS = {
    "given": "你给的数字", "base_rate": "缴费基数 × 费率", "local": "当地公布的标准",
    "national": "国家通知的标准(全国最低要求)", "latest_known": "最近找到的国家通知的标准(不是这一年的)",
    "unknown": "不知道",
}


def _matches(place: str, names: Iterable[str]) -> bool:
    return place in {n for n in names if n}


def resident(rules: ContributionRules, coverage_year: int, places: Iterable[str] = (),
             given: Decimal | None = None) -> Contribution:
    """The individual 城乡居民医保 contribution for ``coverage_year`` (参保年度): the user's figure, else
    the region's (``places``: its name, then its province), else the national notice's whose standard is
    collected for that year, else the latest notice found (said so), else unknown."""
    if given is not None:
        return Contribution("resident", given, "given", "person", (
            Step("contribution", "居民个人缴费", "你给的数字", given, unit="元"),))
    names = tuple(places)
    for name in names:
        for local in rules.local:
            if local.coverage_year == coverage_year and _matches(local.place, (name,)):
                fig = local.individual
                return Contribution("resident", fig.value, "local", "person", (
                    Step("contribution", f"{local.place} {coverage_year} 年度的居民个人缴费", "当地公布的标准", fig.value,
                         fig.sources, fig.confidence, local.note),))
    lag = int(rules.lag.value)
    notice_year = coverage_year - lag
    lag_step = Step("collection_year", f"{coverage_year} 年度的缴费按哪年的标准征收",
                    f"{coverage_year} − {lag} = {notice_year} 年通知的标准(通常在前一年秋季征收下一年度的缴费)",
                    notice_year, rules.lag.sources, rules.lag.confidence, rules.lag.note)
    found = {n.notice_year: n for n in rules.national}
    entry = found.get(notice_year)
    if entry is not None and entry.individual is not None:
        fig = entry.individual
        return Contribution("resident", fig.value, "national", "person", (
            lag_step,
            Step("contribution", f"{notice_year} 年国家通知的居民个人缴费标准", entry.notice or "国家医保局等部门的年度通知",
                 fig.value, fig.sources, fig.confidence, fig.note),
        ), notes=(Msg("resident_national", "这是国家通知的标准,各省按它定本地标准,当地可能不同:有当地的数字请直接给出"),))
    earlier = [n for n in rules.national if n.notice_year < notice_year and n.individual is not None]
    why = (entry.note if entry is not None and entry.note else "没有收录") if entry is not None else "没有收录"
    if earlier:
        last = earlier[-1]
        latest = last.individual
        assert latest is not None
        fig = latest
        shown = "、".join(f"{n.notice_year} 年 {n.individual.value}" for n in earlier[-4:] if n.individual is not None)
        return Contribution("resident", fig.value, "latest_known", "person", (
            lag_step,
            Step("contribution", f"{notice_year} 年的国家通知:{why};用最近找到的 {last.notice_year} 年通知的标准",
                 f"找到的各年标准(元):{shown}", fig.value, fig.sources, fig.confidence, fig.note),
        ), warnings=(Msg("resident_latest_known",
                         f"没有找到 {notice_year} 年的国家通知(它定 {coverage_year} 年度的缴费):居民缴费按 "
                         f"{last.notice_year} 年通知的 {fig.value} 元计,实际标准可能不同;有当地的数字请直接给出",
                         notice_year=notice_year, coverage_year=coverage_year, last=last.notice_year, value=fig.value),))
    return Contribution("resident", None, "unknown", "person", (lag_step,), warnings=(
        Msg("resident_unknown", f"不知道 {coverage_year} 年度的居民个人缴费:请给出当地的数字", coverage_year=coverage_year),))


def employee(rules: ContributionRules, status: str, *, base: Decimal | None = None, rate: Decimal | None = None,
             given: Decimal | None = None, places: Iterable[str] = ()) -> Contribution:
    """The person's own 职工医保 contribution for a year: the user's figure, else monthly base × rate × 12.

    灵活就业 pays the whole contribution; 在职 counts only the person's own share (the rate the user
    gives is that share); 退休: only a figure the user gives (no source says what retirees pay)."""
    whose = "person" if status == "flexible" else "own_share"
    who = STATUSES[status]
    share = {"flexible": "灵活就业人员自己缴全部医保费",
             "employed": "在职职工:只算你自己缴的部分,单位缴的部分不计入你的成本",
             "retired": "退休人员:只算你自己缴的部分"}[status]
    if given is not None:
        return Contribution("employee", given, "given", whose, (
            Step("contribution", f"职工医保缴费({who})", "你给的数字", given, note=share, unit="元"),))
    if status == "retired":
        return Contribution("employee", None, "unknown", whose, (), warnings=(Msg(
            "retired_contribution", "退休人员本人是否还要缴职工医保费、缴多少,各地规定不同,medins 没有来源:"
            "请给出一年的缴费(不用缴就写 0)"),))
    steps: list[Step] = []
    local = next((f for name in places for f in rules.flexible if _matches(f.place, (name,))), None) \
        if status == "flexible" else None
    rate_step: Step | None = None
    if rate is not None:
        rate_step = Step("rate", "费率", "你给的数字", rate, note=share)
    elif local is not None:
        rate_step = Step("rate", f"{local.place}灵活就业的费率", "当地的数字(可以改用自己的)", local.rate.value,
                         local.rate.sources, local.rate.confidence, local.rate.note)
        rate = local.rate.value
    hints = []
    if local is not None and local.base_note:
        limits = ""
        if local.base_min is not None and local.base_max is not None:
            limits = f";月缴费基数 {local.base_min.value}–{local.base_max.value} 元"
        hints.append(f"{local.place}:{local.base_note}{limits}")
    if base is None or rate is None:
        missing = tuple(k for k, v in (("base", base), ("rate", rate)) if v is None)
        words = "、".join({"base": "月缴费基数", "rate": "费率"}[k] for k in missing)
        if rate_step is not None:
            steps.append(rate_step)
        return Contribution("employee", None, "unknown", whose, tuple(steps), warnings=(Msg(
            "employee_contribution_unknown", f"不知道职工医保一年的缴费:缺{words},或直接给出一年的金额",
            missing=missing),), notes=tuple(hints))
    assert rate_step is not None
    steps.append(Step("base", "月缴费基数", "你给的数字", base, unit="元"))
    steps.append(rate_step)
    amount = round_fen(base * rate * MONTHS)
    steps.append(Step("contribution", f"职工医保一年的缴费({who})", f"{base} × {pct(rate)} × {MONTHS} 个月", amount,
                      rate_step.sources, rate_step.confidence, share))
    return Contribution("employee", amount, "base_rate", whose, tuple(steps), notes=tuple(hints))
