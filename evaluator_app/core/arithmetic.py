"""The two kinds of Decimal arithmetic used by the evaluation rules.

Why two: sums and products of scores and prices are always exact (a few dozen digits at
most), so they run under :func:`exact`, which raises instead of rounding silently. A
division is the only inexact step; :func:`quotient` does it at 34 significant digits with
``ROUND_05UP`` ("round to prepare for shorter precision"): an inexact result never ends in
0 or 5, so the single rounding that follows (:meth:`AggregationRule.round`, or to the fen)
gives the same answer as rounding the exact rational number. Formulas are arranged so that
each published figure is one exact numerator divided once and then rounded once.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from decimal import (
    ROUND_05UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

WORKING_PRECISION = 34

_EXACT = Context(
    prec=WORKING_PRECISION, traps=[InvalidOperation, DivisionByZero, Overflow, Inexact]
)
_QUOTIENT = Context(
    prec=WORKING_PRECISION, rounding=ROUND_05UP, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def exact() -> AbstractContextManager[Context]:
    """A local context where any rounding raises ``decimal.Inexact``."""
    return localcontext(_EXACT)


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    with exact():
        return sum(values, Decimal(0))


def quotient(numerator: Decimal, denominator: Decimal | int) -> Decimal:
    """``numerator / denominator`` at 34 digits, ready for one final rounding (see above)."""
    with localcontext(_QUOTIENT):
        return Decimal(numerator) / Decimal(denominator)
