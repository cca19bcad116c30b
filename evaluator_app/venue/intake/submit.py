"""Accepting one signed artefact of any kind, as the registry (:mod:`protocol.kinds`) says.

The registry names who may sign a kind and in which phases; this module checks both, the
signature (and the exact PDF of a score sheet), then runs the kind's rule
(:mod:`venue.intake.rules`) inside one write transaction and answers with the receipt.
"""

from __future__ import annotations

import logging

from evaluator_app.core.phases import PHASE_ORDER
from evaluator_app.protocol.artefacts import ScoreSheet
from evaluator_app.protocol.kinds import KINDS, ArtefactKind
from evaluator_app.protocol.messages import SignedReceipt, SignedUpload
from evaluator_app.venue.access.auth import require
from evaluator_app.venue.checkpoints import checkpoint
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Conflict
from evaluator_app.venue.http import Caller
from evaluator_app.venue.intake.accept import (
    accept,
    existing_receipt,
    verify_upload,
)
from evaluator_app.venue.intake.rules import AFTER, RULES
from evaluator_app.venue.intake.sheet_pdf import verify_sheet_pdf
from evaluator_app.venue.sessions.access import load
from evaluator_app.venue.store.records import (
    ArtefactRecord,
    EventRecord,
    SessionRecord,
)
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)


def _need_phase(session: SessionRecord, kind: ArtefactKind) -> None:
    if kind.phases is None:  # accepted at any time, paused or not
        return
    if session.paused_in is not None:
        raise Conflict(
            f"the session is paused; a {kind.label_en} waits until it resumes",
            "评标已暂停，恢复后再提交",
            code="paused",
        )
    if session.phase not in {p.value for p in kind.phases}:
        expected = ", ".join(p.value for p in PHASE_ORDER if p in kind.phases)
        raise Conflict(
            f"a {kind.label_en} belongs to phase {expected}; the session is in {session.phase}",
            f"当前阶段（{session.phase}）不能提交{kind.label_zh}",
            code="wrong_phase",
        )


async def submit(
    venue: Venue, caller: Caller, session_id: str, kind_name: str, upload: SignedUpload
) -> tuple[SignedReceipt, bool]:
    """Accept one signed artefact; returns the receipt and whether the phase moved on."""
    kind = KINDS[kind_name]
    retry = await existing_receipt(venue, caller, upload)
    if retry is not None:
        return retry, False
    require(caller, *sorted(kind.roles, key=lambda r: r.value))
    body, signed_by = await verify_upload(venue, caller, upload, kind)
    if kind.with_pdf and isinstance(body, ScoreSheet):  # its PDF comes along, bound both ways
        await verify_sheet_pdf(
            bytes(upload.pdf) if upload.pdf is not None else None,
            signed_by,
            body,
            venue.read_sheet_pdf,
        )
    rule = RULES[kind.name]
    moved = False

    def work(tx: SqliteTx) -> tuple[ArtefactRecord, list[EventRecord]]:
        nonlocal moved
        session, members = load(tx, caller, session_id)
        _need_phase(session, kind)
        stored, events, session_after = rule(tx, venue, caller, session, members, body, upload)
        moved = session_after.phase != session.phase
        return stored, events

    receipt = await accept(venue, caller, upload, session_id, work)
    if moved:
        await checkpoint(venue)
    after = AFTER.get(kind.name)
    if after is not None:
        await after(venue, session_id)
    logger.info(
        "accepted %s from %s in %s (ca %s)",
        kind.name,
        caller.person_id,
        session_id,
        signed_by.ca_name,
    )
    return receipt, moved
