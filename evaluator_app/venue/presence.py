"""Presence of the experts and the alerts supervisors see.

Heartbeats arrive over the WebSocket every few seconds (focused, idle, away, items scored).
Only changes become events (so 1,000 experts beating every 5 s do not flood the log); a
monitor task turns silence into "offline", and raises alerts: offline longer than N seconds,
application lost focus, a phase stuck longer than planned.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from evaluator_app.protocol.messages import Presence
from evaluator_app.venue.context import Venue
from evaluator_app.venue.context import parse_iso
from evaluator_app.venue.store.records import EventRecord
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)


@dataclass
class Seen:
    presence: Presence
    items_scored: int
    last_beat: float  # monotonic
    last_activity: str  # ISO, for display
    offline_since: float | None = None
    alerted: set[str] = field(default_factory=set)


class PresenceBoard:
    def __init__(self, venue: Venue):
        self.venue = venue
        self.seen: dict[tuple[str, str], Seen] = {}  # (session, person)
        self.stuck_alerted: set[tuple[str, str]] = set()  # (session, phase)
        self._task: asyncio.Task[None] | None = None

    async def beat(self, session_id: str, person_id: str, presence: Presence, items_scored: int) -> None:
        key = (session_id, person_id)
        now = time.monotonic()
        old = self.seen.get(key)
        changed = old is None or old.presence != presence or old.items_scored != items_scored
        if old is None:
            self.seen[key] = Seen(presence, items_scored, now, self.venue.now_iso())
        else:
            old.last_beat, old.offline_since = now, None
            if changed:
                old.presence, old.items_scored, old.last_activity = presence, items_scored, self.venue.now_iso()
            if presence is not Presence.AWAY:
                old.alerted.discard("focus")
            old.alerted.discard("offline")
        if changed:
            events = [await self._event(session_id, "presence", {"person": person_id, "presence": presence.value, "items_scored": items_scored})]
            if presence is Presence.AWAY and "focus" not in self.seen[key].alerted:
                self.seen[key].alerted.add("focus")
                events.append(await self._event(session_id, "alert", {"alert": "focus_lost", "person": person_id}))
            self._publish(events)

    async def _event(self, session_id: str, kind: str, payload: dict[str, object]) -> EventRecord:
        now = self.venue.now_iso()

        def work(tx: SqliteTx) -> EventRecord:
            if kind == "alert":
                tx.append_audit(now, "venue", "alert", session_id, payload)
            return tx.append_event(session_id, kind, "staff", payload, now)

        return await self.venue.store.tx(work)

    def _publish(self, events: list[EventRecord]) -> None:
        if self.venue.hub is not None and events:  # presence and alerts change no membership
            self.venue.hub.publish(*events)  # type: ignore[attr-defined]

    async def sweep(self) -> None:
        """One pass of the monitor: silence → offline → alert; phases stuck too long."""
        config, now = self.venue.config, time.monotonic()
        events = []
        for (session_id, person_id), seen in list(self.seen.items()):
            silent = now - seen.last_beat
            if seen.presence is not Presence.OFFLINE and silent > config.heartbeat_timeout_seconds:
                seen.presence, seen.offline_since = Presence.OFFLINE, seen.last_beat
                events.append(await self._event(session_id, "presence", {"person": person_id, "presence": "offline", "items_scored": seen.items_scored}))
            if seen.presence is Presence.OFFLINE and silent > config.offline_alert_seconds and "offline" not in seen.alerted:
                seen.alerted.add("offline")
                events.append(await self._event(session_id, "alert", {"alert": "offline", "person": person_id, "seconds": int(silent)}))
        for session in await self.venue.store.tx(lambda tx: tx.sessions()):
            if session.phase in ("preparing", "closed") or session.paused_in:
                continue
            lasted = (self.venue.now() - parse_iso(session.phase_since)).total_seconds()
            key = (session.id, session.phase + session.phase_since)
            if lasted > config.phase_stuck_seconds and key not in self.stuck_alerted:
                self.stuck_alerted.add(key)
                events.append(await self._event(session.id, "alert", {"alert": "phase_stuck", "phase": session.phase, "seconds": int(lasted)}))
        self._publish(events)

    def disconnected(self, person_id: str) -> None:
        """The socket closed: the silence timer starts now rather than at the last beat."""
        for (_, person), seen in self.seen.items():
            if person == person_id:
                seen.last_beat = min(seen.last_beat, time.monotonic())

    def start(self, interval: float = 1.0) -> None:
        async def run() -> None:
            while True:
                await asyncio.sleep(interval)
                try:
                    await self.sweep()
                except Exception:  # the monitor must outlive any one bad pass
                    logger.exception("presence sweep failed")

        self._task = asyncio.create_task(run(), name="presence-monitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def snapshot(self, session_id: str) -> list[dict[str, object]]:
        return [
            {"person": person, "presence": seen.presence.value, "items_scored": seen.items_scored, "last_activity": seen.last_activity}
            for (session, person), seen in self.seen.items()
            if session == session_id
        ]
