"""A replacement made in the draw reaches the sessions that draw seated.

The 专家抽取 tab replaces an expert in the sealed record (a reserve, or a supplementary draw); the
record then grows at every running session whose experts it drew and where the leaver sits, and
the replacement takes the seat the record gives. The venue recomputes the record before it takes
it and seats only an expert the record draws (``not_drawn``), so an archive never shows a member
nobody drew.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from evaluator_app.client.draw.service import OpenDraw, session_bundle
from evaluator_app.core.phases import MEMBER_CHANGE_PHASES, Phase, values
from evaluator_app.drawcheck.verify import Member
from evaluator_app.protocol.draw import DrawAttach
from evaluator_app.protocol.messages import MemberInput, Role, SessionList, SessionView
from evaluator_app.protocol.schema import B64

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Carried:
    """One session the grown record was attached to, and whether the replacement was seated."""

    session_id: str
    title: str
    seated: bool  # False: nobody to seat, or the leader election has begun (members are fixed)


def _drew(draw: OpenDraw, session: SessionView, leaving: str) -> bool:
    """The session's experts all come from this draw and the leaver is one of them."""
    drawn = {m.person_id for m in draw.committee}
    experts = [m for m in session.members if m.role is Role.EXPERT]
    return (
        session.phase != Phase.CLOSED.value
        and any(m.person_id == leaving for m in experts)
        and all(m.person_id in drawn for m in experts)
    )


async def session_statuses(client: Any, draw: OpenDraw) -> dict[str, str]:
    """Person id → their status ("recused", "absent") in the running sessions this draw
    seated, for the drawn experts who no longer sit there although the record still seats
    them: the centre sees whom to replace before the record says so."""
    listed: SessionList = await client.get("/sessions", SessionList)
    drawn = {m.person_id for m in draw.committee}
    out: dict[str, str] = {}
    for session in listed.sessions:
        experts = [m for m in session.members if m.role is Role.EXPERT]
        if session.phase == Phase.CLOSED.value or not experts:
            continue
        if not all(m.person_id in drawn for m in experts):
            continue
        out.update({m.person_id: m.status for m in experts if m.status != "assigned"})
    return out


async def carry_replacement(
    client: Any, draw: OpenDraw, leaving_person: str, replacement: Member | None
) -> list[Carried]:
    """Attach the grown record to each session of this draw where ``leaving_person`` sits, and
    seat the replacement there. ``client`` is a VenueClient; its refusals propagate."""
    listed: SessionList = await client.get("/sessions", SessionList)
    bundle = session_bundle(draw)
    carried = []
    for session in listed.sessions:
        if not _drew(draw, session, leaving_person):
            continue
        await client.request("PUT", f"/sessions/{session.id}/draw", DrawAttach(B64(bundle)))
        seated = replacement is not None and session.phase in values(MEMBER_CHANGE_PHASES)
        present = {m.person_id for m in session.members}
        if replacement is not None and seated and replacement.person_id not in present:
            body = MemberInput(
                replacement.person_id, Role.EXPERT, replacement.venue, replacement.seat
            )
            await client.post(f"/sessions/{session.id}/members", body)
        logger.info("draw %s: record attached to %s (seated: %s)", draw.draw_id, session.id, seated)
        carried.append(Carried(session.id, session.title, seated))
    return carried
