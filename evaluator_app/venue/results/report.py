"""The evaluation report (评标报告): revision 0, rendered by the venue at report signing.

Revision 0 is the PDF the venue renders from the published summary, outside the store's
write transactions (:func:`ensure_report`). A member who will not sign files a signed dissent
with written reasons instead (required by law); while nobody has signed yet, the report is
rendered again so that the dissent appears in it. Signing: :mod:`report_signatures`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evaluator_app.core.phases import REPORT_PHASES, values
from evaluator_app.core.plan import Lot, Project
from evaluator_app.drawcheck.section import draw_summary
from evaluator_app.protocol.artefacts import ScoreSheet
from evaluator_app.reports.evaluation_report import (
    CommitteeMember,
    Dissent,
    Recusal,
    render_evaluation_report,
)
from evaluator_app.venue.access.visibility import active_experts
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Forbidden, NotFound
from evaluator_app.venue.http import Caller
from evaluator_app.venue.results import scoring_rules
from evaluator_app.venue.sessions.access import load, project_of
from evaluator_app.venue.sessions.draw import bundle_files
from evaluator_app.venue.store.records import MemberRecord, SessionRecord
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)


def _dissents(tx: SqliteTx, session_id: str, members: list[MemberRecord]) -> list[Dissent]:
    names = {m.person_id: m.name for m in members}
    out = []
    for artefact in tx.artefacts(session_id, "dissent"):
        body = json.loads(artefact.content)
        out.append(
            Dissent(
                artefact.person_id,
                names.get(artefact.person_id, artefact.person_id),
                body["reasons"],
            )
        )
    return out


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report is rendered from, read in one transaction."""

    project: Project
    lot: Lot
    summary: dict[str, Any]
    session_title: str
    committee: tuple[CommitteeMember, ...]
    generated_at: str
    recusals: tuple[Recusal, ...]
    sheets: tuple[ScoreSheet, ...]
    dissents: tuple[Dissent, ...]
    session_id: str
    warnings: tuple[dict[str, Any], ...]
    draw: dict[str, Any] | None = None  # the 专家抽取记录, when the committee was drawn


def report_inputs(
    tx: SqliteTx,
    session: SessionRecord,
    members: list[MemberRecord],
    venue_names: Mapping[str, str] | None = None,
) -> ReportInputs:
    project = project_of(session)
    lot = project.lot(session.lot_id)
    committee = active_experts(members)
    evaluation = scoring_rules.evaluation(lot, tx, session.id, committee)
    people = [
        CommitteeMember(
            m.person_id,
            m.name,
            _venue_label(m.venue, session.main_venue, venue_names or {}),
            leader=m.person_id == session.leader_id,
        )
        for m in committee
    ]
    recusals = []
    for artefact in tx.artefacts(session.id, "declaration"):
        body = json.loads(artefact.content)
        if body.get("conflict"):
            name = next(
                (m.name for m in members if m.person_id == artefact.person_id), artefact.person_id
            )
            recusals.append(Recusal(artefact.person_id, name, body.get("reason", "")))
    return ReportInputs(
        project,
        lot,
        scoring_rules.published_summary(evaluation),
        session.title,
        tuple(people),
        session.phase_since,
        tuple(recusals),
        evaluation.sheets,
        tuple(_dissents(tx, session.id, members)),
        session.id,
        tuple(_warnings(tx, session.id)),
        _with_venue_names(draw_summary(bundle_files(tx, session.id)), venue_names or {}),
    )


def _with_venue_names(
    draw: dict[str, Any] | None, names: Mapping[str, str]
) -> dict[str, Any] | None:
    return None if draw is None else {**draw, "venue_names": dict(names)}


def _venue_label(venue_id: str, main_venue: str, names: Mapping[str, str]) -> str:
    """'济南主场' / '淄博副场', as the windows say it; the id only when the config has no name."""
    if venue_id not in names:
        logger.warning("no name for venue %r: add it to [venue_names] in venue.toml", venue_id)
        return venue_id
    return names[venue_id] + ("主场" if venue_id == main_venue else "副场")


