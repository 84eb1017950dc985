"""The 个人所得税 大病医疗 deduction from the ledger (``slip year``, ``slip year --family``).

The rule (data/rules/tax.yaml): of a person's yearly 医保目录范围内的自付部分 (the base), the part above
15,000 yuan is deductible, up to 80,000 yuan; each person of a family is computed separately; a
person's own costs may be claimed by them or their spouse, a minor child's by one parent.

Which slip fields make the base is not in any source read: medins counts 乙类先行自付, 起付线 and the
co-pay within the policy range (= 符合政策范围金额 + 乙类先行自付 − every fund's payment − 医院负担)
and leaves out 全自费 (目录外) and 超限价. Where a slip did not print a part, the base is a bound.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Mapping, NamedTuple, Sequence

from medins_cli.core.money import ZERO, money, round_fen
from medins_cli.core.slip import FUNDS
from medins_cli.core.sourced import Book, Figure, Step, Text
from medins_cli.core.year import Entry

FIELD_WORDS = {"partial_self_pay": "乙类先行自付", "deductible": "起付线", "co_pay": "政策范围内按比例自付的部分",
               "self_pay": "全自费(目录外)", "over_limit": "超限价自费"}


class TaxRule(NamedTuple):
    since: str | None
    document: str
    doc_number: Text
    threshold: Figure
    limit: Figure
    base: Text
    who: Text
    separately: Text
    when: Text
    record: Text
    no_inpatient: Text | None


class SlipFields(NamedTuple):
    basis: str  # inference | sourced
    counted: tuple[str, ...]
    not_counted: tuple[str, ...]
    text: Text


class TaxRules(NamedTuple):
    book: Book
    rules: tuple[TaxRule, ...]
    slip_fields: SlipFields
    notes: tuple[Text, ...]

    def for_year(self, year: int) -> TaxRule:
        """The rule for a tax year: the latest whose start (if the sources give one) is not after it."""
        from medins_cli.core.sourced import since_date

        def starts(rule: TaxRule) -> int:
            day = since_date(rule.since)
            return 0 if day is None else day.year

        fitting = [r for r in self.rules if starts(r) <= year]
        return (fitting or list(self.rules))[-1]


class TaxBase(NamedTuple):
    """A person's yearly base: 医保目录范围内的自付部分 from the ledger."""

    base: Decimal
    partial_self_pay: Decimal  # 乙类先行自付 (counted)
    in_range: Decimal  # 起付线 + 政策范围内自付 (counted)
    excluded: Decimal  # 全自费 + 超限价 (not counted)
    bills: int
    estimates: int
    bound: str | None  # upper | lower | approximate | None
    reasons: tuple[str, ...]


def tax_base(entries: Iterable[Entry]) -> TaxBase:
    """Sum a person's ledger entries of one year into the deduction's base, saying where it is a bound."""
    partial = in_range = excluded = ZERO
    upper: list[str] = []
    lower: list[str] = []
    bills = estimates = 0
    for e in entries:
        bills += 1
        label = f"{e.date}{'(预计账单)' if e.kind == 'estimate' else ''} 医疗费 {money(e.amount('total'))}"
        if e.kind == "estimate":
            estimates += 1
        funds = sum((e.amount(k) for k in FUNDS), ZERO) + e.amount("hospital_pay")
        p = e.amount("partial_self_pay")
        r = max(ZERO, e.amount("eligible") - funds)
        partial += p
        in_range += r
        excluded += e.amount("self_pay") + e.amount("over_limit")
        said = e.amounts
        if said.get("self_pay") is None and said.get("over_limit") is None and said.get("partial_self_pay") is None:
            upper.append(f"{label}:没有写全自费、乙类先行自付,按整张账单都在目录内计")
        elif said.get("partial_self_pay") is None and e.amount("self_pay") > 0:
            lower.append(f"{label}:没有单列乙类先行自付;如果全自费里含乙类先行自付,扣除基数会更大")
    bound = "approximate" if upper and lower else "upper" if upper else "lower" if lower else None
    reasons = tuple(upper + lower)
    if estimates:
        reasons += (f"其中 {estimates} 张是预计账单,不是结算单:数字是估算",)
    return TaxBase(partial + in_range, partial, in_range, excluded, bills, estimates, bound, reasons)


