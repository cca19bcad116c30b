"""Request and response bodies of the venue API (``/api/v1``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from evaluator_app.protocol.schema import B64


class Role(str, enum.Enum):
    EXPERT = "expert"
    SUPERVISOR = "supervisor"
    CENTRE = "centre"


class Presence(str, enum.Enum):
    FOCUSED = "focused"
    IDLE = "idle"
    AWAY = "away"
    OFFLINE = "offline"


# -- login ------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginChallenge:
    nonce: str
    venue_id: str
    tls_cert_sha256: str  # of the venue's TLS certificate, as the venue sees it
    expires_at: str


@dataclass(frozen=True)
class LoginRequest:
    """``statement`` is the canonical JSON of a ``login`` artefact; ``signature`` CMS over it."""

    statement: B64
    signature: B64


@dataclass(frozen=True)
class LoginStatement:
    nonce: str
    venue_id: str
    tls_cert_sha256: str
    workstation_id: str
    time: str


@dataclass(frozen=True)
class LoginResult:
    token: str
    person_id: str
    name: str
    role: Role
    venue: str
    workstation_id: str
    seat: str
    expires_at: str


@dataclass(frozen=True)
class EnrolRequest:
    workstation_id: str
    enrolment_code: str


# -- sessions ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MemberInput:
    person_id: str
    role: Role
    venue: str
    seat: str = ""


@dataclass(frozen=True)
class DocumentInput:
    doc_id: str
    title: str
    sha256: str
    size: int
    bidder_id: str | None = None


@dataclass(frozen=True)
class BillLineInput:
    code: str
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class BidPackageInput:
    """What the bid-authoring tool recorded in a bidder's bid package (for collusion warnings)."""

    bidder_id: str
    mac: str = ""
    disk_serial: str = ""
    cpu_id: str = ""
    upload_ip: str = ""
    bill_of_quantities: tuple[BillLineInput, ...] = ()


@dataclass(frozen=True)
class CreateSession:
    session_id: str
    title: str
    project: dict[str, Any]  # the project file (core.project_file), validated field by field
    lot_id: str
    main_venue: str
    members: tuple[MemberInput, ...]
    documents: tuple[DocumentInput, ...] = ()
    scheduled_start: str | None = None
    packages: tuple[BidPackageInput, ...] = ()


def in_committee(role: str, status: str) -> bool:
    """A member counts in the committee: an expert still assigned (not recused, replaced,
    absent)."""
    return role == Role.EXPERT.value and status == "assigned"


@dataclass(frozen=True)
class MemberView:
    person_id: str
    name: str
    role: Role
    venue: str
    seat: str
    status: str

    @property
    def in_committee(self) -> bool:
        return in_committee(self.role.value, self.status)

    @property
    def left_committee(self) -> bool:
        """Recused or replaced: takes no further part (an expert marked absent may still come)."""
        return self.status in ("recused", "replaced")


@dataclass(frozen=True)
class Progress:
    """What the current phase still waits for, computed by the venue from the record.

    ``step``: the artefact the phase collects ("declaration", "leader_vote", "gate_votes",
    "score_sheet", "report_signature", or "" when it collects none); ``waiting_for``: the active
    experts (person ids, of those the caller may see) who have not given it yet; ``open_seats``:
    recused experts not yet replaced; ``open_warnings``: collusion warnings the leader has not
    decided (they go into the report).
    """

    step: str = ""
    waiting_for: tuple[str, ...] = ()
    open_seats: int = 0
    open_warnings: int = 0


@dataclass(frozen=True)
class SessionView:
    id: str
    title: str
    lot_id: str
    main_venue: str
    phase: str
    paused: bool
    paused_in: str | None
    leader_id: str | None
    scheduled_start: str | None
    phase_since: str
    venues: tuple[str, ...]
    members: tuple[MemberView, ...]
    progress: Progress | None = None  # in the view of one session (GET /sessions/{sid})
    # the committee comes from a sealed expert draw attached to the session: a recused expert's
    # substitute is seated by the centre's replacement draw, not added by hand. Said by the view
    # of one session (GET /sessions/{sid}); None in the other answers (they do not say)
    drawn: bool | None = None

    @property
    def committee(self) -> tuple[MemberView, ...]:
        """The experts who count, as the venue counts them (protocol.evaluation too)."""
        return tuple(m for m in self.members if m.in_committee)

    def member(self, person_id: str | None) -> MemberView | None:
        return next((m for m in self.members if m.person_id == person_id), None)


