"""The event hub: every change is an event with a sequence number, fanned out over WebSockets.

A client connecting with ``since=N`` first receives, in order, every event after N that it may
see (from the store), then live events, with no gap and no duplicate: it is registered before
the backlog is read, and live events at or below the backlog's end are dropped.
Each client has its own bounded queue and writer task, so one slow client never delays others;
a client that falls too far behind is disconnected and will catch up with ``since``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field

from aiohttp import web

from evaluator_app.venue.http import Caller
from evaluator_app.venue.store.records import EventRecord, MemberRecord, SessionRecord
from evaluator_app.venue.visibility import audience_allows, can_see

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 2000
# events of these kinds never change who may see a session: no directory refresh needed
NO_MEMBERSHIP_CHANGE = {"presence", "alert", "acknowledged", "broadcast"}


def event_json(event: EventRecord) -> str:
    return json.dumps(
        {"type": "event", "seq": event.seq, "session_id": event.session_id, "kind": event.kind, "payload": json.loads(event.payload), "at": event.at},
        ensure_ascii=False,
    )


@dataclass(eq=False)
class Client:
    caller: Caller
    ws: web.WebSocketResponse
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    floor: int = 0  # events at or below this were already sent from the backlog
    ready: bool = False  # backlog sent; live events flow
    pending: list[EventRecord] = field(default_factory=list)


class EventHub:
    """Fan-out with a directory of sessions (session, members) to decide who sees what."""

    def __init__(self) -> None:
        self.clients: set[Client] = set()
        self.directory: dict[str, tuple[SessionRecord, list[MemberRecord]]] = {}

    def visible(self, caller: Caller, session_id: str | None) -> bool:
        if session_id is None:
            return caller.role == "centre"
        entry = self.directory.get(session_id)
        return entry is not None and can_see(caller, *entry)

    def wants(self, client: Client, event: EventRecord) -> bool:
        return self.wants_record(client.caller, event)

    def wants_record(self, caller: Caller, event: EventRecord) -> bool:
        return audience_allows(event.audience, caller) and self.visible(caller, event.session_id)

    def remember(self, session: SessionRecord, members: list[MemberRecord]) -> None:
        self.directory[session.id] = (session, members)

    def publish(self, *events: EventRecord) -> None:
        for event in events:
            for client in list(self.clients):
                if not client.ready:
                    client.pending.append(event)
                elif event.seq > client.floor and self.wants(client, event):
                    self._put(client, event_json(event))

    def _put(self, client: Client, text: str) -> None:
        try:
            client.queue.put_nowait(text)
        except asyncio.QueueFull:
            logger.warning("client %s fell behind; disconnecting it to catch up with since=", client.caller.person_id)
            self.clients.discard(client)
            with contextlib.suppress(asyncio.QueueFull):
                client.queue.put_nowait(None)

    def register(self, caller: Caller, ws: web.WebSocketResponse) -> Client:
        client = Client(caller, ws)
        self.clients.add(client)
        return client

    def start_live(self, client: Client, backlog: list[EventRecord]) -> None:
        """Queue the backlog, then the events that arrived meanwhile, then go live."""
        for event in backlog:
            if self.wants(client, event):
                self._put(client, event_json(event))
        client.floor = backlog[-1].seq if backlog else client.floor
        for event in client.pending:
            if event.seq > client.floor and self.wants(client, event):
                self._put(client, event_json(event))
                client.floor = event.seq
        client.pending.clear()
        client.ready = True

    def unregister(self, client: Client) -> None:
        self.clients.discard(client)

    def send_direct(self, client: Client, message: dict[str, object]) -> None:
        self._put(client, json.dumps(message, ensure_ascii=False))

    def online(self) -> set[str]:
        return {c.caller.person_id for c in self.clients}

    async def close_all(self) -> None:
        for client in list(self.clients):
            with contextlib.suppress(asyncio.QueueFull):
                client.queue.put_nowait(None)
        self.clients.clear()


async def publish(venue: object, events: list[EventRecord]) -> None:
    """Refresh the directory for sessions whose membership may have changed, then fan out."""
    hub: EventHub | None = getattr(venue, "hub", None)
    if hub is None or not events:
        return
    touched = {e.session_id for e in events if e.session_id and e.kind not in NO_MEMBERSHIP_CHANGE}
    if touched:
        store = venue.store  # type: ignore[attr-defined]
        rows = await store.tx(lambda tx: [(tx.session(sid), tx.members(sid)) for sid in touched])
        for session, members in rows:
            if session is not None:
                hub.remember(session, members)
    hub.publish(*events)


async def writer(client: Client) -> None:
    """Send a client's queue in order until a None (disconnect) or a send error."""
    while True:
        text = await client.queue.get()
        if text is None or client.ws.closed:
            break
        try:
            await client.ws.send_str(text)
        except (ConnectionError, RuntimeError):
            break
    with contextlib.suppress(Exception):
        await client.ws.close()
