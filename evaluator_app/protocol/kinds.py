"""The one registry of signed artefact kinds: what each is, where it goes, who signs it, when.

Every layer reads it: the venue builds its upload routes and checks role and phase from it
(:mod:`venue.intake.submit`), the clients take a body's kind and route from it, the offline
verifier decodes an archive's artefacts by it, and the supervisor's board names them by it.
Adding a kind is one line here plus its rule in ``venue/intake/rules/``.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

from evaluator_app.core.canonical import canonical_bytes
from evaluator_app.core.phases import WARNING_DECISION_PHASES, Phase
from evaluator_app.protocol.artefacts import (
    ARTEFACT_VERSION,
    Declaration,
    DocumentManifest,
    DrawCommitment,
    DrawFreeze,
    DrawReplacement,
    DrawResponse,
    DrawReveal,
    GateVotes,
    LeaderVote,
    ReportDissent,
    ScoreSheet,
    WarningDecision,
    WitnessNote,
)
from evaluator_app.protocol.errors import ProtocolError
from evaluator_app.protocol.messages import Role
from evaluator_app.protocol.schema import SchemaError, decode, encode


@dataclass(frozen=True)
class ArtefactKind:
    name: str  # the wire name: the ``schema.kind`` stamp of the signed JSON
    body: type[Any]  # the frozen dataclass the signed JSON decodes to
    route: str  # POST /sessions/{sid}/<route>
    roles: frozenset[Role]  # who may sign and submit it
    # the phases in which the venue accepts it, never while paused; None: at any time
    phases: frozenset[Phase] | None
    label_zh: str
    label_en: str
    with_pdf: bool = False  # comes with the exact PDF the signer reviewed, PAdES-signed
    # every active expert sends one in its phase, which ends when all are in
    each_expert: bool = False


_EXPERT = frozenset({Role.EXPERT})

ARTEFACT_KINDS: tuple[ArtefactKind, ...] = (
    ArtefactKind(
        "declaration", Declaration, "declarations", _EXPERT, frozenset({Phase.DECLARATIONS}),
        "承诺书", "declaration", each_expert=True,
    ),
    ArtefactKind(
        "leader_vote", LeaderVote, "leader-votes", _EXPERT, frozenset({Phase.LEADER_ELECTION}),
        "组长推选票", "leader vote", each_expert=True,
    ),
    ArtefactKind(
        "gate_votes", GateVotes, "gate-votes", _EXPERT, frozenset({Phase.PRELIMINARY_REVIEW}),
        "初步评审表", "preliminary review", each_expert=True,
    ),
    ArtefactKind(
        "score_sheet", ScoreSheet, "sheets", _EXPERT, frozenset({Phase.DETAILED_SCORING}),
        "评分表", "score sheet", with_pdf=True, each_expert=True,
    ),
    ArtefactKind(
        "witness_note", WitnessNote, "witness-notes", frozenset({Role.SUPERVISOR}), None,
        "见证记录", "witness note",
    ),
    ArtefactKind(
        "dissent", ReportDissent, "report/dissent", _EXPERT, frozenset({Phase.REPORT_SIGNING}),
        "不同意见", "dissent",
    ),
    ArtefactKind(
        "warning_decision", WarningDecision, "warning-decisions", _EXPERT,
        WARNING_DECISION_PHASES, "围标串标预警处理意见", "decision on a collusion warning",
    ),
    ArtefactKind(
        "document_manifest", DocumentManifest, "manifest", frozenset({Role.CENTRE}), None,
        "招投标文件清单", "document manifest",
    ),
)  # fmt: skip

KINDS: dict[str, ArtefactKind] = {k.name: k for k in ARTEFACT_KINDS}


@dataclass(frozen=True)
class BundledKind:
    """A signed artefact that travels in a bundle, not uploaded on its own: the expert draw's
    steps (专家抽取, layout in :mod:`protocol.draw`), which a venue takes whole and recomputes."""

    name: str
    body: type[Any] | None  # None: core.draw builds and reads it (the request, the record)
    signers: frozenset[Role]
    label_zh: str
    label_en: str


_STAFF = frozenset({Role.CENTRE})
_PARTIES = frozenset({Role.CENTRE, Role.SUPERVISOR})
DRAW_REQUEST = BundledKind("draw_request", None, _STAFF, "专家抽取申请", "draw request")
DRAW_COMMITMENT = BundledKind(
    "draw_commitment", DrawCommitment, _PARTIES, "专家抽取承诺值", "draw commitment"
)
DRAW_FREEZE = BundledKind("draw_freeze", DrawFreeze, _STAFF, "专家库快照固定", "pool fixed")
DRAW_REVEAL = BundledKind("draw_reveal", DrawReveal, _PARTIES, "专家抽取秘密值揭示", "draw reveal")
DRAW_RECORD = BundledKind("draw_record", None, _PARTIES, "专家抽取记录", "draw record")
DRAW_RESPONSE = BundledKind(
    "draw_response",
    DrawResponse,
    frozenset({Role.EXPERT, Role.CENTRE}),
    "抽取通知回复",
    "answer to a draw notice",
)
DRAW_REPLACEMENT = BundledKind(
    "draw_replacement", DrawReplacement, _STAFF, "专家替补记录", "replacement of a drawn expert"
)
BUNDLED_KINDS: tuple[BundledKind, ...] = (
    DRAW_REQUEST,
    DRAW_COMMITMENT,
    DRAW_FREEZE,
    DRAW_REVEAL,
    DRAW_RECORD,
    DRAW_RESPONSE,
    DRAW_REPLACEMENT,
)
_BY_BODY: dict[type[Any], ArtefactKind] = {k.body: k for k in ARTEFACT_KINDS}


def step_of_phase() -> dict[Phase, ArtefactKind]:
    """The artefact every expert signs in a phase, for the phases that expect one."""
    return {p: k for k in ARTEFACT_KINDS if k.each_expert and k.phases for p in k.phases}


def kind_of(body: object) -> ArtefactKind:
    """The kind of a body about to be signed (``KeyError`` for a class that is no artefact)."""
    return _BY_BODY[type(body)]


class ArtefactProblem(enum.StrEnum):
    """Why bytes are not a signed artefact of a known kind (the venue's refusal code)."""

    MALFORMED = "malformed_artefact"  # not JSON, or not a JSON object
    WRONG_KIND = "wrong_kind"  # another kind or version than expected, or no kind we know
    INVALID_FIELD = "invalid_field"  # the body does not match its dataclass
    NOT_CANONICAL = "not_canonical"  # not RFC 8785 canonical JSON


class ArtefactError(ProtocolError):
    """Bytes that are not a signed artefact; ``problem`` says why, ``field`` where."""

    def __init__(self, problem: ArtefactProblem, message_en: str, message_zh: str, field: str = ""):
        super().__init__(message_en, message_zh)
        self.problem, self.field = problem, field


def read_artefact(content: bytes, expected: ArtefactKind | None = None) -> tuple[ArtefactKind, Any]:
    """Decode signed canonical JSON by its ``schema`` stamp into the kind's dataclass.

    Refuses anything but the canonical form of a known kind (``expected`` if given) at the
    current version, so what is decoded is exactly what was signed.
    """
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise ArtefactError(
            ArtefactProblem.MALFORMED, "content is not JSON", "上传内容不是 JSON"
        ) from None
    if not isinstance(data, dict):
        raise ArtefactError(
            ArtefactProblem.MALFORMED, "content is not a JSON object", "上传内容格式错误"
        )
    schema = data.pop("schema", None)
    name = schema.get("kind") if isinstance(schema, dict) else None
    kind = KINDS.get(name) if isinstance(name, str) else None
    if (
        kind is None
        or (expected is not None and kind is not expected)
        or schema != {"kind": kind.name, "version": ARTEFACT_VERSION}
    ):
        want = expected.name if expected is not None else "a known kind"
        raise ArtefactError(
            ArtefactProblem.WRONG_KIND,
            f"content is not {want} (version {ARTEFACT_VERSION}): schema {schema!r}",
            f"上传内容不是 {want}",
        )
    try:
        body = decode(kind.body, data)
    except SchemaError as exc:
        raise ArtefactError(
            ArtefactProblem.INVALID_FIELD, exc.message_en, exc.message_zh, exc.field
        ) from None
    if canonical_bytes({"schema": schema, **encode(body)}) != content:
        raise ArtefactError(
            ArtefactProblem.NOT_CANONICAL,
            "content is not in canonical form (RFC 8785)",
            "上传内容不是规范化 JSON",
        )
    return kind, body
