"""The plan's optional ``collusion`` thresholds: defaults, round trip, and every mistake named."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources

import pytest

from evaluator_app.core.collusion_rule import CollusionRule, threshold_name
from evaluator_app.core.errors import PlanError
from evaluator_app.core.project_file import (
    dumps_project,
    loads_project,
    project_from_dict,
    project_to_dict,
)


def example() -> dict:
    text = resources.files("evaluator_app.examples").joinpath("project.json").read_text("utf-8")
    return json.loads(text)


def with_collusion(value: object) -> dict:
    data = example()
    data["plans"][0]["collusion"] = value
    return data


def test_a_plan_without_thresholds_gets_the_defaults_and_dumps_unchanged():
    data = example()
    project = project_from_dict(data)
    assert project.lots[0].plan.collusion == CollusionRule()
    assert "collusion" not in project_to_dict(project)["plans"][0]


def test_thresholds_are_read_exactly_and_survive_a_round_trip():
    project = project_from_dict(
        with_collusion(
            {
                "metadata": {"time_window_minutes": 30},
                "machine": {"ignore": ["00-00-00-00-00-00"]},
                "upload": {"ignore_addresses": ["10.0.0.1"]},
                "text": {"min_passage_chars": 80, "min_similarity": "0.9"},
                "prices": {"cluster_spread": "0.01", "progression_min_bids": 4},
            }
        )
    )
    rule = project.lots[0].plan.collusion
    assert rule.metadata_time_window_minutes == 30
    assert rule.machine_ignore == ("00-00-00-00-00-00",)
    assert rule.upload_ignore_addresses == ("10.0.0.1",)
    assert rule.text_min_similarity == Decimal("0.9")
    assert rule.prices_cluster_spread == Decimal("0.01") and rule.prices_progression_min_bids == 4
    assert rule.prices_ceiling_share == CollusionRule().prices_ceiling_share  # untouched default
    assert loads_project(dumps_project(project)) == project
    assert project_to_dict(project)["plans"][0]["collusion"]["prices"] == {
        "progression_min_bids": 4,
        "cluster_spread": "0.01",
    }


def test_json_float_is_read_as_decimal():
    text = json.dumps(with_collusion({"prices": {"cluster_spread": "X"}})).replace('"X"', "0.007")
    assert loads_project(text).lots[0].plan.collusion.prices_cluster_spread == Decimal("0.007")


@pytest.mark.parametrize(
    "value, field, bad, words",
    [
        ([], "plans[0].collusion", [], "must be an object"),
        ({"pricez": {}}, "plans[0].collusion.pricez", {}, "unknown field"),
        ({"prices": {"spread": "0.1"}}, "plans[0].collusion.prices.spread", "0.1", "unknown field"),
        (
            {"prices": {"cluster_spread": "0.9"}},
            "plans[0].collusion.prices.cluster_spread",
            "0.9",
            "must be at most 0.5",
        ),
        (
            {"prices": {"cluster_spread": "-0.1"}},
            "plans[0].collusion.prices.cluster_spread",
            "-0.1",
            "must not be below 0",
        ),
        (
            {"prices": {"progression_min_bids": 2}},
            "plans[0].collusion.prices.progression_min_bids",
            2,
            "at least 3",
        ),
        (
            {"text": {"min_passage_chars": "50"}},
            "plans[0].collusion.text.min_passage_chars",
            "50",
            "whole number",
        ),
        (
            {"text": {"min_similarity": "0.3"}},
            "plans[0].collusion.text.min_similarity",
            "0.3",
            "must not be below 0.5",
        ),
        (
            {"metadata": {"min_matches": 5}},
            "plans[0].collusion.metadata.min_matches",
            5,
            "must be at most 4",
        ),
        (
            {"machine": {"ignore": "abc"}},
            "plans[0].collusion.machine.ignore",
            "abc",
            "must be a list",
        ),
        (
            {"upload": {"ignore_addresses": [""]}},
            "plans[0].collusion.upload.ignore_addresses[0]",
            "",
            "non-empty text",
        ),
    ],
)
def test_invalid_thresholds_name_field_and_value(value, field, bad, words):
    with pytest.raises(PlanError) as info:
        project_from_dict(with_collusion(value))
    problems = [(p.field, p.value, p.message) for p in info.value.problems]
    assert any(f == field and v == bad and words in m for f, v, m in problems), problems


def test_threshold_names_are_the_json_paths():
    assert threshold_name("prices_cluster_spread") == "collusion.prices.cluster_spread"
    assert (
        threshold_name("metadata_time_window_minutes") == "collusion.metadata.time_window_minutes"
    )
