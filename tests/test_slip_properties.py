"""A slip printed from an estimate (estimate → the slip's fields, in any of the three spellings)
always adds up and checks against the same policy with zero differences (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from test_rules_properties import claims

from medins_cli.core import CoreError, estimate, split_payment
from medins_cli.core.slip import read_slip, tally
from medins_cli.core.slip_check import compare, slip_claim

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
money = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(claims(), money, money, st.sampled_from(SPELLINGS), st.booleans())
def test_a_slip_printed_from_an_estimate_adds_up_and_matches(case, balance, family, spelling, as_text):
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
