"""Bodies of the signed artefacts experts and supervisors upload (canonical JSON, versioned).

The ``schema`` stamp ({"kind", "version"}) is added by :func:`core.canonical.artefact`; the
venue checks that an upload's kind matches the route it came by.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal

ARTEFACT_VERSION = 1


@dataclass(frozen=True)
class Declaration:
    """No conflict with any bidder (承诺书), or a recusal (回避) with its reason."""

    session_id: str
    lot_id: str
    expert_id: str
    bidders: tuple[str, ...]  # the bidder ids the expert was shown
    conflict: bool
    reason: str
    pledge_sha256: str  # hash of the pledge text the expert read
    at: str


@dataclass(frozen=True)
class LeaderVote:
    session_id: str
    expert_id: str
    candidate_id: str
    at: str


@dataclass(frozen=True)
class GateVoteEntry:
    bidder_id: str
    item_id: str
    passed: bool
    reason: str = ""


@dataclass(frozen=True)
class GateVotes:
    session_id: str
    lot_id: str
    expert_id: str
    votes: tuple[GateVoteEntry, ...]
    at: str


@dataclass(frozen=True)
class SheetScore:
    bidder_id: str
    item_id: str
    score: Decimal
    comment: str = ""


@dataclass(frozen=True)
class SheetExplanation:
    bidder_id: str
    item_id: str
    text: str


@dataclass(frozen=True)
class ScoreSheet:
    session_id: str
    lot_id: str
    expert_id: str
    phase: str  # always detailed_scoring: a sheet names the phase it belongs to
    version: int  # 1, then 2 after the leader returned it, ...
    scores: tuple[SheetScore, ...]
    explanations: tuple[SheetExplanation, ...]
    at: str
    # SHA-256 (hex) of the unsigned score-sheet PDF the expert was shown and signed: the signed
    # JSON binds the exact PDF (the PDF in turn declares the hash of this JSON with this field
    # empty, see ``sheet_pdf_unbound``). Empty only while the PDF is being rendered.
    pdf_sha256: str = ""


def sheet_pdf_unbound(sheet: ScoreSheet) -> ScoreSheet:
    """The sheet as its PDF is rendered from (and whose hash the PDF declares): no PDF binding."""
    return replace(sheet, pdf_sha256="")


def bind_sheet_pdf(sheet: ScoreSheet, pdf: bytes) -> ScoreSheet:
    """The sheet to sign: bound to the exact bytes of the PDF rendered from it."""
    return replace(sheet, pdf_sha256=hashlib.sha256(pdf).hexdigest())


@dataclass(frozen=True)
class WitnessNote:
    session_id: str
    supervisor_id: str
    venue: str
    text: str
    at: str


@dataclass(frozen=True)
class ManifestEntry:
    doc_id: str
    sha256: str
    size: int
    title: str
    bidder_id: str | None = None


@dataclass(frozen=True)
class DocumentManifest:
    """Signed by the centre: every document of a session by SHA-256 and size, sorted by doc_id."""

    session_id: str
    documents: tuple[ManifestEntry, ...]
    at: str


@dataclass(frozen=True)
class ReportDissent:
    """A member who will not sign the report gives written reasons (required by law)."""

    session_id: str
    expert_id: str
    reasons: str
    at: str


@dataclass(frozen=True)
class WarningDecision:
    """The committee's decision on one collusion warning, recorded and signed by the leader."""

    session_id: str
    expert_id: str  # the leader
    warning_id: str
    decision: str  # confirmed, dismissed, noted
    reasons: str
    at: str


# --- the expert draw's steps (专家抽取), carried in a bundle (protocol.draw); the request's and
# the record's bodies are built and read by core.draw


@dataclass(frozen=True)
class DrawCommitment:
    draw_id: str
    person_id: str
    role: str
    request_sha256: str
    commitment: str
    at: str


@dataclass(frozen=True)
class DrawFreeze:
    draw_id: str
    request_sha256: str
    pool_sha256: str
    pool_count: int
    pool_as_of: str
    commitments: tuple[str, ...]  # SHA-256 of each commit-<i>.json, in party order
    at: str


@dataclass(frozen=True)
class DrawReveal:
    draw_id: str
    person_id: str
    freeze_sha256: str
    secret: str  # 64 hex digits
    at: str


@dataclass(frozen=True)
class DrawResponse:
    draw_id: str
    record_sha256: str
    expert: str  # pool number
    person_id: str
    answer: str  # "accept" or "decline"
    reason: str
    at: str


@dataclass(frozen=True)
class DrawReplacement:
    draw_id: str
    record_sha256: str
    sequence: int
    leaving: str
    cause: str  # core.draw.model.Cause
    reason: str
    replacement: str  # pool number, "" when none was found
    venue: str
    seat: str
    supplementary_draw: str  # the supplementary draw that found the replacement, or ""
    at: str
