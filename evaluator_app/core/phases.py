"""The session phase machine.

preparing → check-in → declarations → leader election → preliminary review →
detailed scoring → summary → report signing → closed, with *paused* as an overlay that
remembers the phase it interrupted. The leader may send a session back from summary to
detailed scoring (returning sheets). Every transition names the roles allowed to make it;
anything else raises :class:`PhaseError` naming the phase, the target and the role.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from evaluator_app.core.errors import PhaseError


class Phase(str, enum.Enum):
    PREPARING = "preparing"
    CHECK_IN = "check_in"
    DECLARATIONS = "declarations"
    LEADER_ELECTION = "leader_election"
    PRELIMINARY_REVIEW = "preliminary_review"
    DETAILED_SCORING = "detailed_scoring"
    SUMMARY = "summary"
    REPORT_SIGNING = "report_signing"
    CLOSED = "closed"


class Role(str, enum.Enum):
    CENTRE = "centre"  # trading centre staff
    SUPERVISOR = "supervisor"  # venue supervisor / witness
    LEADER = "leader"  # the elected committee leader (an expert)
    EXPERT = "expert"
    SYSTEM = "system"  # the venue itself, when a condition is met (all declared, leader elected)


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)  # the order a session goes through


def phases_from(first: Phase) -> frozenset[Phase]:
    """``first`` and every phase after it."""
    return frozenset(PHASE_ORDER[PHASE_ORDER.index(first) :])


# The named sets of phases every layer reads (the venue's rules, the clients, the UI).
# A session runs (can be paused, has presence and alerts) between preparing and closed.
RUNNING_PHASES = frozenset(PHASE_ORDER) - {Phase.PREPARING, Phase.CLOSED}
# Members may still be added (to replace a recusal) before the leader election.
MEMBER_CHANGE_PHASES = frozenset({Phase.PREPARING, Phase.CHECK_IN, Phase.DECLARATIONS})
# Experts read the documents from their declarations on.
DOCUMENT_PHASES = phases_from(Phase.DECLARATIONS)
# The result of the preliminary review exists once detailed scoring has begun.
GATE_RESULT_PHASES = phases_from(Phase.DETAILED_SCORING)
# The summary (汇总) exists, and the results may be shown, from the summary on.
SUMMARY_PHASES = phases_from(Phase.SUMMARY)
# The evaluation report exists from report signing on.
REPORT_PHASES = phases_from(Phase.REPORT_SIGNING)
# The committee decides collusion warnings between the leader election and report signing.
WARNING_DECISION_PHASES = frozenset(
    {Phase.PRELIMINARY_REVIEW, Phase.DETAILED_SCORING, Phase.SUMMARY}
)


def values(phases: frozenset[Phase]) -> frozenset[str]:
    """The wire names of a set of phases (what a session's ``phase`` field holds)."""
    return frozenset(p.value for p in phases)


_C, _S, _L, _SYS = Role.CENTRE, Role.SUPERVISOR, Role.LEADER, Role.SYSTEM

# (from, to) -> roles that may make the move
TRANSITIONS: dict[tuple[Phase, Phase], frozenset[Role]] = {
    (Phase.PREPARING, Phase.CHECK_IN): frozenset({_C}),
    (Phase.CHECK_IN, Phase.DECLARATIONS): frozenset({_C, _S}),
    (Phase.DECLARATIONS, Phase.LEADER_ELECTION): frozenset({_SYS, _C}),
    (Phase.LEADER_ELECTION, Phase.PRELIMINARY_REVIEW): frozenset({_SYS}),
    (Phase.PRELIMINARY_REVIEW, Phase.DETAILED_SCORING): frozenset({_L, _SYS}),
    (Phase.DETAILED_SCORING, Phase.SUMMARY): frozenset({_L, _SYS}),
    (Phase.SUMMARY, Phase.DETAILED_SCORING): frozenset({_L}),  # leader returns sheets
    (Phase.SUMMARY, Phase.REPORT_SIGNING): frozenset({_L}),
    (Phase.REPORT_SIGNING, Phase.CLOSED): frozenset({_SYS, _C}),
}

PAUSE_ROLES = frozenset({_C, _S})

# Moves a person makes by hand that the record must explain: the centre stepping in where the
# venue would move by itself (an expert marked absent left the step incomplete) or closing.
REASON_REQUIRED: frozenset[tuple[Phase, Phase, Role]] = frozenset(
    {
        (Phase.DECLARATIONS, Phase.LEADER_ELECTION, _C),
        (Phase.REPORT_SIGNING, Phase.CLOSED, _C),
    }
)

# Moves a person makes that wait until the phase has collected what it collects (every active
# expert's declaration, gate votes, sheet; every warning decided before the report).
WAIT_FOR_PROGRESS: frozenset[tuple[Phase, Phase]] = frozenset(
    {
        (Phase.DECLARATIONS, Phase.LEADER_ELECTION),
        (Phase.PRELIMINARY_REVIEW, Phase.DETAILED_SCORING),
        (Phase.DETAILED_SCORING, Phase.SUMMARY),
        (Phase.SUMMARY, Phase.REPORT_SIGNING),
    }
)


@dataclass(frozen=True)
class PhaseState:
    """Where a session is. ``paused_in`` is the phase a pause interrupted, else None."""

    phase: Phase = Phase.PREPARING
    paused_in: Phase | None = None

    @property
    def paused(self) -> bool:
        return self.paused_in is not None

    @property
    def label(self) -> str:
        return f"paused ({self.paused_in.value})" if self.paused_in else self.phase.value


def allowed_targets(state: PhaseState, role: Role) -> tuple[Phase, ...]:
    """The phases this role may move the session to now (empty while paused)."""
    if state.paused:
        return ()
    return tuple(
        to for (frm, to), roles in TRANSITIONS.items() if frm is state.phase and role in roles
    )


def advance(state: PhaseState, target: Phase, role: Role) -> PhaseState:
    """Move to ``target``; raise :class:`PhaseError` if this role may not, or not now."""
    if state.paused:
        raise PhaseError(
            state.label, target.value, role.value, "the session is paused; resume it first"
        )
    roles = TRANSITIONS.get((state.phase, target))
    if roles is None:
        raise PhaseError(state.phase.value, target.value, role.value, "no such transition")
    if role not in roles:
        allowed = ", ".join(sorted(r.value for r in roles))
        raise PhaseError(state.phase.value, target.value, role.value, f"only {allowed} may do this")
    return PhaseState(phase=target)


def pause(state: PhaseState, role: Role) -> PhaseState:
    if role not in PAUSE_ROLES:
        raise PhaseError(state.label, "paused", role.value, "only centre or supervisor may pause")
    if state.paused:
        raise PhaseError(state.label, "paused", role.value, "the session is already paused")
    if state.phase in (Phase.PREPARING, Phase.CLOSED):
        raise PhaseError(
            state.phase.value, "paused", role.value, "only a running session can be paused"
        )
    return PhaseState(phase=state.phase, paused_in=state.phase)


def resume(state: PhaseState, role: Role) -> PhaseState:
    """Back to the phase the pause interrupted."""
    if role not in PAUSE_ROLES:
        raise PhaseError(state.label, "resumed", role.value, "only centre or supervisor may resume")
    if not state.paused:
        raise PhaseError(state.label, "resumed", role.value, "the session is not paused")
    return PhaseState(phase=state.phase)
