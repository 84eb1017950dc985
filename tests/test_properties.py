"""Invariants of the core (hypothesis), over every shipped region file with rules and the two test
policies (tests/policies/example.yaml; tests/policies/rules.yaml: 大额 above the cap, 大病 over
the year with 乙类先行自付, 转诊, 三甲, per-visit deductibles, repeat factors), and of settlement
slips printed from estimates."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from medins_cli.core import Claim, CoreError, estimate, split_payment
from medins_cli.core.slip import read_slip, tally
from medins_cli.core.slip_check import compare, slip_claim
from medins_cli.store.paths import shipped_data_dir
from medins_cli.store.regions import load_policy

HERE = Path(__file__).parent
RULES = load_policy(HERE / "policies" / "rules.yaml")
FILES = [HERE / "policies" / "example.yaml", HERE / "policies" / "rules.yaml",
         *sorted((shipped_data_dir() / "regions").glob("*.yaml"))]


def _combos():
    out = []
    for path in FILES:
        policy = load_policy(path)
        for plan_name, plan in policy.plans.items():
            for visit in ("inpatient", "outpatient"):
                section = getattr(plan, visit)
                if section is None:
                    continue
                tiers = list(section.tiers) + (["3a"] if "3" in section.tiers and "3a" not in section.tiers else [])
                out.extend((policy, plan_name, visit, tier) for tier in tiers)
    return out


COMBOS = _combos()
money = st.decimals(min_value=0, max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.01"), max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False)
REMOTES = [None, "filed", "transfer", "unfiled", "emergency"]


@st.composite
def claims(draw):
    policy, plan, visit, tier = draw(st.sampled_from(COMBOS))
    total = draw(positive)
    self_pay = draw(st.decimals(min_value=0, max_value=total, places=2))
    partial = draw(st.decimals(min_value=0, max_value=total - self_pay, places=2))
    claim = Claim(
        total=total, tier=tier, plan=plan, visit=visit, self_pay=self_pay, partial_self_pay=partial,
        retired=draw(st.booleans()), admission=draw(st.integers(1, 6)), ytd_fund=draw(money),
        ytd_outpatient=draw(money), remote=draw(st.sampled_from(REMOTES)), ytd_burden=draw(money),
        ytd_critical=draw(money),
    )
    return policy, claim


def test_there_are_regions_to_check():
    assert len(COMBOS) >= 10
    assert any(p.region.name == "绵阳" for p, *_ in COMBOS)
    assert {(plan, tier) for p, plan, _, tier in COMBOS if p.region.name == "规则市"} >= {("employee", "3a"),
                                                                                         ("resident", "3a")}


@settings(max_examples=500, deadline=None)
@given(claims())
def test_parts_add_up_and_are_never_negative(case):
    policy, claim = case
    bd = estimate(policy, claim, explain=False)
    assert bd.fund_pay + bd.critical_illness_pay + bd.out_of_pocket == claim.total
    for value in (bd.eligible, bd.deductible, bd.fund_pay, bd.critical_illness_pay, bd.out_of_pocket):
        assert value >= 0
        assert value == value.quantize(Decimal("0.01"))
    # 大病 may pay part of 乙类先行自付 where the section says so; never any 全自费
    assert bd.fund_pay + bd.critical_illness_pay <= bd.eligible + claim.partial_self_pay
    assert bd.out_of_pocket >= claim.self_pay
    assert 0 <= bd.effective_ratio <= 1
    if bd.cap_left is not None:
        assert bd.fund_pay <= bd.cap_left
    if claim.visit == "outpatient":
        assert bd.critical_illness_pay == 0
    assert (bd.bound == "upper") == any("上限" in w for w in bd.warnings)
    if bd.bound:
        assert "上限" in bd.warnings[0]  # the reason comes first


@settings(max_examples=400, deadline=None)
@given(claims(), positive)
def test_fund_and_critical_illness_never_decrease_as_the_bill_grows(case, extra):
    policy, claim = case
    small = estimate(policy, claim, explain=False)
    big = estimate(policy, claim._replace(total=claim.total + extra), explain=False)
    assert big.fund_pay >= small.fund_pay
    assert big.critical_illness_pay >= small.critical_illness_pay


@settings(max_examples=400, deadline=None)
@given(claims(), positive)
def test_out_of_pocket_never_falls_as_the_bill_grows(case, extra):
    """Monotone in the amount, for every mode: a bigger bill never leaves the person paying less
    (within the two roundings to the fen of fund_pay and critical_illness_pay)."""
    policy, claim = case
    small = estimate(policy, claim, explain=False)
    big = estimate(policy, claim._replace(total=claim.total + extra), explain=False)
    assert big.out_of_pocket >= small.out_of_pocket - Decimal("0.02")


INPATIENT = [c for c in COMBOS if c[2] == "inpatient" and c[0].plans[c[1]].inpatient.annual_cap]
FEN = Decimal("0.01")


def _steepest(policy, plan_name, claim) -> Decimal:
    """How far one fen of --ytd-fund may move a figure: the basic fund's cap left moves by a fen, so
    the cap point X moves by a fen ÷ the fund's lowest ratio, and 大额/大病 by that × its highest
    ratio; plus a fen of rounding on each of the two payers."""
    plan = policy.plans[plan_name]
    ratios = [b.ratio for t in plan.inpatient.tiers.values() for b in t.bands if b.ratio > 0]
    remote = plan.remote.rules.get(claim.remote) if (plan.remote and claim.remote) else None
    if remote is not None and remote.factor is not None:
        ratios = [r * remote.factor for r in ratios]
    if remote is not None and remote.ratio_minus is not None:
        ratios = [r - remote.ratio_minus for r in ratios if r > remote.ratio_minus]
    lowest = min(ratios, default=Decimal(1))
    ci = plan.critical_illness
    highest = max((b.ratio for b in ci.bands), default=Decimal(0)) if ci else Decimal(0)
    return FEN * (1 + highest / lowest) + 2 * FEN


@st.composite
def near_the_cap(draw):
    policy, plan, visit, tier = draw(st.sampled_from(INPATIENT))
    section = policy.plans[plan].inpatient
    retired = draw(st.booleans())
    cap = section.retiree_annual_cap if (retired and plan == "employee" and section.retiree_annual_cap) \
        else section.annual_cap
    total = draw(st.decimals(min_value=Decimal("0.01"), max_value=cap * 4 + 10_000, places=2))
    # the year's fund a few fen either side of the cap (where 0.3 jumped), or anywhere below it
    ytd = draw(st.one_of(st.integers(-3, 3).map(lambda k: max(Decimal(0), cap + k * FEN)),
                         st.decimals(min_value=0, max_value=cap, places=2)))
    claim = Claim(total=total, tier=tier, plan=plan, visit=visit, retired=retired, ytd_fund=ytd,
                  remote=draw(st.sampled_from(REMOTES)), admission=draw(st.integers(1, 3)),
                  ytd_burden=draw(money), partial_self_pay=draw(st.decimals(min_value=0, max_value=total,
                                                                             places=2)))
    return policy, claim


@settings(max_examples=600, deadline=None)
@given(near_the_cap())
def test_figures_are_continuous_in_the_years_fund(case):
    """A fen more of --ytd-fund never moves fund, 大病/大额 or out-of-pocket by more than the slope
    and the rounding allow: no jump at the cap (0.3 dropped the whole deductible there)."""
    policy, claim = case
    before = estimate(policy, claim, explain=False)
    after = estimate(policy, claim._replace(ytd_fund=claim.ytd_fund + FEN), explain=False)
    step = _steepest(policy, claim.plan, claim)
    for name in ("fund_pay", "critical_illness_pay", "out_of_pocket"):
        assert abs(getattr(after, name) - getattr(before, name)) <= step, name


burden = st.decimals(min_value=Decimal("0.01"), max_value=400_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=400, deadline=None)
@given(burden, burden)
def test_on_burden_over_two_bills_adds_up_to_one(b1, b2):
    """Two bills whose policy-range burdens are b1 and b2 (the second told --ytd-burden b1 and what
    大病 already paid) get what one bill with burden b1 + b2 gets, within the two roundings.
    (规则市 居民 社区: deductible 0, ratio 0, so the whole bill is the burden.)"""
    first = estimate(RULES, Claim(total=b1, tier="community", plan="resident"), explain=False)
    second = estimate(RULES, Claim(total=b2, tier="community", plan="resident", ytd_burden=b1,
                                   ytd_critical=first.critical_illness_pay), explain=False)
    both = estimate(RULES, Claim(total=b1 + b2, tier="community", plan="resident"), explain=False)
    assert abs(first.critical_illness_pay + second.critical_illness_pay - both.critical_illness_pay) <= Decimal("0.01")


@settings(max_examples=300, deadline=None)
@given(positive, st.decimals(min_value=0, max_value=60_000, places=2), st.sampled_from(["1", "2", "3", "3a"]),
       st.booleans())
def test_above_cap_pays_only_beyond_the_cap(total, ytd_fund, tier, retired):
    """Until the basic fund reaches what is left of its cap, 大额 pays nothing; once it does, the
    basic fund pays exactly what was left."""
    bd = estimate(RULES, Claim(total=total, tier=tier, plan="employee", ytd_fund=ytd_fund, retired=retired),
                  explain=False)
    left = max(Decimal(0), Decimal(50000) - ytd_fund)
    if bd.critical_illness_pay > 0:
        assert bd.fund_pay == left
    if bd.fund_pay < left:
        assert bd.critical_illness_pay == 0


@settings(max_examples=200, deadline=None)
@given(claims())
def test_explain_does_not_change_figures(case):
    policy, claim = case
    a = estimate(policy, claim, explain=True)
    b = estimate(policy, claim, explain=False)
    assert (a.fund_pay, a.critical_illness_pay, a.out_of_pocket, a.deductible) == (
        b.fund_pay, b.critical_illness_pay, b.out_of_pocket, b.deductible)
    assert a.steps and not b.steps


# ---- settlement slips (medins slip check) ------------------------------------------------

SPELLINGS = [
    {"total": "total", "self_pay": "self_pay", "partial_self_pay": "partial_self_pay", "eligible": "eligible",
     "deductible": "deductible", "fund_pay": "fund_pay", "critical_illness_pay": "critical_illness_pay",
     "account_pay": "account_pay", "family_pay": "family_pay", "cash_pay": "cash_pay"},
    {"total": "medfee_sumamt", "self_pay": "fulamt_ownpay_amt", "partial_self_pay": "preselfpay_amt",
     "eligible": "inscp_scp_amt", "deductible": "act_pay_dedc", "fund_pay": "hifp_pay",
     "critical_illness_pay": "hifob_pay", "account_pay": "acct_pay", "family_pay": "acct_mulaid_pay",
     "cash_pay": "psn_cash_pay"},
    {"total": "医疗费总额", "self_pay": "全自费金额", "partial_self_pay": "先行自付金额", "eligible": "符合政策范围金额",
     "deductible": "起付标准", "fund_pay": "统筹基金支出", "critical_illness_pay": "大病保险",
     "account_pay": "个人账户支出", "family_pay": "共济账户支付", "cash_pay": "个人现金支出"},
]
balances = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(claims(), balances, balances, st.sampled_from(SPELLINGS), st.booleans())
def test_a_slip_printed_from_an_estimate_adds_up_and_matches(case, balance, family, spelling, as_text):
    """A slip printed from an estimate (its fields in any of the three spellings, as numbers or
    as text) always adds up and checks against the same policy with zero differences."""
    policy, claim = case
    try:
        bd = estimate(policy, claim, explain=False)
    except CoreError:  # a combination the data cannot estimate (e.g. a tier the plan lacks)
        return
    paid = split_payment(bd, balance, family)
    fields = {"total": bd.total, "self_pay": bd.self_pay, "partial_self_pay": bd.partial_self_pay,
              "eligible": bd.eligible, "deductible": bd.deductible, "fund_pay": bd.fund_pay,
              "critical_illness_pay": bd.critical_illness_pay, "account_pay": paid.account_pay,
              "family_pay": paid.family_pay, "cash_pay": paid.cash_pay}
    slip = read_slip({spelling[k]: (f"{v:,.2f}" if as_text else v) for k, v in fields.items()})
    checked = tally(slip)
    assert checked.adds_up, checked.problems
    comparison = compare(policy, slip_claim(checked, claim), checked)
    assert [line.difference for line in comparison.lines] == [Decimal("0.00")] * 5, comparison.lines
    assert comparison.matches
    implied = comparison.implied
    assert implied.deductible == bd.deductible
    if implied.ratio is not None:  # one ratio, cap not reached: it reproduces the fund to the fen
        base = bd.eligible - bd.deductible
        assert (base * implied.ratio).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP") == bd.fund_pay
