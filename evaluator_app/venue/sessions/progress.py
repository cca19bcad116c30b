"""What the current phase still waits for, and the conditions of the moves people make by hand.

One computation from the record serves both: the session view shows it (so a window can say
"等待 2 位专家：李娜、刘洋" without holding any rule), and a phase change made by a person is
refused while it says something is missing.
"""

from __future__ import annotations

import json

from evaluator_app.core.phases import Phase
from evaluator_app.protocol.messages import Progress
from evaluator_app.venue.access.visibility import active_experts
from evaluator_app.venue.errors import Conflict
from evaluator_app.venue.store.records import MemberRecord, SessionRecord
from evaluator_app.venue.store.sqlite import SqliteTx

# the artefact each phase collects from every active expert
STEP = {
    Phase.DECLARATIONS: "declaration",
    Phase.LEADER_ELECTION: "leader_vote",
    Phase.PRELIMINARY_REVIEW: "gate_votes",
    Phase.DETAILED_SCORING: "score_sheet",
    Phase.REPORT_SIGNING: "report_signature",
}


def _given(tx: SqliteTx, session_id: str, step: str) -> set[str]:
    if step == "report_signature":
        signed = {p for _, kind, p, _ in tx.report_revisions(session_id) if kind == "signature"}
        return signed | {a.person_id for a in tx.artefacts(session_id, "dissent", blobs=False)}
    given = tx.artefacts(session_id, step, blobs=False)
    return {a.person_id for a in given if a.status == "accepted"}


def open_warnings(tx: SqliteTx, session_id: str) -> int:
    row = tx.collusion(session_id)
    if row is None or not row["result"]:
        return 0
    decisions = tx.artefacts(session_id, "warning_decision", blobs=False)
    decided = {json.loads(a.content)["warning_id"] for a in decisions}
    found = json.loads(row["result"]).get("warnings", [])
    return sum(1 for w in found if w["id"] not in decided)


def progress(
    tx: SqliteTx, session: SessionRecord, members: list[MemberRecord], visible: set[str]
) -> Progress:
    phase = Phase(session.paused_in or session.phase)
    step = STEP.get(phase, "")
    waiting: tuple[str, ...] = ()
    if step:
        given = _given(tx, session.id, step)
        waiting = tuple(
            m.person_id
            for m in active_experts(members)
            if m.person_id not in given and m.person_id in visible
        )
    seats = sum(1 for m in members if m.role == "expert" and m.status == "recused")
    warnings = open_warnings(tx, session.id) if phase is Phase.SUMMARY else 0
    return Progress(step, waiting, seats if phase is Phase.DECLARATIONS else 0, warnings)


def require_ready(
    tx: SqliteTx, session: SessionRecord, members: list[MemberRecord], goal: Phase
) -> None:
    """A move made by a person waits for what the phase collects (the venue's own moves happen
    the moment it is complete; a person's move is for when one was marked absent meanwhile)."""
    every = {m.person_id for m in members}
    now = progress(tx, session, members, every)
    names = {m.person_id: m.name for m in members}
    if now.waiting_for and goal is not Phase.CLOSED:
        who = "、".join(names.get(p, p) for p in now.waiting_for)
        raise Conflict(
            f"still waiting for {len(now.waiting_for)} expert(s): {', '.join(now.waiting_for)}",
            f"还在等待 {len(now.waiting_for)} 位专家：{who}",
            code="not_ready",
            details={"waiting_for": list(now.waiting_for)},
        )
    if now.open_seats:
        raise Conflict(
            f"{now.open_seats} recused expert(s) not replaced yet",
            f"有 {now.open_seats} 位回避的专家尚未补选",
            code="not_ready",
        )
    if now.open_warnings and goal is Phase.REPORT_SIGNING:
        raise Conflict(
            f"{now.open_warnings} collusion warning(s) not decided by the committee yet",
            f"还有 {now.open_warnings} 条围标串标预警尚未处理",
            code="not_ready",
        )
