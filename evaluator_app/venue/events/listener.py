"""Events of every worker to this worker's WebSockets: LISTEN/NOTIFY, with the table as the truth.

A transaction that appends an event sends ``NOTIFY venue_events`` (delivered when it commits).
The notification carries nothing: on each one, and at least every :data:`POLL_SECONDS` anyway,
the pump reads every event after the last one it fanned out, in sequence order, from the table.
So a notification lost (the listening connection dropped, the database restarted) delays an
event by at most one poll and never loses it; and because writers commit one at a time (the
store's writer lock), sequence numbers become visible in order: reading ``seq > last`` never
skips one that commits later. Clients reconnecting with ``since=N`` replay from the same table.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from evaluator_app.venue.events.hub import EventHub, fan_out

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # a missed notification costs at most this long
RECONNECT_SECONDS = (0.2, 5.0)  # back-off of the listening connection: first, largest


class EventListener:
    def __init__(self, venue: Any, hub: EventHub, dsn: str):
        self.venue, self.hub, self.dsn = venue, hub, dsn
        self.last = 0  # the last seq fanned out here
        self.listening = False  # the LISTEN connection is up (for /health and tests)
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self.last = await self.venue.store.read(lambda tx: tx.last_event_seq())
        self._tasks = [
            asyncio.create_task(self._listen(), name="events-listen"),
            asyncio.create_task(self._pump(), name="events-pump"),
        ]

    def poke(self) -> None:
        """Read the table now (an event was committed here, or a notification came)."""
        self._wake.set()

    async def _listen(self) -> None:
        import psycopg

        delay = RECONNECT_SECONDS[0]
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.dsn, autocommit=True) as conn:
                    await conn.execute("LISTEN venue_events")
                    self.listening, delay = True, RECONNECT_SECONDS[0]
                    self.poke()  # whatever was committed while we were not listening
                    async for _ in conn.notifies():
                        self.poke()
            except psycopg.Error as exc:
                logger.warning("event notifications lost (%s); polling until back", exc)
            finally:
                self.listening = False
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_SECONDS[1])

    async def _pump(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation that
            # comes as the wait ends, and a loop that swallowed one never stops
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(POLL_SECONDS):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.catch_up()
            except Exception as exc:  # the database is down: the next poll tries again
                logger.warning("cannot read new events: %s", exc)

    async def catch_up(self) -> None:
        while True:
            after = self.last
            events = await self.venue.store.read(
                lambda tx, after=after: tx.events_since(after), urgent=True
            )
            if not events:
                return
            async with self.hub.lock:
                await fan_out(self.venue, self.hub, events)
            self.last = events[-1].seq
            if len(events) < 10_000:
                return

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
