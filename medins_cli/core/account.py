"""The personal account (个人账户) rules: which bills it may pay, how much of the person's share,
then 家庭共济 (a bound relative's account), then cash.

One place for them: ``medins balance`` and the guides' balance page both ask here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from medins_cli.core.errors import ClaimError
from medins_cli.core.model import Breakdown, Claim, Payment
from medins_cli.core.money import ZERO, round_fen


class AccountUse(NamedTuple):
    """Whether the account and 家庭共济 may pay this bill directly, why not, and what to know."""

    account: bool
    account_reason: str | None
    family: bool
    family_reason: str | None
    notes: tuple[str, ...] = ()


def account_use(claim: Claim) -> AccountUse:
    """Out of area: no account for inpatient care; not without filing; with filing, only where the
    account was opened for use out of area. 城乡居民医保 has no account of its own, but a bound
    relative's (家庭共济) may still pay."""
    allowed, reason, notes = True, None, tuple[str, ...]()
    if claim.remote is not None:
        if claim.visit == "inpatient":
            allowed, reason = False, "异地住院不能直接用个人账户余额支付"
        elif claim.remote == "unfiled":
            allowed, reason = False, "未备案、未开通异地个人账户支付的,在外地不能直接刷个人账户"
        else:
            notes = ("在外地刷个人账户,须已备案并开通“异地就医使用个人账户支付”",)
    family, family_reason = allowed, reason
    if claim.plan == "resident":
        allowed, reason = False, "城乡居民医保没有个人账户"
    return AccountUse(allowed, reason, family, family_reason, notes)


def account_payable(breakdown: Breakdown) -> Decimal:
    """The part of the person's share a personal account may pay: 个人负担 − 全自费 (the policy-range
    share: 起付线, 自付比例, 乙类先行自付). Costs outside the policy range cannot be settled from it."""
    return max(breakdown.out_of_pocket - breakdown.self_pay, ZERO)


def split_payment(
    breakdown: Breakdown,
    balance: Decimal = ZERO,
    family: Decimal = ZERO,
    *,
    account_allowed: bool = True,
    family_allowed: bool | None = None,
) -> Payment:
    """Who pays the person's share: personal account (up to ``balance``), then 家庭共济, then cash.

    The account, and 家庭共济 (which spends a relative's account), pay only the policy-range part
    of the share (:func:`account_payable`): 全自费 costs outside the catalogue are always cash.
    ``account_allowed=False`` (e.g. inpatient care out of area) leaves the account out;
    ``family_allowed`` defaults to the same. The parts always add up to ``breakdown.total``.
    """
    if balance < 0 or family < 0:
        raise ClaimError("账户余额不能为负数:请给出 0 或正数", code="negative_balance")
    if family_allowed is None:
        family_allowed = account_allowed
    share = breakdown.out_of_pocket
    payable = account_payable(breakdown)
    account = min(balance, payable) if account_allowed else ZERO
    family_pay = min(family, payable - account) if family_allowed else ZERO
    cash = share - account - family_pay
    return Payment(
        fund_pay=breakdown.fund_pay,
        critical_illness_pay=breakdown.critical_illness_pay,
        account_pay=account,
        family_pay=family_pay,
        cash_pay=cash,
        total=breakdown.total,
    )


def monthly_credit(salary: Decimal, rate: Decimal) -> Decimal:
    """What goes into an in-service employee's account each month: the base × the rate, to the fen."""
    return round_fen(salary * rate)
