"""The draw's rules: who is excluded and why, who is passed over, seats, determinism."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evaluator_app.core.draw.model import Need, Rule, Rules, ShortfallKind, Status
from evaluator_app.core.draw.select import run_draw
from evaluator_app.core.errors import DrawError
from tests.core.draw_builders import expert, request, seed_of, snapshot


def test_each_static_rule_is_kept_for_the_record():
    experts = [
        expert("E01", status=Status.RETIRED),
        expert("E02", status=Status.SUSPENDED, suspended_until="2026-04-18"),
        expert("E03", status=Status.SUSPENDED, suspended_until="2026-04-17"),  # over by then
        expert("E04", employer="招标人单位"),
        expert("E05", employer="投标人乙"),
        expert("E06", related_orgs=("投标人甲",)),
        expert("E07", last_drawn="2026-03-11"),  # 30 days before the draw date: still recent
        expert("E08", last_drawn="2026-03-10"),
        expert("E09", specialties=("B",)),  # not a candidate at all
        expert("E10"),
    ]
    result = run_draw(request(), snapshot(experts), seed_of(0))
    assert dict(result.excluded) == {
        "E01": Rule.RETIRED,
        "E02": Rule.SUSPENDED,
        "E04": Rule.TENDERER_EMPLOYEE,
        "E05": Rule.BIDDER_EMPLOYEE,
        "E06": Rule.DECLARED_RELATION,
        "E07": Rule.RECENTLY_DRAWN,
    }
    drawn = set(result.needs[0].principals) | set(result.needs[0].reserves)
    assert drawn == {"E03", "E08", "E10"}
    assert result.needs[0].candidates == 3
    assert [s.kind for s in result.shortfalls] == [ShortfallKind.RESERVES]


def test_same_seed_same_draw_other_seed_other_order():
    experts = [expert(f"E{i:02d}") for i in range(1, 31)]
    snap = snapshot(experts)
    a = run_draw(request(), snap, seed_of(1))
    assert a == run_draw(request(), snap, seed_of(1))
    others = {run_draw(request(), snap, seed_of(i)).needs[0].principals for i in range(2, 12)}
    assert len(others) > 5


def test_one_per_employer_and_declared_relations_pass_over_with_the_reason():
    experts = [expert(f"E{i:02d}", employer="同一单位") for i in range(1, 6)]
    experts += [expert("E10", related_experts=("E11",)), expert("E11")]
    result = run_draw(request(needs=(Need("A", 3, 0),)), snapshot(experts), seed_of(3))
    principals = result.needs[0].principals
    assert sum(p < "E10" for p in principals) == 1  # one from the shared employer
    assert not {"E10", "E11"} <= set(principals)
    for passed in result.passed_over:
        assert passed.rule in (Rule.SAME_EMPLOYER, Rule.RELATED_EXPERT)
        assert passed.because in principals


def test_local_experts_give_way_when_other_cities_need_the_seats():
    local = [expert(f"E{i:02d}", city="济南") for i in range(1, 21)]
    outside = [expert("E30", city="淄博"), expert("E31", city="泰安")]
    rules = Rules(recent_days=0, min_other_city=2)
    for i in range(20):
        result = run_draw(
            request(needs=(Need("A", 3, 0),), rules=rules), snapshot(local + outside), seed_of(i)
        )
        assert {"E30", "E31"} <= set(result.needs[0].principals)
        assert all(p.rule is Rule.OTHER_CITY_QUOTA for p in result.passed_over)


def test_an_expert_is_drawn_once_across_specialties():
    experts = [expert(f"E{i:02d}", specialties=("A", "B")) for i in range(1, 5)]
    result = run_draw(
        request(needs=(Need("A", 2, 0), Need("B", 2, 0))), snapshot(experts), seed_of(4)
    )
    drawn = result.needs[0].principals + result.needs[1].principals
    assert sorted(drawn) == ["E01", "E02", "E03", "E04"]
    assert result.needs[1].candidates == 2


def test_seats_own_city_then_nearest_in_pool_number_order():
    experts = [
        expert("E01", city="济南"),
        expert("E02", city="济南"),
        expert("E03", city="泰安"),  # no venue in Tai'an: Jinan (70 km) before Zibo (150 km)
        expert("E04", city="淄博"),
    ]
    result = run_draw(request(needs=(Need("A", 4, 0),), seats=2), snapshot(experts), seed_of(5))
    seats = {s.id: (s.venue, s.seat) for s in result.seats}
    assert seats == {
        "E01": ("jinan", "A01"),
        "E02": ("jinan", "A02"),
        "E03": ("zibo", "B02"),  # Jinan is full once its own experts are seated
        "E04": ("zibo", "B01"),
    }


def test_a_request_is_refused_field_by_field():
    with pytest.raises(DrawError) as error:
        request(needs=(Need("A", 3, 0),), draw_date="2026-13-01")
    assert error.value.where == "request.draw_date"
    with pytest.raises(DrawError) as error:
        request(needs=(Need("A", 30, 0),), seats=10)
    assert error.value.where == "request.venues" and "席位" in error.value.message_zh
    with pytest.raises(DrawError) as error:
        request(parties=[{"role": "centre", "person_id": "C-1", "name": "陈静"}])
    assert error.value.where == "request.parties"


def test_a_supplementary_draw_keeps_the_committee_and_its_quota():
    experts = [expert("E01", city="淄博", employer="甲"), expert("E02", city="济南", employer="乙")]
    experts += [expert("E03", city="济南", employer="甲"), expert("E04", city="济南")]
    experts += [expert("E05", city="泰安")]
    supplement = {
        "draw_id": "D-0",
        "record_sha256": "0" * 64,
        "leaving": "E05",
        "sitting": ["E01", "E02"],
    }
    req = request(
        needs=(Need("A", 1, 0),),
        rules=Rules(recent_days=0, min_other_city=2),
        supplement=supplement,
    )
    result = run_draw(req, snapshot(experts), seed_of(6))
    # E03 shares E01's employer; E04 is local and the leaver was from another city
    assert result.needs[0].principals == ()
    assert {(p.id, p.rule) for p in result.passed_over} <= {
        ("E03", Rule.SAME_EMPLOYER),
        ("E04", Rule.OTHER_CITY_QUOTA),
    }
    relaxed = replace(req, rules=Rules(recent_days=0, min_other_city=1))
    assert run_draw(relaxed, snapshot(experts), seed_of(6)).needs[0].principals == ("E04",)
