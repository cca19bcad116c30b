"""What the route table cannot say about each operation: summary, who may call it, which body,
which answer. ``tests/venue/openapi_gen.py`` turns this and the dataclasses into the spec."""

from __future__ import annotations

import dataclasses
from typing import Any

from evaluator_app.protocol import API_PREFIX

P = API_PREFIX
S = f"{P}/sessions/{{sid}}"

ACK = {
    "type": "object",
    "additionalProperties": False,
    "required": ["seq"],
    "properties": {"seq": {"type": "integer"}},
}
WORKSTATION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "venue", "seat"],
    "properties": {k: {"type": "string", "minLength": 1} for k in ("id", "venue", "seat")},
}
REPORT_SIGNATURE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["base_revision", "pdf"],
    "properties": {
        "base_revision": {"type": "integer"},
        "pdf": {"type": "string", "contentEncoding": "base64"},
    },
}
OBJ: dict[str, Any] = {"type": "object"}
NUMBERS = ("since", "from", "to")  # query parameters that are whole numbers


@dataclasses.dataclass(frozen=True)
class Op:
    summary: str
    roles: str  # who may call it, in words (test_roles.py holds the enforced table)
    body: str | dict[str, Any] | None = None  # dataclass name, inline schema, "binary", or None
    status: int = 200
    answer: str | dict[str, Any] | None = (
        None  # dataclass name or inline schema of the success body
    )
    public: bool = False
    query: tuple[str, ...] = ()
    binary_answer: bool = False  # a document: PDF, with Range and ETag
    media: str = ""  # another binary answer (an archive)


