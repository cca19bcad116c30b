"""What the rules of every kind share, and the table the venue dispatches an upload by.

A rule runs inside the store's write transaction after the signature, the signer's role and
the phase were checked (:mod:`venue.intake.submit`): it checks the content against the
session and records the acceptance, and may move the session on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from evaluator_app.core.phases import Phase, advance
from evaluator_app.core.phases import Role as PhaseRole
from evaluator_app.protocol.messages import SignedUpload
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Forbidden, Unprocessable
from evaluator_app.venue.http import Caller
from evaluator_app.venue.sessions.lifecycle import apply_state, state_of
from evaluator_app.venue.store.records import (
    ArtefactRecord,
    EventRecord,
    MemberRecord,
    SessionRecord,
)
from evaluator_app.venue.store.sqlite import SqliteTx

Result = tuple[ArtefactRecord, list[EventRecord], SessionRecord]
Rule = Callable[
    [SqliteTx, Venue, Caller, SessionRecord, list[MemberRecord], Any, SignedUpload], Result
]
After = Callable[[Venue, str], Awaitable[None]]
RULES: dict[str, Rule] = {}  # kind -> its rule; every kind of protocol.kinds has one
AFTER: dict[str, After] = {}  # kind -> what runs once an acceptance is committed


def rule(kind: str, after: After | None = None) -> Callable[[Rule], Rule]:
    """Register the rule of one artefact kind (a kind has exactly one)."""

    def register(fn: Rule) -> Rule:
        if kind in RULES:
            raise ValueError(f"two rules for {kind}")
        RULES[kind] = fn
        if after is not None:
            AFTER[kind] = after
        return fn

    return register


def _need_member(members: list[MemberRecord], caller: Caller) -> MemberRecord:
    member = next(
        (m for m in members if m.person_id == caller.person_id and m.role == "expert"), None
    )
    if member is None or member.status != "assigned":
        raise Forbidden(
            "you are not an active expert of this session",
            "您不是本会话的在任评标专家",
            code="not_member",
        )
    return member


def _same_session(body_session: str, body_person: str, session_id: str, caller: Caller) -> None:
    if body_session != session_id:
        raise Unprocessable(
            f"the artefact names session {body_session}, not {session_id}",
            "所签内容属于其他评标会话",
            code="wrong_session",
        )
    if body_person != caller.person_id:
        raise Forbidden(
            "the artefact names another person",
            "所签内容中的人员不是您本人",
            code="signer_mismatch",
        )


def _accepted(tx: SqliteTx, session_id: str, kind: str) -> list[ArtefactRecord]:
    return [a for a in tx.artefacts(session_id, kind, blobs=False) if a.status == "accepted"]


def _system_advance(
    tx: SqliteTx, venue: Venue, session: SessionRecord, target: Phase, why: str, why_zh: str
) -> tuple[SessionRecord, EventRecord]:
    state = advance(state_of(session), target, PhaseRole.SYSTEM)
    return apply_state(tx, venue, session, state, "venue", why, why_zh)
