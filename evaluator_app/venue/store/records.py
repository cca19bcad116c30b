"""Rows of the venue store as frozen records, shared by every store backend."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionRecord:
    id: str
    title: str
    project_json: str
    lot_id: str
    main_venue: str
    phase: str
    paused_in: str | None
    leader_id: str | None
    scheduled_start: str | None
    phase_since: str
    created_at: str
    created_by: str
    packages: str = "[]"  # JSON: the bid packages (BidPackageInput) for the collusion analysis


@dataclass(frozen=True)
class MemberRecord:
    session_id: str
    person_id: str
    name: str
    role: str  # expert, supervisor, centre
    venue: str
    seat: str
    status: str  # assigned, recused, absent, replaced
    organisation: str = ""
    city: str = ""


@dataclass(frozen=True)
class PersonRecord:
    person_id: str
    name: str
    role: str
    venue: str
    organisation: str = ""
    city: str = ""


@dataclass(frozen=True)
class WorkstationRecord:
    id: str
    venue: str
    seat: str
    enrolment_hash: str | None
    cert_sha256: str | None
    enrolled_at: str | None


@dataclass(frozen=True)
class TokenRecord:
    token_hash: str
    person_id: str
    workstation_id: str
    role: str
    expires_at: str


@dataclass(frozen=True)
class ArtefactRecord:
    id: int
    session_id: str
    kind: str
    person_id: str
    version: int
    idempotency_key: str
    content: bytes
    signature: bytes
    pdf: bytes | None
    content_sha256: str
    status: str  # accepted, returned
    receipt: bytes | None
    receipt_signature: bytes | None
    accepted_at: str


@dataclass(frozen=True)
class DraftRecord:
    session_id: str
    person_id: str
    revision: int
    content: str
    updated_at: str


@dataclass(frozen=True)
class DocumentRecord:
    session_id: str
    doc_id: str
    sha256: str
    size: int
    title: str
    bidder_id: str | None


@dataclass(frozen=True)
class EventRecord:
    seq: int
    session_id: str | None
    kind: str
    audience: str  # all, staff, person:<id>
    payload: str  # JSON
    at: str


@dataclass(frozen=True)
class PresenceRecord:
    session_id: str
    person_id: str
    presence: str  # focused, idle, away, offline
    items_scored: int
    last_beat: float  # epoch seconds of the last heartbeat (any worker)
    last_activity: str  # ISO, for display
    alerted: str = ""  # alerts raised during this absence, comma-separated
