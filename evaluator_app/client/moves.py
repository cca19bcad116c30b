"""The phase moves a person may make now, or what they wait for: computed from the venue's view.

For the window of a role, :func:`moves_for` lists every transition of the phase machine out of
the current phase that the role may make (possible or not, and if not, what is still missing in
words: "等待 2 位专家：李娜、刘洋"), and the moves the venue makes by itself, marked automatic,
with what they wait for. Widgets render these; they hold no rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evaluator_app.client.explain import Explanation
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.phases import REASON_REQUIRED, TRANSITIONS, WAIT_FOR_PROGRESS, Phase, Role
from evaluator_app.protocol.messages import PhaseChange, Progress, SessionView
from evaluator_app.protocol.schema import decode

E = Explanation
LABELS: dict[tuple[Phase, Phase], Explanation] = {
    (Phase.PREPARING, Phase.CHECK_IN): E("开始签到", "Open check-in"),
    (Phase.CHECK_IN, Phase.DECLARATIONS): E("开始评标（签署承诺书）", "Start: declarations"),
    (Phase.DECLARATIONS, Phase.LEADER_ELECTION): E("进入推选组长", "Go on to the leader election"),
    (Phase.LEADER_ELECTION, Phase.PRELIMINARY_REVIEW): E(
        "进入初步评审", "Go on to the preliminary review"
    ),
    (Phase.PRELIMINARY_REVIEW, Phase.DETAILED_SCORING): E(
        "进入详细评审", "Go on to detailed scoring"
    ),
    (Phase.DETAILED_SCORING, Phase.SUMMARY): E("进入汇总", "Go on to the summary"),
    (Phase.SUMMARY, Phase.DETAILED_SCORING): E(
        "退回评分表重新评分…", "Return a sheet for revision…"
    ),
    (Phase.SUMMARY, Phase.REPORT_SIGNING): E(
        "生成评标报告并开始签署", "Generate the report and start signing"
    ),
    (Phase.REPORT_SIGNING, Phase.CLOSED): E("结束评标", "Close the session"),
}
# what comes next, said to those who wait for it (the venue moving by itself, or the leader)
NEXT: dict[tuple[Phase, Phase], Explanation] = {
    (Phase.DECLARATIONS, Phase.LEADER_ELECTION): E(
        "全部专家签署承诺书后自动进入推选组长",
        "once every expert has declared, the leader election opens by itself",
    ),
    (Phase.LEADER_ELECTION, Phase.PRELIMINARY_REVIEW): E(
        "组长选出后自动进入初步评审",
        "once the leader is elected, the preliminary review opens by itself",
    ),
    (Phase.PRELIMINARY_REVIEW, Phase.DETAILED_SCORING): E(
        "全部专家提交初步评审后，由组长进入详细评审",
        "once every expert has voted, the leader opens detailed scoring",
    ),
    (Phase.DETAILED_SCORING, Phase.SUMMARY): E(
        "全部评分表收齐后自动进入汇总", "once every sheet is in, the summary opens by itself"
    ),
    (Phase.SUMMARY, Phase.REPORT_SIGNING): E(
        "组长核对汇总结果后生成评标报告", "the leader generates the report after the summary"
    ),
    (Phase.CHECK_IN, Phase.DECLARATIONS): E(
        "签到后由监督人员或交易中心开始评标", "after check-in the supervisor or centre starts"
    ),
    (Phase.PREPARING, Phase.CHECK_IN): E(
        "交易中心准备完毕后开始签到", "the centre opens check-in when ready"
    ),
    (Phase.REPORT_SIGNING, Phase.CLOSED): E(
        "全体委员签署（或提出不同意见）后自动结束",
        "once every member has signed (or dissented), the session closes by itself",
    ),
}
STEP_WORDS = {
    "declaration": E("签署承诺书", "to declare"),
    "leader_vote": E("投票推选组长", "to vote for the leader"),
    "gate_votes": E("提交初步评审意见", "to submit the preliminary review"),
    "score_sheet": E("提交评分表", "to submit the score sheet"),
    "report_signature": E("签署评标报告或提出不同意见", "to sign the report or dissent"),
}
# the move that is made by returning sheets (on the summary page), not by a phase change
BY_RETURNING = (Phase.SUMMARY, Phase.DETAILED_SCORING)
# the moves the venue makes by itself once the phase has what it collects: a person's control for
# the same move (the leader's 进入汇总, the centre's stepping in) says so while it waits
BY_ITSELF = frozenset(
    {
        (Phase.DECLARATIONS, Phase.LEADER_ELECTION),
        (Phase.LEADER_ELECTION, Phase.PRELIMINARY_REVIEW),
        (Phase.DETAILED_SCORING, Phase.SUMMARY),
        (Phase.REPORT_SIGNING, Phase.CLOSED),
    }
)


@dataclass(frozen=True)
class Move:
    source: Phase
    target: Phase
    role: Role  # who makes it: the viewer (``mine``), else Role.SYSTEM or the role that will
    label: Explanation
    possible: bool
    missing: Explanation | None  # why not now (or what it waits for), in words
    needs_reason: bool
    mine: bool = True  # the viewer's own move (a control); else what they wait for (a line)

    @property
    def key(self) -> str:
        return move_key(self.source, self.target)

    @property
    def automatic(self) -> bool:
        return self.role is Role.SYSTEM

    @property
    def by_returning(self) -> bool:
        return (self.source, self.target) == BY_RETURNING


def move_key(source: Phase, target: Phase) -> str:
    return f"phase:{source.value}->{target.value}"


def role_moves(role: Role) -> tuple[tuple[Phase, Phase], ...]:
    """Every transition this role may make in some phase (one control each in its window)."""
    return tuple(move for move, roles in TRANSITIONS.items() if role in roles)


def phase_role(view: SessionView, person_role: str, person_id: str) -> Role:
    """The role a person plays in the phase machine: an expert who leads is the leader."""
    if person_role == "expert":
        return Role.LEADER if view.leader_id == person_id else Role.EXPERT
    return Role(person_role)


def as_view(data: SessionView | dict[str, Any]) -> SessionView:
    return data if isinstance(data, SessionView) else decode(SessionView, data)


def waiting_words(view: SessionView, progress: Progress) -> Explanation | None:
    names = {m.person_id: m.name for m in view.members}
    parts_zh, parts_en = [], []
    if progress.waiting_for:
        who = "、".join(names.get(p, p) for p in progress.waiting_for)
        step = STEP_WORDS.get(progress.step, E("", ""))
        n = len(progress.waiting_for)
        parts_zh.append(f"等待 {n} 位专家{step.zh}：{who}")
        parts_en.append(f"waiting for {n} expert(s) {step.en}: {who}")
    if progress.open_seats:
        parts_zh.append(f"有 {progress.open_seats} 位回避的专家尚未补选")
        parts_en.append(f"{progress.open_seats} recused expert(s) not replaced yet")
    if progress.open_warnings:
        parts_zh.append(f"还有 {progress.open_warnings} 条围标串标预警待组长处理")
        parts_en.append(
            f"{progress.open_warnings} collusion warning(s) await the leader's decision"
        )
    if not parts_zh:
        return None
    return E("；".join(parts_zh), "; ".join(parts_en))


def _missing(view: SessionView, move: tuple[Phase, Phase]) -> Explanation | None:
    if view.paused:
        return E("会话已暂停，恢复后才能继续", "the session is paused; it must be resumed first")
    if move not in WAIT_FOR_PROGRESS or view.progress is None:
        return None
    progress = view.progress
    if move != (Phase.SUMMARY, Phase.REPORT_SIGNING):
        progress = Progress(progress.step, progress.waiting_for, progress.open_seats, 0)
    return waiting_words(view, progress)


def moves_for(data: SessionView | dict[str, Any], role: Role) -> tuple[Move, ...]:
    """The moves out of the current phase for ``role``, then the venue's own (automatic)."""
    view = as_view(data)
    try:
        now = Phase(view.paused_in or view.phase)
    except ValueError:
        return ()
    out: list[Move] = []
    for (source, target), roles in TRANSITIONS.items():
        if source is not now:
            continue
        if role in roles:
            missing = _missing(view, (source, target))
            if missing is not None and not view.paused and (source, target) in BY_ITSELF:
                missing = E(
                    f"{missing.zh}（齐后自动进入，无需点击）",
                    f"{missing.en} (then the session moves on by itself: no click needed)",
                )
            out.append(
                Move(
                    source,
                    target,
                    role,
                    LABELS[(source, target)],
                    missing is None,
                    missing,
                    (source, target, role) in REASON_REQUIRED,
                )
            )
        elif (source, target) in NEXT:
            waiting = _missing(view, (source, target))
            if waiting is None and Role.SYSTEM in roles and view.progress:
                waiting = waiting_words(view, view.progress)
            maker = Role.SYSTEM if Role.SYSTEM in roles else sorted(roles, key=str)[0]
            out.append(
                Move(source, target, maker, NEXT[(source, target)], False, waiting, False, False)
            )
    return tuple(sorted(out, key=lambda m: not m.mine))


async def make_move(
    client: VenueClient, session_id: str, move: Move, reason: str = ""
) -> SessionView:
    """Ask the venue for the move; its refusal comes back as VenueRefused, in words."""
    data = await client.post(
        f"/sessions/{session_id}/phase", PhaseChange(move.target.value, reason.strip())
    )
    return as_view(data)
