"""The session phase machine: the legal path, every illegal transition, pause as an overlay."""

from __future__ import annotations

import itertools

import pytest

from evaluator_app.core.errors import PhaseError
from evaluator_app.core.phases import (
    PAUSE_ROLES,
    TRANSITIONS,
    Phase,
    PhaseState,
    Role,
    advance,
    allowed_targets,
    pause,
    resume,
)

HAPPY_PATH = [
    (Phase.CHECK_IN, Role.CENTRE),
    (Phase.DECLARATIONS, Role.SUPERVISOR),
    (Phase.LEADER_ELECTION, Role.SYSTEM),
    (Phase.PRELIMINARY_REVIEW, Role.SYSTEM),
    (Phase.DETAILED_SCORING, Role.LEADER),
    (Phase.SUMMARY, Role.LEADER),
    (Phase.DETAILED_SCORING, Role.LEADER),  # the leader returns sheets
    (Phase.SUMMARY, Role.SYSTEM),
    (Phase.REPORT_SIGNING, Role.LEADER),
    (Phase.CLOSED, Role.CENTRE),
]


def test_whole_session_path():
    state = PhaseState()
    assert state.phase is Phase.PREPARING
    for target, role in HAPPY_PATH:
        state = advance(state, target, role)
        assert state == PhaseState(target)
    assert allowed_targets(state, Role.CENTRE) == ()


ALL_MOVES = [
    (frm, to, role)
    for frm, to, role in itertools.product(Phase, Phase, Role)
    if role not in TRANSITIONS.get((frm, to), frozenset())
]


@pytest.mark.parametrize("frm, to, role", ALL_MOVES, ids=lambda v: v.value)
def test_every_illegal_transition_raises_naming_phase_and_role(frm, to, role):
    with pytest.raises(PhaseError) as info:
        advance(PhaseState(frm), to, role)
    error = info.value
    assert (error.phase, error.target, error.role) == (frm.value, to.value, role.value)
    assert frm.value in str(error) and role.value in str(error)


def test_illegal_moves_cover_everything_but_the_table():
    legal = sum(len(roles) for roles in TRANSITIONS.values())
    assert len(ALL_MOVES) + legal == len(Phase) ** 2 * len(Role)


def test_wrong_role_message_names_who_may():
    with pytest.raises(PhaseError, match="only leader, system may do this"):
        advance(PhaseState(Phase.DETAILED_SCORING), Phase.SUMMARY, Role.EXPERT)


def test_pause_remembers_phase_and_blocks_everything():
    state = pause(PhaseState(Phase.DETAILED_SCORING), Role.SUPERVISOR)
    assert state.paused and state.paused_in is Phase.DETAILED_SCORING
    assert allowed_targets(state, Role.LEADER) == ()
    with pytest.raises(PhaseError, match="paused; resume it first"):
        advance(state, Phase.SUMMARY, Role.LEADER)
    with pytest.raises(PhaseError, match="already paused"):
        pause(state, Role.CENTRE)
    assert resume(state, Role.CENTRE) == PhaseState(Phase.DETAILED_SCORING)


@pytest.mark.parametrize("role", [r for r in Role if r not in PAUSE_ROLES])
def test_only_centre_and_supervisor_pause_and_resume(role):
    with pytest.raises(PhaseError, match="only centre or supervisor may pause"):
        pause(PhaseState(Phase.SUMMARY), role)
    paused = pause(PhaseState(Phase.SUMMARY), Role.SUPERVISOR)
    with pytest.raises(PhaseError, match="only centre or supervisor may resume"):
        resume(paused, role)


@pytest.mark.parametrize("phase", [Phase.PREPARING, Phase.CLOSED])
def test_cannot_pause_a_session_not_running(phase):
    with pytest.raises(PhaseError, match="only a running session"):
        pause(PhaseState(phase), Role.CENTRE)


def test_resume_when_not_paused():
    with pytest.raises(PhaseError, match="not paused"):
        resume(PhaseState(Phase.SUMMARY), Role.CENTRE)
