"""After the scores: a member's dissent from the report, the leader's decision on a
collusion warning, and a supervisor's witness note at any time.
"""

from __future__ import annotations

import json

from evaluator_app.protocol.artefacts import (
    ReportDissent,
    WarningDecision,
    WitnessNote,
)
from evaluator_app.protocol.messages import SignedUpload
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Conflict, Forbidden, Unprocessable
from evaluator_app.venue.http import Caller
from evaluator_app.venue.intake.accept import (
    new_record,
    record_acceptance,
)
from evaluator_app.venue.intake.rules.common import (
    Result,
    _need_member,
    _same_session,
    rule,
)
from evaluator_app.venue.results import report, report_signatures
from evaluator_app.venue.store.records import (
    MemberRecord,
    SessionRecord,
)
from evaluator_app.venue.store.sqlite import SqliteTx


async def _render_report(venue: Venue, session_id: str) -> None:
    await report.ensure_report(venue, session_id)


@rule("dissent", after=_render_report)
def _dissent(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: ReportDissent,
    upload: SignedUpload,
) -> Result:
    _same_session(body.session_id, body.expert_id, session.id, caller)
    _need_member(members, caller)
    if caller.person_id not in report.status(tx, session.id, members)["pending"]:
        raise Conflict(
            "you have already signed the report or recorded a dissent",
            "您已签署报告或已提交不同意见",
            code="already_submitted",
        )
    if not body.reasons.strip():
        raise Unprocessable(
            "a dissent needs written reasons", "持不同意见须写明理由", code="missing_reason"
        )
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, session.id, "dissent", upload)
    )
    report.invalidate(tx, session.id)  # rendered again with the dissent while nobody has signed
    events = [event, *report_signatures.close_if_done(tx, venue, session, members)]
    return stored, events, session


@rule("warning_decision")
def _warning_decision(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: WarningDecision,
    upload: SignedUpload,
) -> Result:
    from evaluator_app.venue.collusion import service as collusion_service

    _same_session(body.session_id, body.expert_id, session.id, caller)
    if session.leader_id != caller.person_id:
        raise Forbidden(
            "the committee's leader records its decision on a warning",
            "由评标委员会组长记录委员会对预警的处理意见",
            code="not_leader",
        )
    row = tx.collusion(session.id)
    known = (
        {w["id"] for w in json.loads(row["result"])["warnings"]} if row and row["result"] else set()
    )
    if body.warning_id not in known:
        raise Unprocessable(
            "no such warning in this session", "本会话没有这条预警", code="no_warning"
        )
    if body.decision not in collusion_service.DECISIONS or not body.reasons.strip():
        raise Unprocessable(
            "decision must be confirmed, dismissed or noted, with reasons",
            "处理意见须为确认、排除或备注，并写明理由",
            code="invalid_decision",
        )
    stored, event = record_acceptance(
        tx,
        venue,
        new_record(venue, caller, session.id, "warning_decision", upload),
        extra={"warning": body.warning_id, "decision": body.decision},
    )
    return stored, [event], session


@rule("witness_note")
def _witness(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: WitnessNote,
    upload: SignedUpload,
) -> Result:
    if body.session_id != session.id or body.supervisor_id != caller.person_id:
        raise Unprocessable(
            "the note must name this session and you",
            "见证记录须注明本会话和您本人",
            code="wrong_session",
        )
    if not body.text.strip():
        raise Unprocessable("the note is empty", "见证记录不能为空", code="empty")
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, session.id, "witness_note", upload), audience="staff"
    )
    return stored, [event], session
