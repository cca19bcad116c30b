"""Following sessions from the centre: who is present at which venue, and what needs attention."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from evaluator_app.client.explain import Explanation
from evaluator_app.client.names import venue_label
from evaluator_app.core.phases import RUNNING_PHASES, Phase, values
from evaluator_app.protocol.messages import Role, SessionView

STUCK_AFTER_MINUTES = 45
ACTIVE = values(RUNNING_PHASES)
# the phases in which an expert who is not online is an alert (from check-in to the scores)
AT_SEAT = values(RUNNING_PHASES - {Phase.SUMMARY, Phase.REPORT_SIGNING})


@dataclass(frozen=True)
class VenuePresence:
    venue: str
    present: int
    expected: int
    missing: tuple[str, ...] = ()
    name: str = ""  # as people read it: 济南主场


@dataclass(frozen=True)
class SessionLine:
    session_id: str
    title: str
    phase: str
    venues: tuple[VenuePresence, ...]
    alerts: tuple[Explanation, ...]

    def present_text(self, language: str = "zh_CN") -> str:
        if language == "en":
            return "; ".join(
                f"{v.name or v.venue} {v.present}/{v.expected}"
                + (f" (missing: {', '.join(v.missing)})" if v.missing else "")
                for v in self.venues
            )
        return "；".join(
            f"{v.name or v.venue} {v.present}/{v.expected}"
            + (f"（缺 {'、'.join(v.missing)}）" if v.missing else "")
            for v in self.venues
        )


def follow_lines(
    sessions: Sequence[SessionView],
    presence: dict[str, list[dict[str, Any]]],
    now: datetime | None = None,
    stuck_after_minutes: int = STUCK_AFTER_MINUTES,
    venue_names: Mapping[str, str] | None = None,
) -> list[SessionLine]:
    """One line per session; experts count as present when connected and not away."""
    now = now or datetime.now(UTC)
    lines = []
    for session in sessions:
        phase = "paused" if session.paused else session.phase
        experts = [
            m
            for m in session.members
            if m.role is Role.EXPERT and m.status not in ("replaced", "recused")
        ]
        rows = {r["person"]: r for r in presence.get(session.id, [])}
        here = {p for p, r in rows.items() if r.get("connected") and r.get("presence") != "away"}
        venues = []
        for venue in sorted({m.venue for m in experts}):
            at = [m for m in experts if m.venue == venue]
            missing = tuple(m.name for m in at if m.person_id not in here)
            name = venue_label(venue, venue_names or {}, session.main_venue)
            venues.append(VenuePresence(venue, len(at) - len(missing), len(at), missing, name))
        alerts: list[Explanation] = []
        if session.paused:
            alerts.append(Explanation("会话已暂停", "the session is paused"))
        if session.phase in AT_SEAT:
            offline = [m.name for m in experts if m.person_id not in here]
            if offline:
                alerts.append(
                    Explanation("不在线：" + "、".join(offline), "offline: " + ", ".join(offline))
                )
        since = datetime.fromisoformat(session.phase_since.replace("Z", "+00:00"))
        minutes = int((now - since).total_seconds() // 60)
        if session.phase in ACTIVE and not session.paused and minutes >= stuck_after_minutes:
            alerts.append(
                Explanation(
                    f"已在当前阶段停留 {minutes} 分钟", f"in this phase for {minutes} minutes"
                )
            )
        absent = [m.name for m in session.members if m.status == "absent"]
        if absent:
            alerts.append(Explanation("缺席：" + "、".join(absent), "absent: " + ", ".join(absent)))
        lines.append(SessionLine(session.id, session.title, phase, tuple(venues), tuple(alerts)))
    return lines
