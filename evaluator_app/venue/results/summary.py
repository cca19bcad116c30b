"""The summary (汇总) computed by ``core`` from accepted sheets; returning a sheet; drafts."""

from __future__ import annotations

import json
from typing import Any

from evaluator_app.core.phases import SUMMARY_PHASES, Phase, advance, values
from evaluator_app.core.phases import Role as PhaseRole
from evaluator_app.protocol.artefacts import ScoreSheet
from evaluator_app.protocol.messages import DraftPut, DraftView, Role, SheetCheckView, SheetFlag
from evaluator_app.venue.access.auth import require
from evaluator_app.venue.access.visibility import active_experts
from evaluator_app.venue.checkpoints import checkpoint
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Conflict, Forbidden, NotFound, PayloadTooLarge
from evaluator_app.venue.http import Caller
from evaluator_app.venue.results import scoring_rules
from evaluator_app.venue.sessions.access import load, project_of
from evaluator_app.venue.sessions.lifecycle import apply_state, publish, state_of
from evaluator_app.venue.store.records import DraftRecord, EventRecord
from evaluator_app.venue.store.sqlite import SqliteTx

MAX_DRAFT_BYTES = 1_000_000


async def summary(venue: Venue, caller: Caller, session_id: str) -> dict[str, Any]:
    """Scores are shown to nobody before the summary phase (supervisors included)."""

    def work(tx: SqliteTx) -> dict[str, Any]:
        session, members = load(tx, caller, session_id)
        phase = session.paused_in or session.phase
        if phase not in values(SUMMARY_PHASES):
            raise Forbidden(
                "scores are not shown before the summary phase",
                "汇总阶段之前不公开评分",
                code="before_summary",
            )
        lot = project_of(session).lot(session.lot_id)
        evaluation = scoring_rules.evaluation(lot, tx, session_id, active_experts(members))
        return scoring_rules.published_summary(evaluation)

    return await venue.store.tx(work)


# where the session stands after a return: a retried return finds it here
_RETURNED_TO = frozenset({Phase.DETAILED_SCORING.value, Phase.SUMMARY.value})


async def return_sheet(
    venue: Venue, caller: Caller, session_id: str, expert_id: str, reason: str
) -> None:
    """The leader returns an accepted sheet; the expert signs a new version; both stay on record."""
    require(caller, Role.EXPERT)

    def work(tx: SqliteTx) -> list[EventRecord]:
        session, members = load(tx, caller, session_id)
        if session.leader_id != caller.person_id:
            raise Forbidden(
                "only the committee leader returns sheets",
                "只有评标委员会组长可以退回评分表",
                code="not_leader",
            )
        sheets = tx.artefacts(session_id, "score_sheet", expert_id)
        if sheets and sheets[-1].status == "returned" and session.phase in _RETURNED_TO:
            # a retry of the return that was done (the answer lost in a crash): same answer,
            # nothing recorded twice; a sheet signed again since is returned anew
            return []
        if session.paused_in is not None or session.phase != Phase.SUMMARY.value:
            raise Conflict(
                "sheets are returned during the summary",
                "只能在汇总阶段退回评分表",
                code="wrong_phase",
            )
        sheet = next(
            (
                a
                for a in tx.artefacts(session_id, "score_sheet", expert_id)
                if a.status == "accepted"
            ),
            None,
        )
        if sheet is None:
            raise NotFound(
                f"no accepted sheet of {expert_id}",
                f"{next((m.name for m in members if m.person_id == expert_id), expert_id)}"
                " 没有已接收的评分表",
                code="no_sheet",
            )
        tx.set_artefact_status(sheet.id, "returned")
        now = venue.now_iso()
        tx.append_audit(
            now,
            caller.person_id,
            "score_sheet.return",
            session_id,
            {"artefact": sheet.id, "expert": expert_id, "reason": reason},
        )
        events = [
            tx.append_event(
                session_id,
                "score_sheet.returned",
                "all",
                {"expert": expert_id, "reason": reason, "artefact": sheet.id},
                now,
            )
        ]
        state = advance(state_of(session), Phase.DETAILED_SCORING, PhaseRole.LEADER)
        name = next((m.name for m in members if m.person_id == expert_id), expert_id)
        _, moved = apply_state(
            tx,
            venue,
            session,
            state,
            caller.person_id,
            f"sheet of {expert_id} returned: {reason}",
            f"{name} 的评分表被退回：{reason}",
        )
        return [*events, moved]

    await publish(venue, await venue.store.tx(work))
    await checkpoint(venue)


