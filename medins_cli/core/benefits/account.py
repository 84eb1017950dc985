"""The personal account (个人账户) of 职工医保: figures a command reads (``balance``), not a payer of
bills — who pays the person's share from it is :mod:`medins_cli.core.account`."""


from decimal import Decimal
from typing import Any, Mapping, NamedTuple

from medins_cli.core.benefits import Kind
from medins_cli.core.benefits.spec import Field, Spec
from medins_cli.core.model import dec


class AccountRule(NamedTuple):
    contribution_rate: Decimal | None = None
    retiree_monthly: Decimal | None = None


class Account(Kind):
    key = "account"
    label = "个人账户"
    role = "info"
    order = 30
    doc = "职工医保个人账户:在职个人缴费划入比例、退休人员每月划入"
    spec = Spec(fields=(
        Field("contribution_rate", "ratio", "在职划入比例(占缴费基数)"),
        Field("retiree_monthly", "amount", "退休人员每月划入(元)", employee_only=True),
    ))

    def build(self, body: Mapping[str, Any]) -> AccountRule:
        return AccountRule(dec(body.get("contribution_rate")), dec(body.get("retiree_monthly")))


ACCOUNT = Account()
