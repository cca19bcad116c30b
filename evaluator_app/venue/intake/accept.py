"""Accepting a signed artefact: idempotency, canonical form, signature, the receipt.

Who may send a kind and in which phase is in the registry (:mod:`protocol.kinds`), checked by
:mod:`venue.intake.submit`; what each must contain is its rule (:mod:`venue.intake.rules`);
this module is the part every kind shares.
An upload is acknowledged only after its row, audit entry and event are committed; the
receipt is signed afterwards and a retry with the same idempotency key returns it, so a
network drop at any point never makes a duplicate and never loses an acknowledged artefact.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evaluator_app.auditlog.errors import LogError
from evaluator_app.protocol.kinds import ArtefactError, ArtefactKind, read_artefact
from evaluator_app.protocol.messages import Receipt, SignedHead, SignedReceipt, SignedUpload
from evaluator_app.protocol.schema import B64, encode
from evaluator_app.venue.checkpoints import Inclusion, inclusion, inclusion_in
from evaluator_app.venue.context import SignedBy, Venue, sha256_hex
from evaluator_app.venue.errors import BadRequest, Conflict, Forbidden
from evaluator_app.venue.events.hub import publish
from evaluator_app.venue.http import Caller
from evaluator_app.venue.store.records import ArtefactRecord, EventRecord
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)
RECEIPT_KIND = "receipt"


@dataclass(frozen=True)
class Parsed:
    body: Any  # the decoded protocol artefact
    signed_by: SignedBy


def parse_artefact(content: bytes, kind: ArtefactKind) -> Any:
    """Decode canonical JSON of ``kind``; refuse any other kind, version or a non-canonical form."""
    try:
        return read_artefact(content, kind)[1]
    except ArtefactError as exc:
        details = {"field": exc.field} if exc.field else None
        raise BadRequest(exc.message_en, exc.message_zh, details, code=exc.problem.value) from None


async def verify_upload(
    venue: Venue, caller: Caller, upload: SignedUpload, kind: ArtefactKind
) -> tuple[Any, SignedBy]:
    body = parse_artefact(bytes(upload.content), kind)
    signed_by = await venue.verify_signed(
        bytes(upload.content), bytes(upload.signature), purpose="sign"
    )
    if signed_by.identity.person_id != caller.person_id:
        raise Forbidden(
            f"signed by {signed_by.identity.name} ({signed_by.identity.person_id}), but you are "
            f"logged in as {caller.person_id}",
            f"签名人（{signed_by.identity.name}）与登录人不一致",
            code="signer_mismatch",
        )
    return body, signed_by


async def existing_receipt(
    venue: Venue, caller: Caller, upload: SignedUpload
) -> SignedReceipt | None:
    """A retried upload (same idempotency key): its receipt, never a second copy."""
    record = await venue.store.read(lambda tx: tx.artefact_by_key(_scoped_key(caller, upload)))
    if record is None:
        return None
    if record.content_sha256 != sha256_hex(bytes(upload.content)):
        raise Conflict(
            "this idempotency key was already used for different content",
            "该上传编号已用于其他内容，请勿重复使用",
            code="idempotency_conflict",
        )
    return await ensure_receipt(venue, record)


def _scoped_key(caller: Caller, upload: SignedUpload) -> str:
    # keys are per person: one expert cannot collide with (or probe) another's uploads
    return f"{caller.person_id}:{upload.idempotency_key}"


def new_record(
    venue: Venue, caller: Caller, session_id: str, kind: str, upload: SignedUpload, version: int = 1
) -> ArtefactRecord:
    content = bytes(upload.content)
    return ArtefactRecord(
        0,
        session_id,
        kind,
        caller.person_id,
        version,
        _scoped_key(caller, upload),
        content,
        bytes(upload.signature),
        bytes(upload.pdf) if upload.pdf is not None else None,
        sha256_hex(content),
        "accepted",
        None,
        None,
        venue.now_iso(),
    )


def record_acceptance(
    tx: SqliteTx,
    venue: Venue,
    record: ArtefactRecord,
    audience: str = "all",
    extra: dict[str, Any] | None = None,
) -> tuple[ArtefactRecord, EventRecord]:
    """Insert the artefact with its audit entry and event, in the caller's transaction."""
    if len(record.idempotency_key) > 200:
        raise BadRequest(
            "idempotency_key: longer than 150 characters", "上传编号过长", code="invalid_field"
        )
    stored = tx.insert_artefact(record)
    payload = {
        "artefact": stored.id,
        "kind": stored.kind,
        "person": stored.person_id,
        "version": stored.version,
        "sha256": stored.content_sha256,
    }
    tx.append_audit(
        stored.accepted_at, stored.person_id, f"{stored.kind}.accept", stored.session_id, payload
    )
    event = tx.append_event(
        stored.session_id,
        f"{stored.kind}.accepted",
        audience,
        {**payload, **(extra or {})},
        stored.accepted_at,
    )
    return stored, event


