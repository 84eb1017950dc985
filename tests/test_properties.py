"""Invariants of the core over every shipped region file with rules (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from medins_cli.core import Claim, estimate
from medins_cli.store.paths import shipped_data_dir
from medins_cli.store.regions import load_policy


def _combos():
    out = []
    for path in sorted((shipped_data_dir() / "regions").glob("*.yaml")):
        policy = load_policy(path)
        for plan_name, plan in policy.plans.items():
            for visit in ("inpatient", "outpatient"):
                section = getattr(plan, visit)
                if section is None:
                    continue
                for tier in section.tiers:
                    out.append((policy, plan_name, visit, tier))
    return out


COMBOS = _combos()
money = st.decimals(min_value=0, max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0.01"), max_value=2_000_000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def claims(draw):
    policy, plan, visit, tier = draw(st.sampled_from(COMBOS))
    total = draw(positive)
    self_pay = draw(st.decimals(min_value=0, max_value=total, places=2))
    partial = draw(st.decimals(min_value=0, max_value=total - self_pay, places=2))
    claim = Claim(
        total=total, tier=tier, plan=plan, visit=visit, self_pay=self_pay, partial_self_pay=partial,
        retired=draw(st.booleans()), admission=draw(st.integers(1, 6)), ytd_fund=draw(money),
        ytd_outpatient=draw(money), remote=draw(st.sampled_from([None, "filed", "unfiled", "emergency"])),
    )
    return policy, claim


def test_there_are_regions_to_check():
    assert len(COMBOS) >= 10
    assert any(p.region.name == "绵阳" for p, *_ in COMBOS)


@settings(max_examples=400, deadline=None)
@given(claims())
def test_parts_add_up_and_are_never_negative(case):
    policy, claim = case
    bd = estimate(policy, claim, explain=False)
    assert bd.fund_pay + bd.critical_illness_pay + bd.out_of_pocket == claim.total
    for value in (bd.eligible, bd.deductible, bd.fund_pay, bd.critical_illness_pay, bd.out_of_pocket):
        assert value >= 0
    assert bd.fund_pay + bd.critical_illness_pay <= bd.eligible
    assert 0 <= bd.effective_ratio <= 1
    for value in (bd.fund_pay, bd.critical_illness_pay, bd.deductible):
        assert value == value.quantize(Decimal("0.01"))
    if bd.cap_left is not None:
        assert bd.fund_pay <= bd.cap_left
    if claim.visit == "outpatient":
        assert bd.critical_illness_pay == 0


@settings(max_examples=300, deadline=None)
@given(claims(), positive)
def test_fund_pay_never_decreases_as_the_bill_grows(case, extra):
    policy, claim = case
    bigger = claim._replace(total=claim.total + extra)
    assert estimate(policy, bigger, explain=False).fund_pay >= estimate(policy, claim, explain=False).fund_pay


@settings(max_examples=200, deadline=None)
@given(claims())
def test_explain_does_not_change_figures(case):
    policy, claim = case
    a = estimate(policy, claim, explain=True)
    b = estimate(policy, claim, explain=False)
    assert (a.fund_pay, a.critical_illness_pay, a.out_of_pocket, a.deductible) == (
        b.fund_pay, b.critical_illness_pay, b.out_of_pocket, b.deductible)
    assert a.steps and not b.steps