async def put_draft(venue: Venue, caller: Caller, session_id: str, draft: DraftPut) -> DraftView:
    """Keep the highest revision: an expert who moves to another seat continues from it."""
    require(caller, Role.EXPERT)
    text = json.dumps(draft.content, ensure_ascii=False, sort_keys=True)
    if len(text.encode()) > MAX_DRAFT_BYTES:
        raise PayloadTooLarge("the draft is too large", "草稿过大", code="too_large")

    def work(tx: SqliteTx) -> DraftView:
        load(tx, caller, session_id)
        current = tx.draft(session_id, caller.person_id)
        if current is not None and current.revision >= draft.revision:
            return DraftView(current.revision, json.loads(current.content), current.updated_at)
        now = venue.now_iso()
        tx.put_draft(DraftRecord(session_id, caller.person_id, draft.revision, text, now))
        return DraftView(draft.revision, draft.content, now)

    return await venue.store.tx(work)


async def get_draft(venue: Venue, caller: Caller, session_id: str) -> DraftView:
    require(caller, Role.EXPERT)

    def work(tx: SqliteTx) -> DraftView:
        load(tx, caller, session_id)
        current = tx.draft(session_id, caller.person_id)
        if current is None:
            raise NotFound("no draft yet", "尚无草稿", code="no_draft")
        return DraftView(current.revision, json.loads(current.content), current.updated_at)

    return await venue.store.tx(work)


async def project(venue: Venue, caller: Caller, session_id: str) -> dict[str, Any]:
    """The project file of the session (plan, lot, bidders): every member needs it to work."""

    def work(tx: SqliteTx) -> dict[str, Any]:
        session, _members = load(tx, caller, session_id)
        return {"lot_id": session.lot_id, "project": json.loads(session.project_json)}

    return await venue.store.tx(work)


async def check_sheet(
    venue: Venue, caller: Caller, session_id: str, sheet: ScoreSheet
) -> SheetCheckView:
    """Before signing: is the sheet complete and within the rules, and which deviation flags
    does it raise against the sheets already accepted? Nothing is stored."""
    require(caller, Role.EXPERT)

    def work(tx: SqliteTx) -> SheetCheckView:
        session, members = load(tx, caller, session_id)
        if sheet.session_id != session_id or sheet.expert_id != caller.person_id:
            raise Forbidden(
                "the sheet names another session or person",
                "评分表中的会话或人员不符",
                code="wrong_session",
            )
        lot = project_of(session).lot(session.lot_id)
        evaluation = scoring_rules.evaluation(lot, tx, session_id, active_experts(members))
        valid, flags = scoring_rules.sheet_against(evaluation, sheet)
        explained = {(e.bidder_id, e.item_id) for e in sheet.explanations if e.text.strip()}
        return SheetCheckView(
            tuple(valid),
            tuple(
                SheetFlag(
                    f.expert_id,
                    f.bidder_id,
                    f.item_id,
                    f.score,
                    f.others_mean,
                    f.difference,
                    f.limit,
                    f.key in explained,
                )
                for f in flags
            ),
        )

    return await venue.store.tx(work)


async def gates(venue: Venue, caller: Caller, session_id: str) -> dict[str, Any]:
    """The preliminary review's outcome, once every expert's gate votes are in."""

    def work(tx: SqliteTx) -> dict[str, Any]:
        session, members = load(tx, caller, session_id)
        lot = project_of(session).lot(session.lot_id)
        result = scoring_rules.gate_result(lot, tx, session_id, active_experts(members))
        return scoring_rules.gate_summary(result)

    return await venue.store.tx(work)


async def my_sheets(venue: Venue, caller: Caller, session_id: str) -> dict[str, Any]:
    """The versions of the caller's own score sheet (so the client knows which it signs next)."""
    require(caller, Role.EXPERT)

    def work(tx: SqliteTx) -> dict[str, Any]:
        load(tx, caller, session_id)
        mine = tx.artefacts(session_id, "score_sheet", caller.person_id)
        return {
            "versions": [
                {"version": a.version, "status": a.status, "accepted_at": a.accepted_at}
                for a in mine
            ]
        }

    return await venue.store.tx(work)