@dataclass(frozen=True)
class SessionList:
    """``GET /sessions``: the sessions the caller may see."""

    sessions: tuple[SessionView, ...]


@dataclass(frozen=True)
class PhaseChange:
    target: str
    reason: str = ""


@dataclass(frozen=True)
class PauseRequest:
    reason: str


@dataclass(frozen=True)
class Broadcast:
    message: str


@dataclass(frozen=True)
class MarkAbsent:
    person_id: str
    reason: str


# -- signed uploads ---------------------------------------------------------------------
@dataclass(frozen=True)
class SignedUpload:
    """A signed artefact: canonical JSON ``content``, detached CMS ``signature`` over it."""

    idempotency_key: str
    content: B64
    signature: B64
    pdf: B64 | None = None  # the PAdES-signed PDF of a score sheet


@dataclass(frozen=True)
class SignedHead:
    """A signed tree head of the venue's transparency log: its canonical JSON and CMS."""

    content: B64
    signature: B64


@dataclass(frozen=True)
class CosignatureUpload:
    """A witness's cosignature of a tree head: canonical JSON and the witness's CMS."""

    content: B64
    signature: B64


@dataclass(frozen=True)
class CosignRequest:
    """The main venue asks a witness to countersign ``tree_head``; ``consistency`` proves it
    extends the head of ``from_size`` entries the venue believes the witness last countersigned
    (0: none yet)."""

    tree_head: SignedHead
    from_size: int
    consistency: tuple[str, ...] = ()  # hex SHA-256 nodes, RFC 9162 §2.1.4


@dataclass(frozen=True)
class Receipt:
    """What the venue signs back: the artefact it accepted, by hash, and the proof that its
    acceptance is in the venue's transparency log (entry ``audit_seq``, a signed tree head
    covering it, the RFC 9162 inclusion proof from the entry's leaf to the head's root)."""

    venue_id: str
    session_id: str
    artefact_id: int
    kind: str
    person_id: str
    version: int
    content_sha256: str
    accepted_at: str
    person_name: str
    audit_seq: int
    entry_hash: str
    tree_head: SignedHead
    inclusion_proof: tuple[str, ...]  # hex, leaf to root


@dataclass(frozen=True)
class SignedReceipt:
    receipt: B64  # canonical JSON of a Receipt artefact
    signature: B64  # CMS by the venue key


# -- drafts and presence ----------------------------------------------------------------
@dataclass(frozen=True)
class DraftPut:
    revision: int  # the client's counter: the venue keeps the highest
    content: dict[str, Any]


@dataclass(frozen=True)
class DraftView:
    revision: int
    content: dict[str, Any]
    updated_at: str


@dataclass(frozen=True)
class Heartbeat:
    session_id: str
    presence: Presence
    items_scored: int = 0


# -- events -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Event:
    seq: int
    session_id: str | None
    kind: str
    payload: dict[str, Any]
    at: str


@dataclass(frozen=True)
class EventPage:
    events: tuple[Event, ...]
    last_seq: int


@dataclass(frozen=True)
class ErrorBody:
    code: str
    message: str
    message_zh: str
    details: dict[str, Any] = field(default_factory=dict)


# -- checking a sheet before signing -----------------------------------------------------
@dataclass(frozen=True)
class SheetFlag:
    """A deviation flag (评分畸高畸低) a sheet raises against the accepted ones (core.deviation)."""

    expert_id: str
    bidder_id: str
    item_id: str
    score: Decimal
    others_mean: Decimal
    difference: Decimal  # score − others_mean: positive when high, negative when low
    limit: Decimal
    explained: bool  # the sheet carries a written explanation for it

    @property
    def key(self) -> tuple[str, str]:
        return (self.bidder_id, self.item_id)


@dataclass(frozen=True)
class SheetCheckView:
    """``POST /sessions/{sid}/sheets/check``: the bidders a sheet scores, and its flags."""

    valid_bidders: tuple[str, ...]
    flags: tuple[SheetFlag, ...]

    @property
    def unexplained(self) -> tuple[SheetFlag, ...]:
        return tuple(f for f in self.flags if not f.explained)