def render_report(inputs: ReportInputs) -> bytes:
    return render_evaluation_report(
        inputs.project,
        inputs.lot,
        inputs.summary,
        session_title=inputs.session_title,
        committee=inputs.committee,
        generated_at=inputs.generated_at,
        recusals=inputs.recusals,
        sheets=inputs.sheets,
        dissents=inputs.dissents,
        session_id=inputs.session_id,
        warnings=inputs.warnings,
        draw=inputs.draw,
    )


def _warnings(tx: SqliteTx, session_id: str) -> list[dict[str, Any]]:
    from evaluator_app.venue.collusion.service import decisions

    row = tx.collusion(session_id)
    found = json.loads(row["result"])["warnings"] if row and row["result"] else []
    made = decisions(tx, session_id)
    return [{**w, "decision": made.get(w["id"])} for w in found]


def _signed(tx: SqliteTx, session_id: str) -> bool:
    return any(kind == "signature" for _, kind, _, _ in tx.report_revisions(session_id))


def invalidate(tx: SqliteTx, session_id: str) -> None:
    """Inside a write: revision 0 no longer shows what it should (a dissent came in); while
    nobody has signed, drop it, so that nobody can sign it before it is rendered again."""
    if not _signed(tx, session_id):
        tx.delete_report(session_id)


async def ensure_report(venue: Venue, session_id: str) -> None:
    """Render revision 0 if the session has none, outside any write transaction.

    The inputs are read in one transaction, reportlab runs in a worker thread, and the PDF is
    stored only if there is still no report: the store's single thread never waits for the
    rendering, and two requests that render at once store one report.
    """

    def read(tx: SqliteTx) -> ReportInputs | None:
        session = tx.session(session_id)
        if session is None or tx.report_pdf(session_id) is not None or _signed(tx, session_id):
            return None
        if (session.paused_in or session.phase) not in values(REPORT_PHASES):
            return None
        return report_inputs(tx, session, tx.members(session_id), venue.config.names)

    inputs = await venue.store.tx(read)
    if inputs is None:
        return
    pdf = await asyncio.to_thread(render_report, inputs)

    def store(tx: SqliteTx) -> None:
        if tx.report_pdf(session_id) is not None or _signed(tx, session_id):
            return
        if tuple(_dissents(tx, session_id, tx.members(session_id))) != inputs.dissents:
            raise _Changed  # a dissent came in while rendering: render again
        now = venue.now_iso()
        tx.add_report_revision(session_id, 0, "generated", "venue", pdf, now)
        tx.append_audit(now, "venue", "report.generate", session_id, {"bytes": len(pdf)})

    try:
        await venue.store.tx(store)
    except _Changed:
        await ensure_report(venue, session_id)


class _Changed(Exception):
    """What a report is rendered from changed while it was rendered."""


def status(tx: SqliteTx, session_id: str, members: list[MemberRecord]) -> dict[str, Any]:
    revisions = tx.report_revisions(session_id)
    signed = [person for _, kind, person, _ in revisions if kind == "signature"]
    dissented = [a.person_id for a in tx.artefacts(session_id, "dissent")]
    committee = [m.person_id for m in active_experts(members)]
    return {
        "revision": revisions[-1][0] if revisions else None,
        "signed": signed,
        "dissented": dissented,
        "pending": [p for p in committee if p not in signed and p not in dissented],
    }


async def get_report(venue: Venue, caller: Caller, session_id: str) -> dict[str, Any]:
    def work(tx: SqliteTx) -> dict[str, Any] | None:
        session, members = load(tx, caller, session_id)
        if (session.paused_in or session.phase) not in values(REPORT_PHASES):
            raise Forbidden(
                "the report exists from the report-signing phase on",
                "评标报告在签署阶段生成",
                code="before_report",
            )
        latest = tx.report_pdf(session_id)
        if latest is None:
            return None
        return {**status(tx, session_id, members), "pdf": base64.b64encode(latest[1]).decode()}

    found = await venue.store.tx(work)
    if found is None:  # not rendered yet (just entered report signing, or a dissent came in)
        await ensure_report(venue, session_id)
        found = await venue.store.tx(work)
    if found is None:
        raise NotFound("no report yet", "尚未生成评标报告", code="no_report")
    return found
