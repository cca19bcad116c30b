"""The centre's signed document manifest: exactly the documents the session holds."""

from __future__ import annotations

import json

from evaluator_app.protocol.artefacts import DocumentManifest
from evaluator_app.protocol.messages import SignedUpload
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import BadRequest
from evaluator_app.venue.http import Caller
from evaluator_app.venue.intake.accept import new_record, record_acceptance
from evaluator_app.venue.intake.rules.common import Result, rule
from evaluator_app.venue.store.records import MemberRecord, SessionRecord
from evaluator_app.venue.store.sqlite import SqliteTx


async def _look_for_collusion(venue: Venue, session_id: str) -> None:
    from evaluator_app.venue.collusion import service  # every document is in: look for collusion

    service.start(venue, session_id)


@rule("document_manifest", after=_look_for_collusion)
def _document_manifest(
    tx: SqliteTx,
    venue: Venue,
    caller: Caller,
    session: SessionRecord,
    members: list[MemberRecord],
    body: DocumentManifest,
    upload: SignedUpload,
) -> Result:
    sid = session.id
    listed = json.loads(bytes(upload.content)).get("documents")
    held = [
        {
            "doc_id": d.doc_id,
            "sha256": d.sha256,
            "size": d.size,
            "title": d.title,
            "bidder_id": d.bidder_id,
        }
        for d in tx.documents(sid)
    ]
    if json.loads(bytes(upload.content)).get("session_id") != sid or listed != held:
        raise BadRequest(
            "the manifest does not list exactly this session's documents",
            "文件清单与本会话文件不一致",
            code="manifest_mismatch",
        )
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, sid, "document_manifest", upload)
    )
    return stored, [event], session
