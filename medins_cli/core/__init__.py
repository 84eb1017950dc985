"""The pure policy core: no typer, no Rich, no file I/O.

>>> from decimal import Decimal
>>> from medins_cli.core import Claim, estimate, policy_from_dict
"""

from medins_cli.core.calc import estimate, split_payment
from medins_cli.core.errors import ClaimError, CoreError, PolicyDataError
from medins_cli.core.model import Breakdown, Claim, Payment, Policy, Step, policy_from_dict
from medins_cli.core.money import parse_amount, round_fen
from medins_cli.core.names import normalize_plan, normalize_remote, normalize_tier, normalize_visit

__all__ = [
    "Breakdown",
    "Claim",
    "ClaimError",
    "CoreError",
    "Payment",
    "Policy",
    "PolicyDataError",
    "Step",
    "estimate",
    "normalize_plan",
    "normalize_remote",
    "normalize_tier",
    "normalize_visit",
    "parse_amount",
    "policy_from_dict",
    "round_fen",
    "split_payment",
]
