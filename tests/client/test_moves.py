"""The moves service against the real venue (a test of the service, not of the windows): what a
role may do now, what is still missing in words, the reason asked where the record needs one,
and the venue's own refusal when a move is made too early."""

from __future__ import annotations

import pytest

from evaluator_app.client.errors import VenueRefused
from evaluator_app.client.moves import make_move, moves_for
from evaluator_app.core.phases import Phase, Role
from evaluator_app.protocol.messages import MemberInput
from evaluator_app.protocol.messages import Role as MemberRole
from tests.venue import flow
from tests.venue.harness import COMMITTEE

PLAYS = {"expert-sd-1": "E1", "expert-sd-2": "E2", "expert-nca-1": "E3", "expert-nca-2": "E4"}


def _mine(view, role):  # type: ignore[no-untyped-def]
    return {m.target: m for m in moves_for(view, role) if m.mine}


async def test_the_leader_waits_for_every_gate_vote_and_the_venue_agrees(harness) -> None:  # type: ignore[no-untyped-def]
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    experts = {k: await h.login(k) for k in COMMITTEE}
    for key in COMMITTEE:
        await flow.declare(h, experts[key], key)
    for key in COMMITTEE:
        await flow.vote_leader(h, experts[key], key, "expert-sd-1")
    leader = experts["expert-sd-1"]
    for key, example in list(PLAYS.items())[:3]:
        await flow.gate_votes(h, experts[key], key, example)

    view = await leader.get("/sessions/S1")
    move = _mine(view, Role.LEADER)[Phase.DETAILED_SCORING]
    assert not move.possible
    late = [m["name"] for m in view["members"] if m["person_id"] in view["progress"]["waiting_for"]]
    assert len(late) == 2 and move.missing is not None
    assert move.missing.zh == f"等待 2 位专家提交初步评审意见：{'、'.join(late)}"
    with pytest.raises(VenueRefused) as info:  # the venue says the same, in words
        await make_move(leader, "S1", move)
    assert info.value.code == "not_ready" and "还在等待 2 位专家" in info.value.message_zh

    # an expert who is not the leader has no such move, only what comes next
    other = await experts["expert-sd-2"].get("/sessions/S1")
    assert not _mine(other, Role.EXPERT)
    assert any(
        not m.mine and m.target is Phase.DETAILED_SCORING for m in moves_for(other, Role.EXPERT)
    )

    for key in COMMITTEE[3:]:
        await flow.gate_votes(h, experts[key], key, PLAYS.get(key, "E5"))
    view = await leader.get("/sessions/S1")
    move = _mine(view, Role.LEADER)[Phase.DETAILED_SCORING]
    assert move.possible and move.missing is None and not move.needs_reason
    moved = await make_move(leader, "S1", move)
    assert moved.phase == "detailed_scoring"


async def test_the_centre_steps_in_after_an_absence_with_a_reason(harness) -> None:  # type: ignore[no-untyped-def]
    h = harness
    centre = await h.login("centre-1")
    supervisor = await h.login("supervisor-jinan")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    experts = {k: await h.login(k) for k in COMMITTEE}
    for key in COMMITTEE[:-1]:
        await flow.declare(h, experts[key], key)
    view = await centre.get("/sessions/S1")
    move = _mine(view, Role.CENTRE)[Phase.LEADER_ELECTION]
    assert not move.possible and move.needs_reason and "等待 1 位专家签署承诺书" in move.missing.zh

    absent = h.person_id(COMMITTEE[-1])
    await supervisor.post("/sessions/S1/absent", {"person_id": absent, "reason": "未到场"})
    view = await centre.get("/sessions/S1")
    move = _mine(view, Role.CENTRE)[Phase.LEADER_ELECTION]
    assert move.possible
    with pytest.raises(VenueRefused) as info:  # the record needs the reason
        await make_move(centre, "S1", move, reason="  ")
    assert info.value.code == "invalid_field" and "原因" in info.value.message_zh
    moved = await make_move(centre, "S1", move, reason="孙丽缺席，其余专家均已签署")
    assert moved.phase == "leader_election"


async def test_a_recusal_leaves_a_seat_open_until_the_substitute_declares(harness) -> None:  # type: ignore[no-untyped-def]
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    experts = {k: await h.login(k) for k in COMMITTEE}
    for key in COMMITTEE[:-1]:
        await flow.declare(h, experts[key], key)
    await flow.declare(
        h, experts[COMMITTEE[-1]], COMMITTEE[-1], conflict=True, reason="曾在投标人处任职"
    )
    view = await centre.get("/sessions/S1")
    assert view["progress"]["open_seats"] == 1
    move = _mine(view, Role.CENTRE)[Phase.LEADER_ELECTION]
    assert not move.possible and "有 1 位回避的专家尚未补选" in move.missing.zh
    await centre.post(
        "/sessions/S1/members",
        MemberInput(h.person_id("expert-sd-3"), MemberRole.EXPERT, "jinan", "A04"),
    )
    substitute = await h.login("expert-sd-3")
    await flow.declare(h, substitute, "expert-sd-3")
    assert (await centre.get("/sessions/S1"))["phase"] == "leader_election"  # by itself


def test_a_grey_move_the_venue_also_makes_by_itself_says_no_click_is_needed() -> None:
    from evaluator_app.protocol.messages import MemberView, Progress, SessionView
    from evaluator_app.protocol.messages import Role as PersonRole

    members = tuple(
        MemberView(f"e{n}", name, PersonRole.EXPERT, "jinan", f"A0{n}", "assigned")
        for n, name in enumerate(["张伟", "李娜"], start=1)
    )

    def view(phase: str, step: str) -> SessionView:
        return SessionView(
            "S1", "t", "lot-1", "jinan", phase, False, None, "e1", None, "", ("jinan",),
            members, Progress(step, ("e2",)),
        )  # fmt: skip

    scoring = _mine(view("detailed_scoring", "score_sheet"), Role.LEADER)[Phase.SUMMARY]
    assert scoring.missing is not None
    assert scoring.missing.zh == "等待 1 位专家提交评分表：李娜（齐后自动进入，无需点击）"
    review = _mine(view("preliminary_review", "gate_votes"), Role.LEADER)[Phase.DETAILED_SCORING]
    assert review.missing is not None and "自动" not in review.missing.zh  # the leader's own move
