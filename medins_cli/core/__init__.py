"""The pure policy core: no typer, no Rich, no file I/O.

>>> from decimal import Decimal
>>> from medins_cli.core import Bill, Claim, YearSoFar, estimate, policy_from_dict

One entry for bills: :func:`estimate` (one) and :func:`estimate_many` (many). What a policy section
holds and how it pays is each benefit kind's (:mod:`medins_cli.core.benefits`).
"""

from medins_cli.core.account import split_payment
from medins_cli.core.engine import estimate, estimate_many, prepare
from medins_cli.core.errors import ClaimError, CoreError, PolicyDataError
from medins_cli.core.model import Bill, Breakdown, Claim, Payment, Policy, Step, YearSoFar
from medins_cli.core.money import parse_amount, round_fen
from medins_cli.core.names import normalize_plan, normalize_remote, normalize_tier, normalize_visit
from medins_cli.core.policy import policy_from_dict

__all__ = [
    "Bill",
    "Breakdown",
    "Claim",
    "ClaimError",
    "CoreError",
    "Payment",
    "Policy",
    "PolicyDataError",
    "Step",
    "YearSoFar",
    "estimate",
    "estimate_many",
    "normalize_plan",
    "normalize_remote",
    "normalize_tier",
    "normalize_visit",
    "parse_amount",
    "policy_from_dict",
    "prepare",
    "round_fen",
    "split_payment",
]
