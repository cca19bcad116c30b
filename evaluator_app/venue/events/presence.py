"""Presence of the experts and the alerts supervisors see, shared by every worker of a venue.

Heartbeats arrive over the WebSocket every few seconds (focused, idle, away, items scored).
Only changes become events (so 1,000 experts beating every 5 s do not flood the log). The state
lives in the store's ``presence`` table, so a supervisor connected to one worker sees experts
connected to another, and an expert whose worker dies and who reconnects elsewhere keeps their
row. A heartbeat that changes nothing costs no transaction: its time is kept in memory and
written with the others once per monitor pass. The monitor (every worker runs one; the store's
writer lock makes each pass see the others') turns silence into "offline" and raises alerts:
offline longer than N seconds, application lost focus, a phase stuck longer than planned.
Times are epoch seconds, compared across workers: their clocks must be synchronised (NTP).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, replace

from aiohttp import web

from evaluator_app.core.phases import RUNNING_PHASES, values
from evaluator_app.protocol.messages import Presence
from evaluator_app.venue.access.visibility import can_see
from evaluator_app.venue.context import Venue, parse_iso
from evaluator_app.venue.events.hub import publish
from evaluator_app.venue.http import Caller
from evaluator_app.venue.jobs import WORKER
from evaluator_app.venue.replay import KEEP_SECONDS
from evaluator_app.venue.store.records import EventRecord, PresenceRecord
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)
Made = list[tuple[str, dict[str, object]]]
# an expert who recused or was replaced takes no further part: her heartbeats are refused and
# her silence is no alarm (she may well have closed the application)
LEFT_COMMITTEE = frozenset({"recused", "replaced"})
# The presence board's transactions (heartbeats, the monitor's sweep) write the presence rows and
# the sockets, which nothing else writes (and the sweep deletes day-old answers to retried
# requests): on PostgreSQL they run beside the sessions' uploads, one at a time among themselves;
# each takes the chain lock only when it appends an event.
PRESENCE_SCOPE = "~presence"


@dataclass
class Seen:
    """What this worker last wrote for an expert, and the time of their latest heartbeat."""

    presence: str
    items_scored: int
    last_beat: float  # epoch seconds
    dirty: bool = False  # a heartbeat that changed nothing, not yet written


def _alerted(text: str) -> set[str]:
    return {a for a in text.split(",") if a}


class PresenceBoard:
    def __init__(self, venue: Venue, worker: str | None = None):
        self.venue = venue
        self.worker = worker or WORKER
        self.seen: dict[tuple[str, str], Seen] = {}  # (session, person), this worker's cache
        self.interval = 1.0
        self._forgot = 0.0  # when old request answers were last deleted
        self._task: asyncio.Task[None] | None = None

    def accepts(self, caller: Caller, session_id: str) -> bool:
        """May ``caller`` send heartbeats for ``session_id``? Answered from the hub's directory of
        sessions and members (kept current by every membership change), so that a heartbeat costs
        no store transaction: 1,000 experts beating every 5 s would otherwise keep the store busy.
        """
        directory = getattr(self.venue.hub, "directory", {})
        entry = directory.get(session_id)
        if caller.role != "expert" or entry is None or not can_see(caller, *entry):
            return False
        return not any(
            m.person_id == caller.person_id and m.status in LEFT_COMMITTEE for m in entry[1]
        )

    async def beat(
        self, session_id: str, person_id: str, presence: Presence, items_scored: int
    ) -> None:
        key, now = (session_id, person_id), time.time()
        cached = self.seen.get(key)
        if cached and (cached.presence, cached.items_scored) == (presence.value, items_scored):
            cached.last_beat, cached.dirty = now, True
            return
        made_at = self.venue.now_iso()
        events = await self.venue.store.tx(
            lambda tx: self._apply(
                tx, session_id, person_id, presence.value, items_scored, now, made_at
            ),
            scope=PRESENCE_SCOPE,
        )
        await publish(self.venue, events)  # straight after the commit: keeps the seq order

    def _apply(
        self, tx: SqliteTx, sid: str, person: str, presence: str, items: int, now: float, at: str
    ) -> list[EventRecord]:
        """A heartbeat against the shared row, in the caller's transaction: events if it changed."""
        row = tx.presence_row(sid, person)
        alerted = _alerted(row.alerted) if row else set()
        changed = row is None or (row.presence, row.items_scored) != (presence, items)
        if presence != Presence.AWAY.value:
            alerted.discard("focus")
        alerted.discard("offline")
        made: Made = []
        if changed:
            made.append(
                ("presence", {"person": person, "presence": presence, "items_scored": items})
            )
            if presence == Presence.AWAY.value and "focus" not in alerted:
                alerted.add("focus")
                made.append(("alert", {"alert": "focus_lost", "person": person}))
        activity = at if changed or row is None else row.last_activity
        tx.put_presence(
            PresenceRecord(sid, person, presence, items, now, activity, ",".join(sorted(alerted)))
        )
        self.seen[(sid, person)] = Seen(presence, items, now)
        return self._record(tx, sid, made, at)

    @staticmethod
    def _record(tx: SqliteTx, session_id: str, made: Made, at: str) -> list[EventRecord]:
        """Events (alerts also in the audit chain) in the caller's transaction."""
        out = []
        for kind, payload in made:
            if kind == "alert":
                tx.append_audit(at, "venue", "alert", session_id, payload)
            out.append(tx.append_event(session_id, kind, "staff", payload, at))
        return out

    async def sweep(self) -> None:
        """One pass of the monitor: write this worker's heartbeats, then silence → offline →
        alert and phases stuck too long, for every expert and session of the venue."""
        config, now, at = self.venue.config, time.time(), self.venue.now_iso()
        dirty = {key: seen for key, seen in self.seen.items() if seen.dirty}
        for seen in dirty.values():
            seen.dirty = False
        online = sorted(self.venue.hub.online()) if self.venue.hub else []  # type: ignore[attr-defined]

        def work(tx: SqliteTx) -> list[EventRecord]:
            events: list[EventRecord] = []
            for (sid, person), seen in dirty.items():
                if self.seen.get((sid, person)) is not seen:
                    continue  # a later heartbeat changed the state and wrote it: this is stale
                row = tx.presence_row(sid, person)
                if row is not None and row.presence == seen.presence:
                    if row.last_beat < seen.last_beat:
                        tx.put_presence(replace(row, last_beat=seen.last_beat))
                else:  # marked offline (by any worker) while still beating here: back online
                    events += self._apply(
                        tx, sid, person, seen.presence, seen.items_scored, seen.last_beat, at
                    )
            # No chain lock for these reads (it would hold every upload's append for the rest of
            # the sweep, once a second per worker): an upload committing meanwhile may end the
            # phase or the seat just read, and the alert then says what was true when read.
            cutoff = now - min(config.heartbeat_timeout_seconds, config.offline_alert_seconds)
            left: dict[str, set[str]] = {}  # session -> who left its committee
            for row in tx.presence_rows(silent_before=cutoff):
                if row.session_id not in left:
                    left[row.session_id] = {
                        m.person_id
                        for m in tx.members(row.session_id)
                        if m.status in LEFT_COMMITTEE
                    }
                quiet = row.person_id in left[row.session_id]
                events += self._silence(tx, row, now, at, alarm=not quiet)
            events += self._stuck(tx, at)
            tx.touch_sockets(self.worker, online, now)
            if now - self._forgot > 60:  # answers to retried requests are kept for a day
                tx.forget_requests(now - KEEP_SECONDS)
                self._forgot = now
            return events

        events = await self.venue.store.tx(work, scope=PRESENCE_SCOPE)
        await publish(self.venue, events)

    def _silence(
        self, tx: SqliteTx, row: PresenceRecord, now: float, at: str, alarm: bool = True
    ) -> list[EventRecord]:
        config, silent = self.venue.config, now - row.last_beat
        alerted, made, updated = _alerted(row.alerted), Made(), row
        if row.presence != Presence.OFFLINE.value and silent > config.heartbeat_timeout_seconds:
            updated = replace(row, presence=Presence.OFFLINE.value, last_activity=at)
            made.append(
                (
                    "presence",
                    {
                        "person": row.person_id,
                        "presence": "offline",
                        "items_scored": row.items_scored,
                    },
                )
            )
        if (
            alarm
            and updated.presence == Presence.OFFLINE.value
            and silent > config.offline_alert_seconds
            and "offline" not in alerted
        ):
            alerted.add("offline")
            made.append(
                ("alert", {"alert": "offline", "person": row.person_id, "seconds": int(silent)})
            )
        if not made:
            return []
        tx.put_presence(replace(updated, alerted=",".join(sorted(alerted))))
        self.seen.pop((row.session_id, row.person_id), None)
        return self._record(tx, row.session_id, made, at)

    def _stuck(self, tx: SqliteTx, at: str) -> list[EventRecord]:
        events: list[EventRecord] = []
        for session in tx.sessions():
            if session.phase not in values(RUNNING_PHASES) or session.paused_in:
                continue
            lasted = (self.venue.now() - parse_iso(session.phase_since)).total_seconds()
            if lasted > self.venue.config.phase_stuck_seconds and tx.raise_session_alert(
                session.id, f"phase_stuck:{session.phase}:{session.phase_since}"
            ):
                payload = {"alert": "phase_stuck", "phase": session.phase, "seconds": int(lasted)}
                events += self._record(tx, session.id, [("alert", payload)], at)
        return events

    def disconnected(self, person_id: str) -> None:
        """The socket closed: nothing to do now; silence counts from the last heartbeat."""

    def start(self, interval: float = 1.0) -> None:
        self.interval = interval

        async def run() -> None:
            while True:
                await asyncio.sleep(interval)
                try:
                    await self.sweep()
                except Exception:  # the monitor must outlive any one bad pass (or a store outage)
                    logger.exception("presence sweep failed")

        self._task = asyncio.create_task(run(), name="presence-monitor")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def snapshot(self, session_id: str) -> list[dict[str, object]]:
        """Every expert's presence in the session and whether a socket of theirs is open on any
        worker (a worker refreshes its sockets every pass; one that died stops counting)."""
        fresh = time.time() - max(3 * self.interval, 3.0)
        local = self.venue.hub.online() if self.venue.hub else set()  # type: ignore[attr-defined]

        def read(tx: SqliteTx) -> tuple[list[PresenceRecord], set[str]]:
            return tx.presence_rows(session_id), tx.connected_people(fresh, self.worker)

        rows, elsewhere = await self.venue.store.read(read)
        return [
            {
                "person": row.person_id,
                "presence": row.presence,
                "items_scored": row.items_scored,
                "last_activity": row.last_activity,
                "connected": row.person_id in local or row.person_id in elsewhere,
            }
            for row in rows
        ]


# The board lives on the aiohttp app; a typed key keeps aiohttp from warning.
PRESENCE_KEY: web.AppKey[PresenceBoard] = web.AppKey("presence", PresenceBoard)