class TaxDeduction(NamedTuple):
    person: str
    year: int
    base: TaxBase
    threshold: Decimal
    limit: Decimal
    deductible: Decimal
    rule: TaxRule
    steps: tuple[Step, ...]

    @property
    def bound(self) -> str | None:
        """The deduction is a bound where its base is one, unless it is 0 or the limit either way."""
        b = self.base.bound
        if b is None:
            return None
        if b == "upper" and self.deductible == 0:
            return None  # less cannot be less than nothing
        if b == "lower" and self.deductible == self.limit:
            return None  # more cannot be more than the limit
        return b


def deduction(rules: TaxRules, person: str, year: int, base: TaxBase) -> TaxDeduction:
    """The deductible amount: min(max(base − threshold, 0), limit), each figure with its source."""
    rule = rules.for_year(year)
    threshold, limit = rule.threshold.value, rule.limit.value
    above = max(ZERO, base.base - threshold)
    deductible = round_fen(min(above, limit))
    fields = rules.slip_fields
    counted = "、".join(FIELD_WORDS[k] for k in fields.counted)
    left_out = "、".join(FIELD_WORDS[k] for k in fields.not_counted)
    steps = (
        Step("rule", "依据", f"{rule.document}({rule.doc_number.text}):{rule.base.text}", None,
             rule.base.sources + rule.doc_number.sources, rule.base.confidence),
        Step("fields", "结算单的哪些字段算" + ("(medins 的推断)" if fields.basis == "inference" else ""),
             f"算:{counted};不算:{left_out}", None, fields.text.sources, fields.text.confidence, fields.text.text),
        Step("base", f"{person} {year} 年目录范围内的个人自付",
             f"乙类先行自付 {money(base.partial_self_pay)} + 起付线和政策范围内自付 {money(base.in_range)}"
             f"(不计全自费和超限价 {money(base.excluded)})", round_fen(base.base)),
        Step("threshold", "超过起付的部分", f"{money(base.base)} − {money(threshold)},不低于 0", round_fen(above),
             rule.threshold.sources, rule.threshold.confidence, rule.threshold.note),
        Step("deductible", "可扣除额", f"{money(above)} 与限额 {money(limit)} 取小", deductible,
             rule.limit.sources, rule.limit.confidence, rule.limit.note),
        Step("when", "什么时候扣", rule.when.text, None, rule.when.sources, rule.when.confidence),
        Step("record", "以医保的年度数字为准", rule.record.text, None, rule.record.sources, rule.record.confidence),
    )
    return TaxDeduction(person, year, base, threshold, limit, deductible, rule, steps)


# ---- a family: who may claim what ------------------------------------------------------------------


class Share(NamedTuple):
    person: str
    role: str  # self (one of the couple) | child (a minor child)
    deductible: Decimal
    may_claim: tuple[str, ...]  # who may claim it
    claimed_by: str  # under the suggested allocation


class Allocation(NamedTuple):
    couple: tuple[str, ...]
    shares: tuple[Share, ...]
    by_claimant: Mapping[str, Decimal]
    total: Decimal
    steps: tuple[Step, ...]


def allocate(rules: TaxRules, year: int, couple: Sequence[str], children: Sequence[str],
             deductions: Mapping[str, TaxDeduction], claimant: str | None = None) -> Allocation:
    """Who claims each person's deduction. Each person's is computed apart (so the total is the same
    however it is allocated); the suggestion puts everything on one of the couple: ``claimant`` (the
    one with the higher marginal tax rate, which medins does not know), else the first named."""
    rule = rules.for_year(year)
    taker = claimant if claimant is not None else couple[0]
    shares = []
    for name in couple:
        shares.append(Share(name, "self", deductions[name].deductible, tuple(couple), taker))
    for name in children:
        shares.append(Share(name, "child", deductions[name].deductible, tuple(couple), taker))
    by = {name: ZERO for name in couple}
    for share in shares:
        by[share.claimed_by] += share.deductible
    total = sum((s.deductible for s in shares), ZERO)
    steps = (
        Step("separately", "每人分别计算", rule.separately.text, None, rule.separately.sources, rule.separately.confidence),
        Step("who", "谁来扣", rule.who.text, None, rule.who.sources, rule.who.confidence),
        Step("total", "全家可扣除额合计", " + ".join(f"{s.person} {money(s.deductible)}" for s in shares), total),
        Step("best", "怎样分配最好",
             "总额不随分配改变(每人分别计算,不能把几个人的费用加在一起凑过起付线);全部放在边际税率较高的一方,"
             "省税最多。medins 不知道你们的收入和税率,没有计算省多少税"
             + ("" if claimant is not None else f";这里默认放在 {taker} 名下,也可以指定另一方"), None),
    )
    return Allocation(tuple(couple), tuple(shares), by, total, steps)
