"""The project file: round trip, and every invalid-plan message names the field and value."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from importlib import resources

import pytest

from evaluator_app.core.errors import PlanError
from evaluator_app.core.plan import BenchmarkPrice, GateItem, ScoredItem
from evaluator_app.core.project_file import dumps_project, loads_project, project_from_dict


def example() -> dict:
    text = resources.files("evaluator_app.examples").joinpath("project.json").read_text("utf-8")
    return json.loads(text)


def problems_of(data: dict) -> list[tuple[str, object, str]]:
    with pytest.raises(PlanError) as info:
        project_from_dict(data)
    return [(p.field, p.value, p.message) for p in info.value.problems]


def test_example_loads_with_exact_decimals():
    project = loads_project(json.dumps(example()))
    lot = project.lot("lot-1")
    assert lot.ceiling_price == Decimal("38500000.00")
    assert lot.bidder("B3").price == Decimal("37102980.50")
    plan = lot.plan
    assert plan.total_points == Decimal(100)
    assert [type(i) for i in (plan.item("q-bond"), plan.item("t-schedule"))] == [
        GateItem,
        ScoredItem,
    ]
    organisation = plan.item("t-organisation")
    assert (organisation.min, organisation.max) == (Decimal(0), Decimal(15))
    assert [b.grade for b in organisation.bands] == ["优", "良", "中", "差"]
    formula = plan.item("p-bid").formula
    assert formula == BenchmarkPrice(
        k=Decimal("0.02"), e_above=Decimal(1), e_below=Decimal("0.5"), trim_min_bids=5
    )


def test_round_trip_is_identical():
    project = project_from_dict(example())
    assert loads_project(dumps_project(project)) == project
    assert loads_project(dumps_project(project).encode()) == project


def test_json_numbers_are_read_as_decimal_not_float():
    text = json.dumps(example()).replace('"37102980.50"', "37102980.10")
    assert loads_project(text).lot("lot-1").bidder("B3").price == Decimal("37102980.10")


def _scored(data: dict) -> dict:
    return data["plans"][0]["groups"][1]["items"][1]  # t-schedule, 0..10 step 0.5


ITEM = "plans[0].groups[1].items[1]"


@pytest.mark.parametrize(
    "change, field, value, words",
    [
        (lambda d: _scored(d).update(min="12"), f"{ITEM}.max", "10", "is below min 12"),
        (
            lambda d: _scored(d).update(step="0.3"),
            f"{ITEM}.step",
            "0.3",
            "cannot be reached from min 0 in steps of 0.3",
        ),
        (lambda d: _scored(d).update(step="0"), f"{ITEM}.step", "0", "must be greater than 0"),
        (lambda d: _scored(d).update(max="ten"), f"{ITEM}.max", "ten", "must be a decimal number"),
        (lambda d: _scored(d).update(maxx="10"), f"{ITEM}.maxx", "10", "unknown field"),
        (
            lambda d: _scored(d).update(kind="bonus"),
            f"{ITEM}.kind",
            "bonus",
            "must be one of: gate, scored, price",
        ),
        (
            lambda d: _scored(d).update(id="t-quality"),
            "plans[0].groups[1].items[2].id",
            "t-quality",
            "duplicate id (also at plans[0].groups[1].items[1].id)",
        ),
        (
            lambda d: d["plans"][0]["groups"][1].update(points="45"),
            "plans[0].groups[1].points",
            "45",
            "add up to 40, not 45",
        ),
        (
            lambda d: d["plans"][0].update(total_points="90"),
            "plans[0].total_points",
            "90",
            "add up to 100, not 90",
        ),
        (
            lambda d: d["plans"][0]["groups"][3]["items"][0]["formula"].update(type="average"),
            "plans[0].groups[3].items[0].formula.type",
            "average",
            "unknown formula",
        ),
        (
            lambda d: d["plans"][0]["groups"][3]["items"][0]["formula"].update(k="1.2"),
            "plans[0].groups[3].items[0].formula.k",
            "1.2",
            "must be below 1",
        ),
        (
            lambda d: d["plans"][0]["groups"][0]["items"][0].update(max="5"),
            "plans[0].groups[0].items[0].max",
            "5",
            "a gate (pass/fail) item carries no points",
        ),
        (
            lambda d: d["lots"][0]["bidders"][1].update(price="-5"),
            "lots[0].bidders[1].price",
            "-5",
            "must not be below 0",
        ),
        (
            lambda d: d["lots"][0]["bidders"][1].update(price="三千万"),
            "lots[0].bidders[1].price",
            "三千万",
            "must be a decimal number",
        ),
        (
            lambda d: d["lots"][0]["bidders"][1].update(price="0"),
            "lots[0].bidders[1].price",
            "0",
            "must be greater than 0",
        ),
        (
            lambda d: d["lots"][0]["bidders"][1].update(price=True),
            "lots[0].bidders[1].price",
            True,
            "must be a decimal number",
        ),
        (
            lambda d: d["lots"][0]["bidders"][1].update(id="B1"),
            "lots[0].bidders[1].id",
            "B1",
            "duplicate bidder id",
        ),
        (
            lambda d: d["lots"][0].update(ceiling_price="-1"),
            "lots[0].ceiling_price",
            "-1",
            "must not be below 0",
        ),
        (
            lambda d: d["lots"][0].update(plan="nope"),
            "lots[0].plan",
            "nope",
            "names no plan of this file",
        ),
        (
            lambda d: d["lots"].append(copy.deepcopy(d["lots"][0])),
            "lots[1].id",
            "lot-1",
            "duplicate lot id",
        ),
        (
            lambda d: d["plans"][0]["aggregation"].update(rounding="up"),
            "plans[0].aggregation.rounding",
            "up",
            "must be one of: half_up, half_even, down",
        ),
        (
            lambda d: d["plans"][0]["deviation"].update(share="0"),
            "plans[0].deviation.share",
            "0",
            "must be above 0",
        ),
        (
            lambda d: d["plans"][0]["ranking"].update(tie_breaks=["lower_price", "lower_price"]),
            "plans[0].ranking.tie_breaks",
            ["lower_price", "lower_price"],
            "names a tie-break twice",
        ),
        (
            lambda d: d["plans"][0]["groups"][1]["items"][0]["bands"][1].update(max="13"),
            "plans[0].groups[1].items[0].bands[0].min",
            "13",
            "overlaps band '良'",
        ),
        (
            lambda d: d["plans"][0]["groups"][1]["items"][0]["bands"][2].update(min="9"),
            "plans[0].groups[1].items[0].bands[2].max",
            "8.5",
            "is below the band's min 9",
        ),
        (lambda d: d.update(version=2), "version", 2, "must be 1"),
    ],
)
def test_invalid_plan_names_field_and_value(change, field, value, words):
    data = example()
    change(data)
    problems = problems_of(data)
    matching = [p for p in problems if p[0] == field]
    assert matching, f"no problem reported for {field}; got {problems}"
    assert any(p[1] == value and words in p[2] for p in matching), matching
    # the message a person reads names both the field and the value
    with pytest.raises(PlanError) as info:
        project_from_dict(data)
    assert field in str(info.value) and repr(value) in str(info.value)


def test_all_problems_reported_at_once():
    data = example()
    _scored(data).update(min="12")
    data["lots"][0]["bidders"][0]["price"] = "-1"
    fields = {p[0] for p in problems_of(data)}
    assert {f"{ITEM}.max", "lots[0].bidders[0].price"} <= fields


def test_invalid_plan_does_not_cascade_into_lot_messages():
    data = example()
    _scored(data).update(min="12")
    assert not [p for p in problems_of(data) if p[0].startswith("lots")]


def test_not_json_is_refused_with_reason():
    with pytest.raises(PlanError, match="not valid JSON"):
        loads_project("{not json")
