"""Who may see which session: the authorisation rules of the venue in one place.

- an expert sees only the sessions they are assigned to (and not after being replaced);
- a supervisor sees the sessions with people seated at their venue; the supervisor of a
  session's main venue sees all its venues;
- centre staff see every session.
"""

from __future__ import annotations

from evaluator_app.core.phases import Role as PhaseRole
from evaluator_app.protocol.messages import in_committee
from evaluator_app.venue.errors import Forbidden, NotFound
from evaluator_app.venue.http import Caller
from evaluator_app.venue.store.records import MemberRecord, SessionRecord

HIDDEN_FROM_EXPERT = {"replaced"}


def can_see(caller: Caller, session: SessionRecord, members: list[MemberRecord]) -> bool:
    if caller.role == "centre":
        return True
    if caller.role == "supervisor":
        return session.main_venue == caller.venue or any(m.venue == caller.venue for m in members)
    return any(
        m.person_id == caller.person_id
        and m.role == "expert"
        and m.status not in HIDDEN_FROM_EXPERT
        for m in members
    )


def visible_members(
    caller: Caller, session: SessionRecord, members: list[MemberRecord]
) -> list[MemberRecord]:
    """A secondary venue's supervisor sees only the people seated at that venue."""
    if caller.role == "supervisor" and session.main_venue != caller.venue:
        return [m for m in members if m.venue == caller.venue]
    return members


def require_visible(
    caller: Caller, session: SessionRecord | None, members: list[MemberRecord]
) -> SessionRecord:
    # Same answer for "does not exist" and "not yours": a session's existence is not leaked.
    if session is None or not can_see(caller, session, members):
        raise NotFound("no such session", "没有这个评标会话", code="no_session")
    return session


def phase_role(caller: Caller, session: SessionRecord) -> PhaseRole:
    if caller.role == "centre":
        return PhaseRole.CENTRE
    if caller.role == "supervisor":
        return PhaseRole.SUPERVISOR
    return PhaseRole.LEADER if session.leader_id == caller.person_id else PhaseRole.EXPERT


def active_experts(members: list[MemberRecord]) -> list[MemberRecord]:
    """The committee: assigned experts not recused, replaced or marked absent."""
    return [m for m in members if in_committee(m.role, m.status)]


def bid_refusal(caller: Caller, members: list[MemberRecord], declared: bool) -> Forbidden | None:
    """Bid documents go to experts who are present and have signed the declaration: the law
    puts the pledge (承诺书) before the bids. None when ``caller`` may read them."""
    if caller.role != "expert":
        return None
    me = next((m for m in members if m.person_id == caller.person_id), None)
    if me is None or me.status != "assigned":
        return Forbidden(
            "bid documents are for the experts present on the committee",
            "投标文件仅向在场的评标委员会专家开放",
            code="not_present",
        )
    if not declared:
        return Forbidden(
            "sign the declaration first: the pledge comes before the bids",
            "请先签署承诺书，然后方可查阅投标文件",
            code="declaration_first",
        )
    return None


def audience_allows(audience: str, caller: Caller) -> bool:
    if audience == "all":
        return True
    if audience == "staff":
        return caller.role in ("supervisor", "centre")
    if audience == "centre":
        return caller.role == "centre"
    return audience == f"person:{caller.person_id}"
