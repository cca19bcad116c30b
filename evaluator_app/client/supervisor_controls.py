"""Which of a supervisor's (or the centre's) controls may be used now, and why not.

The console greys a control and shows the reason; the reason is decided here, from the phase
machine's own rules (``core.phases.pause`` and ``resume``) and the session's view, so that the
window never offers what the venue would refuse and never decides it itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluator_app.client.explain import Explanation
from evaluator_app.client.supervisor_board import SupervisorBoard
from evaluator_app.core.errors import PhaseError
from evaluator_app.core.phases import Phase, PhaseState, Role, pause, resume


@dataclass(frozen=True)
class AbsentChoice:
    person_id: str
    label: str  # 李娜（济南主场 A02）


@dataclass(frozen=True)
class SubstituteState:
    """Whether the centre may seat a substitute by hand now, and why not."""

    by_draw: bool  # the committee was drawn: the draw's replacement seats the substitute
    needed: bool  # a recused expert's seat is open while the experts declare

    @property
    def offered(self) -> bool:
        return self.needed and not self.by_draw

    @property
    def blocked(self) -> Explanation | None:
        if self.by_draw:
            return Explanation(
                "补选专家：本会话的评标专家由抽取产生，请在“专家抽取”页点“替补专家…”，"
                "替补专家按抽取记录自动入座。",
                "Substitute: this committee was drawn; replace the expert on the Expert draw "
                "tab (Replace an expert…) and the substitute is seated by the draw's record.",
            )
        if not self.needed:
            return Explanation(
                "补选专家：仅在有专家回避、承诺书签署阶段需要。",
                "Substitute: needed only after a recusal, while experts declare.",
            )
        return None


@dataclass(frozen=True)
class Controls:
    """Each control's reason for being grey (None: it may be used now)."""

    pause: Explanation | None
    resume: Explanation | None
    absent_choices: tuple[AbsentChoice, ...]  # the experts who may be marked absent
    absent: Explanation | None
    substitute: SubstituteState


def controls(board: SupervisorBoard, role: Role) -> Controls:
    phase = _state(board)
    choices = tuple(
        AbsentChoice(row.person_id, f"{row.name}（{row.venue_name or row.venue} {row.seat}）")
        for row in board.experts()
        if row.status == "assigned"  # the venue marks only a seated expert absent
    )
    return Controls(
        _refused(True, phase, role),
        _refused(False, phase, role),
        choices,
        None
        if choices
        else Explanation("缺席：本场地没有在座的专家。", "Absence: no expert is seated here."),
        substitute_state(board),
    )


def substitute_state(board: SupervisorBoard) -> SubstituteState:
    view = board.view
    recused = bool(view and any(m.status == "recused" for m in view.members))
    return SubstituteState(bool(view and view.drawn), recused and board.phase == "declarations")


def _state(board: SupervisorBoard) -> PhaseState | None:
    try:
        phase = Phase(board.phase)
    except ValueError:  # no view yet
        return None
    return PhaseState(phase, phase if board.paused else None)


def _refused(pausing: bool, state: PhaseState | None, role: Role) -> Explanation | None:
    """Why the phase machine refuses this pause or resume now, in words; None if it allows it."""
    if state is None:
        return Explanation("会话尚未载入。", "The session is not loaded yet.")
    try:
        (pause if pausing else resume)(state, role)
    except PhaseError:
        if role not in (Role.CENTRE, Role.SUPERVISOR):
            return Explanation(
                "只有监督人员或交易中心可以暂停、恢复。",
                "Only a supervisor or the centre may pause or resume.",
            )
        if pausing and state.paused:
            return Explanation(
                "暂停：会话已处于暂停状态。", "Pause: the session is already paused."
            )
        if pausing:
            return Explanation(
                "暂停：只能暂停进行中的会话。",
                "Pause: only a running session can be paused.",
            )
        return Explanation("恢复：会话未暂停。", "Resume: the session is not paused.")
    return None
