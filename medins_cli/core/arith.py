"""The arithmetic every benefit kind shares: ratios, bands, repeat admissions, the cap point.

Money is Decimal yuan; rounding half-up to the fen happens where a kind says so. The cap point of
大额 above the cap is solved exactly with fractions (imported only then, to keep start-up lean).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Sequence

from medins_cli.core.model import Band, RemoteRule, RepeatRule
from medins_cli.core.money import FEN, ONE, ZERO, round_fen, round_fen_exact

if TYPE_CHECKING:
    from fractions import Fraction

RATIO_PLACES = Decimal("0.0001")
MAX_ADMISSION = 366


def fmt(value: Decimal) -> str:
    """Money as it appears in an explanation: two decimals, no grouping."""
    return f"{value.quantize(FEN, rounding=ROUND_HALF_UP)}"


def pct(ratio: Decimal) -> str:
    """0.84 → '84%', 0.609 → '60.9%', 0.84333… → '84.33%'."""
    text = f"{(ratio * 100).quantize(FEN, rounding=ROUND_HALF_UP).normalize():f}"
    return f"{text}%"


# ---- the rules, each a small function -------------------------------------------------


def apply_repeat_admission(deductible: Decimal, rule: RepeatRule | None, admission: int) -> Decimal:
    """起付线 for the N-th admission of the year, rounded to the fen."""
    if admission < 2 or rule is None:
        return round_fen(deductible)
    if rule.factors:
        return round_fen(deductible * rule.factors[min(admission - 2, len(rule.factors) - 1)])
    if rule.factor is not None:
        return round_fen(deductible * rule.factor)
    reduced = deductible - (rule.step or ZERO) * (admission - 1)
    floor = rule.floor if rule.floor is not None else ZERO
    return round_fen(max(reduced, min(floor, deductible)))


def adjust_ratio(ratio: Decimal, bonus: Decimal, remote: RemoteRule | None) -> Decimal:
    """Add the retiree bonus (never above 1), then apply the out-of-area rule (never below 0)."""
    r = min(ONE, ratio + bonus)
    if remote is not None:
        if remote.factor is not None:
            r = r * remote.factor
        elif remote.ratio_minus is not None:
            r = r - remote.ratio_minus
    return min(ONE, max(ZERO, r))


Piece = tuple[Decimal, Decimal, Decimal]  # (low, high, ratio) of one band that paid


def banded_pay(amount: Decimal, start: Decimal, bands: Sequence[Band]) -> tuple[Decimal, list[Piece]]:
    """Pay ``ratio`` on each band's part of ``amount`` above ``start``.

    Band limits are absolute on the amount's own scale; the part below ``start`` pays nothing.
    Returns the unrounded sum and the (low, high, ratio) pieces that paid.
    """
    total = ZERO
    pieces: list[Piece] = []
    prev = ZERO
    for band in bands:
        low = start if start > prev else prev
        high = amount if band.upto is None or band.upto > amount else band.upto
        if high > low:
            total += (high - low) * band.ratio
            pieces.append((low, high, band.ratio))
        if band.upto is None or band.upto >= amount:
            break
        prev = band.upto
    return total, pieces


def cap_point(start: Decimal, bands: Sequence[Band], cap_left: Decimal) -> Fraction | None:
    """The smallest policy-range amount at which the basic fund (``bands`` paid above ``start``,
    as :func:`banded_pay`) reaches ``cap_left``: exact, as a Fraction; None if it never does."""
    from fractions import Fraction

    # With the cap already used up (need 0) the point is where the fund would start paying: the
    # deductible stays the person's, so the figures are continuous as the year's fund nears its cap.
    need = max(Fraction(cap_left), Fraction(0))
    prev = ZERO
    for band in bands:
        low = start if start > prev else prev
        if band.upto is None or band.upto > low:
            if band.ratio > 0:
                reach = Fraction(low) + need / Fraction(band.ratio)
                if band.upto is None or reach <= band.upto:
                    return reach
                need -= (Fraction(band.upto) - Fraction(low)) * Fraction(band.ratio)
        if band.upto is None:
            return None
        prev = band.upto
    return None


def banded_pay_exact(amount: Fraction, bands: Sequence[Band]) -> tuple[Fraction, list[Piece]]:
    """Like :func:`banded_pay` from 0, on an exact amount (the 大额 base above the cap point);
    the pieces are rounded to the fen for display only."""
    from fractions import Fraction

    total = Fraction(0)
    pieces: list[Piece] = []
    prev = Fraction(0)
    for band in bands:
        high = amount if band.upto is None or band.upto > amount else Fraction(band.upto)
        if high > prev:
            total += (high - prev) * Fraction(band.ratio)
            pieces.append((round_fen_exact(prev), round_fen_exact(high), band.ratio))
        if band.upto is None or band.upto >= amount:
            break
        prev = Fraction(band.upto)
    return total, pieces


def pieces_formula(pieces: list[Piece], none: str = "0(未超过起付线)") -> str:
    if not pieces:
        return none
    return " + ".join(f"({fmt(hi)} − {fmt(lo)}) × {pct(r)}" for lo, hi, r in pieces)


def yuan(value: Fraction) -> Decimal:
    """An exact amount shown to the fen (display only: the figures use the exact value)."""
    return round_fen_exact(value)
