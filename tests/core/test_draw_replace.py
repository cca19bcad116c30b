"""Replacements from the reserves, by the same rule every time."""

from __future__ import annotations

import pytest

from evaluator_app.core.draw.model import Cause, DrawResult, Need, NeedResult, Rule, Rules, Seat
from evaluator_app.core.draw.replace import Roster
from evaluator_app.core.draw.select import run_draw
from evaluator_app.core.errors import DrawError
from tests.core.draw_builders import expert, request, seed_of, snapshot


def _draw(experts, needs=None, rules=None):  # type: ignore[no-untyped-def]
    needs = needs or (Need("A", 2, 3),)
    req = request(needs=needs, rules=rules or Rules(recent_days=0), seats=3)
    snap = snapshot(experts)
    result = run_draw(req, snap, seed_of(7))
    return req, result, Roster(req, result, snap.by_id())


def test_a_decline_takes_the_first_reserve_and_frees_the_seat():
    experts = [expert(f"E{i:02d}", city="淄博") for i in range(1, 8)]
    _req, result, roster = _draw(experts)
    leaving = result.needs[0].principals[0]
    seat = roster.seated[leaving]
    first_reserve = result.needs[0].reserves[0]
    done = roster.replace(leaving, Cause.DECLINED)
    assert done.replacement == first_reserve and done.passed_over == ()
    assert done.seat is not None and (done.seat.venue, done.seat.seat) == (seat.venue, seat.seat)
    with pytest.raises(DrawError):
        roster.replace(leaving, Cause.DECLINED)  # gone already


def test_a_recused_expert_keeps_the_seat_and_a_clashing_reserve_is_passed_over():
    experts = [
        expert("E01", city="淄博"),
        expert("E02", city="淄博", employer="乙"),
        expert("E03", city="淄博", employer="乙"),  # shares E02's employer
        expert("E04", city="淄博"),
    ]
    req = request(needs=(Need("A", 2, 2),), rules=Rules(recent_days=0), seats=3)
    result = DrawResult(
        (NeedResult("A", 4, ("E01", "E02"), ("E03", "E04")),),
        (),
        (),
        (Seat("E01", "zibo", "B01"), Seat("E02", "zibo", "B02")),
    )
    roster = Roster(req, result, snapshot(experts).by_id())
    done = roster.replace("E01", Cause.RECUSED)
    assert done.passed_over == (("E03", Rule.SAME_EMPLOYER, "E02"),)
    assert done.replacement == "E04"
    assert done.seat == Seat("E04", "zibo", "B03")  # B01 stays with the recused expert
    again = roster.replace("E02", Cause.DECLINED)  # now E03 no longer clashes
    assert again.replacement == "E03" and again.seat == Seat("E03", "zibo", "B02")


def test_no_usable_reserve_asks_for_a_supplementary_draw_with_the_committee():
    experts = [expert("E01", city="淄博"), expert("E02", city="淄博")]
    _req, result, roster = _draw(experts, needs=(Need("A", 2, 1),))
    leaving = result.needs[0].principals[0]
    seat = roster.seated[leaving]
    done = roster.replace(leaving, Cause.NO_SHOW)
    assert done.replacement is None
    supplement, venues = roster.supplement_for(leaving, "0" * 64)
    assert supplement.leaving == leaving and supplement.sitting == tuple(sorted(roster.seated))
    free = {(v.id, s) for v in venues for s in v.seats}
    assert (seat.venue, seat.seat) in free  # a no-show's seat is free
    assert all((v.id, s) not in roster.occupied for v in venues for s in v.seats)
