"""The pure policy core: no typer, no Rich, no file I/O.

>>> from decimal import Decimal
>>> from medins_cli.core import Bill, Claim, YearSoFar, estimate, policy_from_dict

One entry for bills: :func:`estimate` (one) and :func:`estimate_many` (many). What a policy section
holds and how it pays is each benefit kind's (:mod:`medins_cli.core.benefits`).

The names below are loaded on first use (PEP 562), so importing one module of the core (its
errors, say) does not load the engine: start-up stays lean.
"""

from __future__ import annotations

from typing import Any

_WHERE = {
    "split_payment": "account", "estimate": "engine", "estimate_many": "engine", "prepare": "engine",
    "ClaimError": "errors", "CoreError": "errors", "PolicyDataError": "errors",
    "Bill": "model", "Breakdown": "model", "Claim": "model", "Payment": "model", "Policy": "model", "Step": "model",
    "YearSoFar": "model", "parse_amount": "money", "round_fen": "money", "normalize_plan": "names",
    "normalize_remote": "names", "normalize_tier": "names", "normalize_visit": "names",
    "policy_from_dict": "policy",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'medins_cli.core' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"medins_cli.core.{module}"), name)