OPS: dict[tuple[str, str], Op] = {
    ("GET", f"{P}/health"): Op(
        "Venue id, city, the names of the venues and clock", "anyone", public=True, answer=OBJ
    ),
    ("POST", f"{P}/tsa"): Op(
        "RFC 3161 timestamp authority (application/timestamp-query in, timestamp-reply out)",
        "anyone",
        "binary",
        public=True,
        media="application/timestamp-reply",
    ),
    ("GET", f"{P}/log/head"): Op(
        "The transparency log's latest signed tree head (content, the venue's CMS)",
        "anyone",
        public=True,
        answer="SignedHead",
    ),
    ("GET", f"{P}/log/consistency"): Op(
        "RFC 9162 consistency proof between two tree sizes (hex hashes)",
        "anyone",
        public=True,
        query=("from", "to"),
        answer=OBJ,
    ),
    ("POST", f"{P}/log/cosignatures"): Op(
        "A witness's cosignature of a tree head, recorded in the audit log",
        "anyone (signed with a witness key the trust list names)",
        "CosignatureUpload",
        public=True,
        answer=OBJ,
    ),
    ("GET", f"{P}/openapi.json"): Op(
        "This description of the API", "anyone", public=True, answer=OBJ
    ),
    ("POST", f"{P}/login/challenge"): Op(
        "A one-time nonce to sign for login", "anyone", public=True, answer="LoginChallenge"
    ),
    ("POST", f"{P}/login"): Op(
        "Log in with a signed login statement",
        "anyone on the roster",
        "LoginRequest",
        public=True,
        answer="LoginResult",
    ),
    ("POST", f"{P}/workstations/enrol"): Op(
        "Enrol a workstation with its one-time code",
        "a venue technician",
        "EnrolRequest",
        public=True,
        answer=OBJ,
    ),
    ("GET", f"{P}/me"): Op("The logged-in person", "any role", answer=OBJ),
    ("GET", f"{P}/sessions"): Op("Sessions the caller may see", "any role", answer=OBJ),
    ("POST", f"{P}/sessions"): Op(
        "Create a session from a project package", "centre", "CreateSession", 201, "SessionView"
    ),
    ("GET", S): Op(
        "One session (members filtered by venue for a secondary venue's supervisor)",
        "any role that sees it",
        answer="SessionView",
    ),
    ("POST", f"{S}/phase"): Op(
        "Move the session to another phase (the core phase machine decides who may)",
        "by phase rule",
        "PhaseChange",
        answer="SessionView",
    ),
    ("POST", f"{S}/pause"): Op(
        "Pause the session", "supervisor, centre", "PauseRequest", answer="SessionView"
    ),
    ("POST", f"{S}/resume"): Op(
        "Resume the session", "supervisor, centre", "PauseRequest", answer="SessionView"
    ),
    ("POST", f"{S}/broadcast"): Op(
        "Send a message to everyone in the session", "supervisor, centre", "Broadcast", answer=OBJ
    ),
    ("POST", f"{S}/acknowledge"): Op(
        "Acknowledge a broadcast or an alert", "any role that sees it", ACK, answer=OBJ
    ),
    ("POST", f"{S}/absent"): Op(
        "Mark an expert seated at the caller's venue absent",
        "supervisor, centre",
        "MarkAbsent",
        answer="SessionView",
    ),
    ("POST", f"{S}/declarations"): Op(
        "Signed declaration (承诺书) or recusal (回避)",
        "expert",
        "SignedUpload",
        201,
        "SignedReceipt",
    ),
    ("POST", f"{S}/leader-votes"): Op(
        "Signed leader vote", "expert", "SignedUpload", 201, "SignedReceipt"
    ),
    ("POST", f"{S}/gate-votes"): Op(
        "Signed pass/fail votes of the preliminary review",
        "expert",
        "SignedUpload",
        201,
        "SignedReceipt",
    ),
    ("POST", f"{S}/sheets"): Op(
        "Signed score sheet (CMS, plus PAdES PDF)", "expert", "SignedUpload", 201, "SignedReceipt"
    ),
    ("POST", f"{S}/witness-notes"): Op(
        "Signed witness note", "supervisor", "SignedUpload", 201, "SignedReceipt"
    ),
    ("POST", f"{S}/sheets/{{expert}}/return"): Op(
        "The leader returns an accepted sheet", "expert (leader)", "PauseRequest", answer=OBJ
    ),
    ("GET", f"{S}/archive"): Op(
        "The session as one signed archive (zip), verifiable offline",
        "centre",
        media="application/zip",
    ),
    ("GET", f"{S}/project"): Op(
        "The session's project file (plan, lot, bidders)", "any role that sees it", answer=OBJ
    ),
    ("GET", f"{S}/gates"): Op(
        "The preliminary review's outcome once every gate vote is in",
        "any role that sees it",
        answer=OBJ,
    ),
    ("POST", f"{S}/sheets/check"): Op(
        "Dry-run check of an unsigned sheet: rule errors and deviation flags; nothing stored",
        "expert",
        "ScoreSheet",
        answer=OBJ,
    ),
    ("GET", f"{S}/sheets/mine"): Op(
        "The versions of the caller's own score sheet", "expert", answer=OBJ
    ),
    ("GET", f"{S}/report"): Op(
        "The evaluation report (PDF, base64) and who has signed or dissented",
        "any role that sees it, from report signing on",
        answer=OBJ,
    ),
    ("POST", f"{S}/report/signatures"): Op(
        "The newest report revision with the caller's PAdES signature appended",
        "expert",
        REPORT_SIGNATURE,
        201,
        OBJ,
    ),
    ("POST", f"{S}/report/dissent"): Op(
        "Signed dissent (不同意见) with reasons, instead of signing",
        "expert",
        "SignedUpload",
        201,
        "SignedReceipt",
    ),
    ("GET", f"{S}/warnings"): Op(
        "Collusion and fraud warnings (围标串标预警): status, evidence and the committee's "
        "decisions",
        "any role that sees it",
        answer=OBJ,
    ),
    ("POST", f"{S}/warning-decisions"): Op(
        "The committee's signed decision on a warning (by the leader)",
        "expert (leader)",
        "SignedUpload",
        201,
        "SignedReceipt",
    ),
    ("GET", f"{S}/summary"): Op(
        "The summary (汇总); nobody sees scores before the summary phase",
        "any role that sees it, from summary on",
        answer=OBJ,
    ),
    ("PUT", f"{S}/draft"): Op(
        "Store the caller's unsigned draft (highest revision kept)",
        "expert",
        "DraftPut",
        answer="DraftView",
    ),
    ("GET", f"{S}/draft"): Op("The caller's unsigned draft", "expert", answer="DraftView"),
    ("GET", f"{P}/people"): Op("The roster", "centre", answer=OBJ),
    ("POST", f"{P}/workstations"): Op(
        "Register a workstation at a venue and seat; returns its enrolment code",
        "centre",
        WORKSTATION,
        201,
        OBJ,
    ),
    ("PUT", f"{P}/blobs/{{sha256}}"): Op(
        "Upload a document's content under its SHA-256", "centre", "binary", 201, OBJ
    ),
    ("POST", f"{P}/draws/steps"): Op(
        "Log a signed step of an expert draw by its hash (专家抽取), as it is made",
        "centre",
        "DrawStepLog",
        answer=ACK,
    ),
    ("PUT", f"{S}/draw"): Op(
        "Attach the session's expert draw record; the venue recomputes it and checks the committee",
        "centre",
        "DrawAttach",
        answer=OBJ,
    ),
    ("POST", f"{S}/members"): Op(
        "Add a member (a substitute for a recused expert)",
        "centre",
        "MemberInput",
        201,
        "SessionView",
    ),
    ("GET", f"{S}/documents"): Op(
        "The session's documents and the centre's signed manifest",
        "any role that sees it",
        answer=OBJ,
    ),
    ("GET", f"{S}/documents/{{doc}}"): Op(
        "A document's content, with Range and ETag", "any role that sees it", binary_answer=True
    ),
    ("POST", f"{S}/manifest"): Op(
        "The centre's signed document manifest", "centre", "SignedUpload", 201, "SignedReceipt"
    ),
    ("GET", f"{S}/presence"): Op(
        "Presence of the people seated at the caller's venue", "supervisor, centre", answer=OBJ
    ),
    ("GET", f"{P}/events"): Op(
        "Events after since=N, in order", "any role", answer="EventPage", query=("since",)
    ),
    ("GET", f"{P}/ws"): Op(
        "The WebSocket of events (upgrade); heartbeats go the other way; caught_up=1: a"
        " message once the replay of what was missed is sent",
        "any role",
        status=101,
        query=("since", "caught_up"),
    ),
}