async def ensure_receipt(venue: Venue, record: ArtefactRecord) -> SignedReceipt:
    if record.receipt is not None and record.receipt_signature is not None:
        # mypy: B64 only marks bytes that go as base64 on the wire
        return SignedReceipt(record.receipt, record.receipt_signature)  # type: ignore[arg-type]

    def facts(tx: SqliteTx) -> tuple[int | None, str, Inclusion | None]:
        entry, person = tx.acceptance_entry(record.id, record.kind), tx.person(record.person_id)
        seq = entry.seq if entry else None
        # the proof too when a head covers the entry already (under load, most often): one read
        found = inclusion_in(venue, tx, seq) if seq is not None else None
        return seq, (person.name if person else ""), found

    seq, name, proof = await venue.store.read(facts)  # committed rows: no writer lock
    if seq is None:
        raise LogError(
            f"artefact {record.id} has no acceptance in the audit log",
            f"审计日志中没有第 {record.id} 号文件的接收记录",
        )
    if proof is None:
        proof = await inclusion(venue, seq, uncovered=True)  # signs a head that covers it
    receipt = Receipt(
        venue.venue_id,
        record.session_id,
        record.id,
        record.kind,
        record.person_id,
        record.version,
        record.content_sha256,
        record.accepted_at,
        name,
        seq,
        proof.entry_hash,
        SignedHead(B64(proof.head.content), B64(proof.head.signature)),
        tuple(p.hex() for p in proof.proof),
    )
    content, signature = await venue.sign_artefact(RECEIPT_KIND, encode(receipt))
    # the first receipt signed is kept: a retry answered by another worker meanwhile got it too
    kept = await venue.store.tx(
        lambda tx: tx.set_receipt(record.id, content, signature), scope=record.session_id
    )
    # mypy: B64 only marks bytes that go as base64 on the wire
    return SignedReceipt(*kept)  # type: ignore[arg-type]


async def accept(
    venue: Venue,
    caller: Caller,
    upload: SignedUpload,
    session_id: str,
    work: Callable[[SqliteTx], tuple[ArtefactRecord, list[EventRecord]]],
) -> SignedReceipt:
    """Run the kind-specific ``work`` in one transaction, publish its events, sign the receipt.

    ``work`` reads and writes only ``session_id``'s rows: on PostgreSQL it runs beside other
    sessions' uploads until it appends to the chain (PgStore.transaction)."""
    key, digest = _scoped_key(caller, upload), sha256_hex(bytes(upload.content))

    def once(tx: SqliteTx) -> tuple[ArtefactRecord, list[EventRecord]]:
        # checked again inside the transaction: two concurrent retries make one row
        existing = tx.artefact_by_key(key)
        if existing is not None:
            if existing.content_sha256 != digest:
                raise Conflict(
                    "this idempotency key was already used for different content",
                    "该上传编号已用于其他内容",
                    code="idempotency_conflict",
                )
            return existing, []
        return work(tx)

    stored, events = await venue.store.tx(once, scope=session_id)
    await publish(venue, events)
    # no "every N entries" check here: the receipt's proof needs a head covering this entry,
    # and signs one if none does yet
    return await ensure_receipt(venue, stored)
