"""Money: parsing user input into Decimal yuan and rounding half-up to the fen."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from medins_cli.core.errors import ClaimError
from medins_cli.core.names import half_width

if TYPE_CHECKING:  # fractions is imported only when 大额 above the cap is computed
    from fractions import Fraction

FEN = Decimal("0.01")
ZERO = Decimal("0")
ONE = Decimal("1")
MAX_AMOUNT = Decimal("1000000000")  # 1e9 yuan: anything larger is a typo, not a hospital bill

_STRIP = str.maketrans("", "", " ¥￥")  # after half_width (the ideographic space is " " by then)
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def money(value: Decimal) -> str:
    """8000 → '8,000.00': yuan to the fen with thousands separators, as people read amounts."""
    return f"{value:,.2f}"


def round_fen(value: Decimal) -> Decimal:
    """Round half-up to 0.01 yuan."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def round_fen_exact(value: Fraction) -> Decimal:
    """Round an exact non-negative amount (a Fraction of yuan) half-up to 0.01 yuan."""
    fen = (value * 100 + value.__class__(1, 2)).__floor__()
    return (Decimal(fen) / 100).quantize(FEN)


def parse_ratio(text: str | Decimal, what: str = "") -> Decimal:
    """85% / 85 / 0.85 → 0.85: a number above 1 (up to 100), or one written with %, is a percentage.
    Raises :class:`ClaimError` (a ValueError) for anything else."""
    raw = str(text).strip()
    try:
        value = Decimal(raw.replace("%", "").replace("%", ""))
    except InvalidOperation:
        raise ClaimError(f"{what}「{text}」不是比例:请写 85% 或 0.85") from None
    if not value.is_finite() or value < 0 or value > 100:
        raise ClaimError(f"{what}「{text}」不是 0–100% 之间的比例")
    if value > 1 or raw.endswith(("%", "%")):
        value = value / 100
    return value.normalize()


def parse_amount(text: str | int | Decimal, what: str = "金额") -> Decimal:
    """Parse ``8000``, ``8000.5``, ``8,000``, ``8000元``, ``0.8万``, ``8千`` into Decimal yuan; full-width
    digits and point (``８０００．５``) read as their half-width forms.

    A leading ``=`` is the option syntax (``-a=8000``), not part of the number.

    Raises :class:`ClaimError` for anything that is not a finite amount in [0, 1e9]
    with at most two decimals.
    """
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    else:
        raw = half_width(str(text)).strip().translate(_STRIP)
        if raw.startswith("="):  # `-a=8000`: click passes "=8000" for a short option
            raw = raw[1:]
            text = raw
        multiplier = ONE
        if raw.endswith("元"):
            raw = raw[:-1]
        if raw.endswith(("万", "千")):
            raw, multiplier = raw[:-1], Decimal(10000 if raw.endswith("万") else 1000)
        if "," in raw:  # a full-width comma is "," by now
            if not _GROUPED.fullmatch(raw):  # "1,50" is not 150: commas only as thousands separators
                raise ClaimError(f"{what}「{text}」的逗号位置不对:逗号只能作千位分隔,如 8,000 或 12,345.67")
            raw = raw.replace(",", "")
        try:
            value = Decimal(raw) * multiplier if "_" not in raw else Decimal("x")
        except (InvalidOperation, ValueError):
            raise ClaimError(f"{what}「{text}」不是数字:请写成 8000、8000.5、8,000、8000元、0.8万 或 8千") from None
    if not value.is_finite():
        raise ClaimError(f"{what}「{text}」不是有限的数字:请给出实际金额,如 8000")
    if value < 0:
        raise ClaimError(f"{what} 不能为负数(收到 {text}):请改成正数")
    if value > MAX_AMOUNT:
        raise ClaimError(f"{what} {text} 超过 10 亿元,不像是真实的金额:请检查是否多打了位数")
    if value != value.quantize(FEN, rounding=ROUND_HALF_UP):
        raise ClaimError(f"{what}「{text}」超过两位小数:金额精确到分,如 8000.55")
    return value.quantize(FEN)
