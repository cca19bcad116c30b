"""Presence of the experts and the alerts supervisors see.

Heartbeats arrive over the WebSocket every few seconds (focused, idle, away, items scored).
Only changes become events (so 1,000 experts beating every 5 s do not flood the log); a
monitor task turns silence into "offline", and raises alerts: offline longer than N seconds,
application lost focus, a phase stuck longer than planned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from aiohttp import web

from evaluator_app.core.phases import RUNNING_PHASES, values
from evaluator_app.protocol.messages import Presence
from evaluator_app.venue.access.visibility import can_see
from evaluator_app.venue.context import Venue, parse_iso
from evaluator_app.venue.events.hub import publish
from evaluator_app.venue.http import Caller
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

    def accepts(self, caller: Caller, session_id: str) -> bool:
        """May ``caller`` send heartbeats for ``session_id``? Answered from the hub's directory of
        sessions and members (kept current by every membership change), so that a heartbeat costs
        no store transaction: 1,000 experts beating every 5 s would otherwise keep the store busy.
        """
        directory = getattr(self.venue.hub, "directory", {})
        entry = directory.get(session_id)
        return caller.role == "expert" and entry is not None and can_see(caller, *entry)

    async def beat(
        self, session_id: str, person_id: str, presence: Presence, items_scored: int
    ) -> None:
        key = (session_id, person_id)
        now = time.monotonic()
        old = self.seen.get(key)
        changed = old is None or old.presence != presence or old.items_scored != items_scored
        if old is None:
            self.seen[key] = Seen(presence, items_scored, now, self.venue.now_iso())
        else:
            old.last_beat, old.offline_since = now, None
            if changed:
                old.presence, old.items_scored, old.last_activity = (
                    presence,
                    items_scored,
                    self.venue.now_iso(),
                )
            if presence is not Presence.AWAY:
                old.alerted.discard("focus")
            old.alerted.discard("offline")
        if changed:
            made: list[tuple[str, dict[str, object]]] = [
                (
                    "presence",
                    {"person": person_id, "presence": presence.value, "items_scored": items_scored},
                )
            ]
            if presence is Presence.AWAY and "focus" not in self.seen[key].alerted:
                self.seen[key].alerted.add("focus")
                made.append(("alert", {"alert": "focus_lost", "person": person_id}))
            await self._emit(session_id, made)

    async def _emit(
        self, session_id: str, made: list[tuple[str, dict[str, object]]]
    ) -> list[EventRecord]:
        """Record events (alerts also in the audit chain) in one transaction and publish them at
        once."""
        now = self.venue.now_iso()

        def work(tx: SqliteTx) -> list[EventRecord]:
            out = []
            for kind, payload in made:
                if kind == "alert":
                    tx.append_audit(now, "venue", "alert", session_id, payload)
                out.append(tx.append_event(session_id, kind, "staff", payload, now))
            return out

        events = await self.venue.store.tx(work)
        await publish(self.venue, events)  # straight after the commit: keeps the seq order
        return events

    async def sweep(self) -> None:
        """One pass of the monitor: silence → offline → alert; phases stuck too long."""
        config, now = self.venue.config, time.monotonic()
        for (session_id, person_id), seen in list(self.seen.items()):
            silent = now - seen.last_beat
            made: list[tuple[str, dict[str, object]]] = []
            if seen.presence is not Presence.OFFLINE and silent > config.heartbeat_timeout_seconds:
                seen.presence, seen.offline_since = Presence.OFFLINE, seen.last_beat
                seen.last_activity = self.venue.now_iso()
                made.append(
                    (
                        "presence",
                        {
                            "person": person_id,
                            "presence": "offline",
                            "items_scored": seen.items_scored,
                        },
                    )
                )
            if (
                seen.presence is Presence.OFFLINE
                and silent > config.offline_alert_seconds
                and "offline" not in seen.alerted
            ):
                seen.alerted.add("offline")
                made.append(
                    ("alert", {"alert": "offline", "person": person_id, "seconds": int(silent)})
                )
            if made:
                await self._emit(session_id, made)
        for session in await self.venue.store.tx(lambda tx: tx.sessions()):
            if session.phase not in values(RUNNING_PHASES) or session.paused_in:
                continue
            lasted = (self.venue.now() - parse_iso(session.phase_since)).total_seconds()
            key = (session.id, session.phase + session.phase_since)
            if lasted > config.phase_stuck_seconds and key not in self.stuck_alerted:
                self.stuck_alerted.add(key)
                await self._emit(
                    session.id,
                    [
                        (
                            "alert",
                            {
                                "alert": "phase_stuck",
                                "phase": session.phase,
                                "seconds": int(lasted),
                            },
                        )
                    ],
                )

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
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def snapshot(self, session_id: str) -> list[dict[str, object]]:
        return [
            {
                "person": person,
                "presence": seen.presence.value,
                "items_scored": seen.items_scored,
                "last_activity": seen.last_activity,
            }
            for (session, person), seen in self.seen.items()
            if session == session_id
        ]


# The board lives on the aiohttp app; a typed key keeps aiohttp from warning.
PRESENCE_KEY: web.AppKey[PresenceBoard] = web.AppKey("presence", PresenceBoard)
