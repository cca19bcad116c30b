"""How the committee forms: declarations (承诺书/回避), then the leader election.

All declared → leader election; a leader elected → preliminary review: each acceptance
may move the session on by itself (the ``system`` role of the phase machine).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

from evaluator_app.core.phases import Phase
from evaluator_app.protocol.artefacts import (
    Declaration,
    LeaderVote,
)
from evaluator_app.protocol.messages import SignedUpload
from evaluator_app.venue.access.visibility import active_experts
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Conflict, Unprocessable
from evaluator_app.venue.http import Caller
from evaluator_app.venue.intake.accept import (
    new_record,
    record_acceptance,
)
from evaluator_app.venue.intake.rules.common import (
    Result,
    _accepted,
    _need_member,
    _same_session,
    _system_advance,
    rule,
)
from evaluator_app.venue.sessions.access import project_of
from evaluator_app.venue.store.records import (
    MemberRecord,
    SessionRecord,
)
from evaluator_app.venue.store.sqlite import SqliteTx


@rule("declaration")
def _declaration(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: Declaration,
    upload: SignedUpload,
) -> Result:
    _same_session(body.session_id, body.expert_id, session.id, caller)
    member = _need_member(members, caller)
    if any(a.person_id == caller.person_id for a in _accepted(tx, session.id, "declaration")):
        raise Conflict(
            "you have already declared; a signed declaration cannot be changed",
            "您已提交承诺书，已签署的内容不能更改",
            code="already_submitted",
        )
    lot = project_of(session).lot(session.lot_id)
    if sorted(body.bidders) != sorted(b.id for b in lot.bidders):
        raise Unprocessable(
            "the declaration must list exactly this lot's bidders",
            "承诺书所列投标人与本标段不一致",
            code="wrong_bidders",
        )
    if body.conflict and not body.reason.strip():
        raise Unprocessable("a recusal needs a reason", "申请回避须说明理由", code="missing_reason")
    stored, event = record_acceptance(
        tx,
        venue,
        new_record(venue, caller, session.id, "declaration", upload),
        extra={"conflict": body.conflict},
    )
    events = [event]
    if body.conflict:
        tx.upsert_member(replace(member, status="recused"))
        events.append(
            tx.append_event(
                session.id,
                "member",
                "all",
                {"person": caller.person_id, "status": "recused", "reason": body.reason},
                venue.now_iso(),
            )
        )
        events.append(
            tx.append_event(
                session.id,
                "alert",
                "staff",
                {"alert": "recusal", "person": caller.person_id, "reason": body.reason},
                venue.now_iso(),
            )
        )
    declared = {a.person_id for a in _accepted(tx, session.id, "declaration")}
    now_members = tx.members(session.id)
    committee = active_experts(now_members)
    # a recusal leaves a seat open until the centre names a substitute (or moves on itself)
    open_seats = any(m.role == "expert" and m.status == "recused" for m in now_members)
    if committee and not open_seats and all(m.person_id in declared for m in committee):
        session, moved = _system_advance(
            tx,
            venue,
            session,
            Phase.LEADER_ELECTION,
            "every expert has declared",
            "全体专家已签署承诺书",
        )
        events.append(moved)
    return stored, events, session


@rule("leader_vote")
def _leader_vote(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: LeaderVote,
    upload: SignedUpload,
) -> Result:
    _same_session(body.session_id, body.expert_id, session.id, caller)
    _need_member(members, caller)
    committee = {m.person_id for m in active_experts(members)}
    if body.candidate_id not in committee:
        raise Unprocessable(
            "the candidate is not an active expert of this session",
            "候选人不是本会话的在任专家",
            code="bad_candidate",
        )
    if any(a.person_id == caller.person_id for a in _accepted(tx, session.id, "leader_vote")):
        raise Conflict(
            "you have already voted in this round", "您在本轮已投票", code="already_submitted"
        )
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, session.id, "leader_vote", upload), audience="staff"
    )
    events = [event]
    votes = {
        a.person_id: json.loads(a.content)["candidate_id"]
        for a in _accepted(tx, session.id, "leader_vote")
    }
    if set(votes) >= committee:
        counts = Counter(votes.values()).most_common()
        if len(counts) > 1 and counts[0][1] == counts[1][1]:
            for a in _accepted(tx, session.id, "leader_vote"):  # a tie: void the round, vote again
                tx.set_artefact_status(a.id, "void")
            tied = sorted(c for c, n in counts if n == counts[0][1])
            events.append(
                tx.append_event(session.id, "leader.tie", "all", {"tied": tied}, venue.now_iso())
            )
        else:
            leader = counts[0][0]
            tx.set_leader(session.id, leader)
            tx.append_audit(
                venue.now_iso(),
                "venue",
                "leader.elected",
                session.id,
                {"leader": leader, "votes": dict(counts)},
            )
            events.append(
                tx.append_event(
                    session.id,
                    "leader.elected",
                    "all",
                    {"leader": leader, "votes": dict(counts)},
                    venue.now_iso(),
                )
            )
            session, moved = _system_advance(
                tx,
                venue,
                replace(session, leader_id=leader),
                Phase.PRELIMINARY_REVIEW,
                "leader elected",
                "组长已推选产生",
            )
            events.append(moved)
    return stored, events, session
