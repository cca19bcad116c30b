"""Checks of one score entered by an expert against its item (详细评审).

A score is accepted only as an exact decimal: ``Decimal``, ``int`` or a numeric ``str``.
A ``float`` is refused because 0.1 typed by an expert is not 0.1 as a float, and a signed
score sheet must hold exactly what was typed. The checks, in order:

1. a number at all (``not_a_number``), and finite (``not_finite``);
2. inside ``[item.min, item.max]`` (``out_of_range``);
3. a whole number of ``item.step`` above ``item.min`` (``off_step``);
4. with grade bands, inside one band, bounds inclusive (``outside_bands``).

Every refusal is a :class:`ScoreError` naming the item, the value and the rule, in English
and in Chinese (``message_zh``).
"""

from __future__ import annotations

import re
from decimal import Decimal, Inexact, InvalidOperation

from evaluator_app.core.arithmetic import exact
from evaluator_app.core.errors import ScoreError
from evaluator_app.core.plan import ScoredItem

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def _fmt(value: Decimal) -> str:
    return format(value, "f")


def _refuse(item: ScoredItem, value: object, code: str, en: str, zh: str) -> ScoreError:
    shown = _fmt(value) if isinstance(value, Decimal) and value.is_finite() else str(value)
    return ScoreError(
        f"score {shown} for item {item.id!r} ({item.name}) {en}",
        code=code,
        item_id=item.id,
        value=value,
        message_zh=f"「{item.name}」的分数 {shown} {zh}",
    )


def to_decimal(item: ScoredItem, value: Decimal | str | int) -> Decimal:
    """``value`` as a finite Decimal, or ScoreError(not_a_number / not_finite)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, str, int)):
        # bool is an int subclass; True is not a score.
        raise _refuse(
            item,
            value,
            "not_a_number",
            f"is not an exact number ({type(value).__name__}; use Decimal, int or str)",
            f"不是精确数值（{type(value).__name__}）",
        )
    if isinstance(value, str):
        # Decimal() alone would also take "1_0", "NaN" spelled oddly, or non-ASCII digits
        if not _PLAIN_NUMBER.fullmatch(value.strip()):
            special = value.strip().lower().lstrip("+-") in {"nan", "snan", "inf", "infinity"}
            if special:
                raise _refuse(item, value, "not_finite", "is not a finite number", "不是有限数值")
            raise _refuse(item, value, "not_a_number", "is not a number", "不是数字")
        number = Decimal(value.strip())
    else:
        number = Decimal(value)
    if not number.is_finite():
        raise _refuse(item, value, "not_finite", "is not a finite number", "不是有限数值")
    return number


def check_score(item: ScoredItem, value: Decimal | str | int) -> Decimal:
    """Return ``value`` as a Decimal if it is a valid score for ``item``; else ScoreError."""
    number = to_decimal(item, value)
    if number < item.min or number > item.max:
        bounds = f"{_fmt(item.min)}–{_fmt(item.max)}"
        raise _refuse(
            item, number, "out_of_range", f"is out of range {bounds}", f"超出范围 {bounds}"
        )
    if not _on_step(number, item):
        step, start = _fmt(item.step), _fmt(item.min)
        raise _refuse(
            item,
            number,
            "off_step",
            f"is not a multiple of the step {step} from {start}",
            f"不是从 {start} 起步长 {step} 的整数倍",
        )
    if item.bands and grade_of(item, number) is None:
        bands = ", ".join(f"{b.grade} {_fmt(b.min)}–{_fmt(b.max)}" for b in item.bands)
        raise _refuse(
            item,
            number,
            "outside_bands",
            f"lies in no grade band ({bands})",
            f"不在任何档次范围内（{bands}）",
        )
    return number


def _on_step(number: Decimal, item: ScoredItem) -> bool:
    if item.step <= 0:
        return True  # no step rule; project_file refuses a non-positive step anyway
    try:
        with exact():
            return (number - item.min) % item.step == 0
    except (Inexact, InvalidOperation):
        return False  # more digits than any step allows: cannot be on it


def grade_of(item: ScoredItem, value: Decimal) -> str | None:
    """The grade (e.g. 优) of the first band holding ``value``, or None (no bands, or in none)."""
    for band in item.bands:
        if band.min <= value <= band.max:
            return band.grade
    return None
