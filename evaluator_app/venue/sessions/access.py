"""What a caller may see of sessions: the session as each role sees it, and loading one
only for those allowed to see it (:mod:`venue.access.visibility` holds the rules)."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache

from evaluator_app.core.plan import Project
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.protocol.messages import MemberView, Role, SessionView
from evaluator_app.venue.access.visibility import (
    can_see,
    require_visible,
    visible_members,
)
from evaluator_app.venue.context import Venue
from evaluator_app.venue.http import Caller
from evaluator_app.venue.sessions.progress import progress
from evaluator_app.venue.store.records import (
    MemberRecord,
    SessionRecord,
)
from evaluator_app.venue.store.sqlite import SqliteTx


def view(caller: Caller, session: SessionRecord, members: list[MemberRecord]) -> SessionView:
    shown = visible_members(caller, session, members)
    return SessionView(
        id=session.id,
        title=session.title,
        lot_id=session.lot_id,
        main_venue=session.main_venue,
        phase=session.phase,
        paused=session.paused_in is not None,
        paused_in=session.paused_in,
        leader_id=session.leader_id,
        scheduled_start=session.scheduled_start,
        phase_since=session.phase_since,
        venues=tuple(sorted({m.venue for m in members} | {session.main_venue})),
        members=tuple(
            MemberView(m.person_id, m.name, Role(m.role), m.venue, m.seat, m.status) for m in shown
        ),
    )


def project_of(session: SessionRecord) -> Project:
    return _project(session.project_json)


@lru_cache(maxsize=256)
def _project(project_json: str) -> Project:
    # parsed once per text, not at every upload: a Project is frozen all the way down
    return project_from_dict(json.loads(project_json))


def load(tx: SqliteTx, caller: Caller, session_id: str) -> tuple[SessionRecord, list[MemberRecord]]:
    session = tx.session(session_id)
    members = tx.members(session_id) if session else []
    return require_visible(caller, session, members), members


async def list_sessions(venue: Venue, caller: Caller) -> list[SessionView]:
    def work(tx: SqliteTx) -> list[SessionView]:
        out = []
        for session in tx.sessions():
            members = tx.members(session.id)
            if can_see(caller, session, members):
                out.append(view(caller, session, members))
        return out

    return await venue.store.read(work)  # a snapshot: the lobbies refresh on every phase change


async def get_session(venue: Venue, caller: Caller, session_id: str) -> SessionView:
    def work(tx: SqliteTx) -> SessionView:
        session, members = load(tx, caller, session_id)
        shown = view(caller, session, members)
        seen = {m.person_id for m in shown.members}
        return replace(
            shown,
            progress=progress(tx, session, members, seen),
            drawn=tx.has_draw(session_id),
        )

    return await venue.store.read(work)  # a snapshot: every window reads it after each event
