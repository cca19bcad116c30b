"""Checks of one entered score: type, range, step and grade bands, with bilingual messages."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from evaluator_app.core.errors import ScoreError
from evaluator_app.core.plan import GradeBand, ScoredItem
from evaluator_app.core.scoring import check_score, grade_of

DESIGN = ScoredItem("design", "施工组织设计", D(10), step=D("0.5"))
BANDED = ScoredItem(
    "quality",
    "质量保证措施",
    D(10),
    step=D("0.5"),
    bands=(GradeBand("优", D(8), D(10)), GradeBand("良", D(5), D(7)), GradeBand("差", D(0), D(3))),
)
OFFSET = ScoredItem("service", "售后服务", D(5), min=D(1), step=D("0.3"))


@pytest.mark.parametrize(
    "value, expected",
    [
        (D("7.5"), D("7.5")),
        ("7.5", D("7.5")),
        (" 8 ", D("8")),
        (10, D("10")),
        (0, D("0")),
        ("1E1", D("10")),
    ],
)
def test_accepted_values_are_returned_as_decimal(value, expected):
    result = check_score(DESIGN, value)
    assert result == expected and isinstance(result, D)


def test_float_is_refused():
    with pytest.raises(ScoreError) as caught:
        check_score(DESIGN, 7.5)
    assert caught.value.code == "not_a_number"
    assert caught.value.item_id == "design"


@pytest.mark.parametrize("value", [True, None, [7], "seven", "", "7,5", "1_0", "８", "0x8"])
def test_non_numbers_are_refused(value):
    with pytest.raises(ScoreError) as caught:
        check_score(DESIGN, value)
    assert caught.value.code == "not_a_number"


@pytest.mark.parametrize("value", ["NaN", "Infinity", D("-Infinity"), D("sNaN")])
def test_non_finite_is_refused(value):
    with pytest.raises(ScoreError) as caught:
        check_score(DESIGN, value)
    assert caught.value.code == "not_finite"


def test_out_of_range_message_in_english_and_chinese():
    with pytest.raises(ScoreError) as caught:
        check_score(DESIGN, D("12.5"))
    error = caught.value
    assert error.code == "out_of_range"
    assert error.value == D("12.5")
    assert "'design'" in str(error) and "12.5" in str(error) and "out of range 0–10" in str(error)
    assert error.message_zh == "「施工组织设计」的分数 12.5 超出范围 0–10"


@pytest.mark.parametrize("value", [D("-0.5"), D("10.5"), D("0.5")])
def test_range_is_inclusive_and_uses_min(value):
    # OFFSET accepts 1 to 5; 0.5 is below its min 1
    item = OFFSET if value == D("0.5") else DESIGN
    with pytest.raises(ScoreError) as caught:
        check_score(item, value)
    assert caught.value.code == "out_of_range"


def test_off_step():
    with pytest.raises(ScoreError) as caught:
        check_score(DESIGN, D("7.3"))
    assert caught.value.code == "off_step"
    assert "step 0.5" in str(caught.value)
    assert "步长 0.5" in caught.value.message_zh


def test_step_counts_from_min():
    # min 1, step 0.3: 1, 1.3, 1.6, ... 4.9; 1.5 is off step although 1.5 = 5 × 0.3
    assert check_score(OFFSET, "1.3") == D("1.3")
    assert check_score(OFFSET, "4.9") == D("4.9")
    with pytest.raises(ScoreError) as caught:
        check_score(OFFSET, "1.5")
    assert caught.value.code == "off_step"


def test_bounds_themselves_are_valid():
    assert check_score(DESIGN, "0") == D(0)
    assert check_score(DESIGN, "10.0") == D("10.0")


def test_bands_inclusive_and_gaps_refused():
    assert check_score(BANDED, "8") == D(8)
    assert check_score(BANDED, "7") == D(7)
    assert check_score(BANDED, "3") == D(3)
    with pytest.raises(ScoreError) as caught:
        check_score(BANDED, "7.5")  # between 良 (5–7) and 优 (8–10)
    assert caught.value.code == "outside_bands"
    assert "优 8–10" in str(caught.value)
    assert caught.value.message_zh.startswith("「质量保证措施」的分数 7.5 不在任何档次范围内")


def test_grade_of():
    assert grade_of(BANDED, D("9.5")) == "优"
    assert grade_of(BANDED, D("5")) == "良"
    assert grade_of(BANDED, D("4")) is None
    assert grade_of(DESIGN, D("5")) is None  # no bands


def test_many_decimals_are_off_step_not_a_crash():
    with pytest.raises(ScoreError) as caught:
        check_score(DESIGN, "5." + "0" * 40 + "1")
    assert caught.value.code == "off_step"
