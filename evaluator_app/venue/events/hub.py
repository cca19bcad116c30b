"""The event hub: every change is an event with a sequence number, fanned out over WebSockets.

A client connecting with ``since=N`` first receives, in order, every event after N that it may
see (from the store), then live events, with no gap and no duplicate: it is registered before
the backlog is read, and live events at or below the backlog's end are dropped.
Each client has its own bounded queue and writer task, so one slow client never delays others;
a client that falls too far behind is disconnected and will catch up with ``since``.

Live events reach every client in sequence order: :func:`publish` runs under one lock, and
every change publishes right after its transaction commits (the store runs transactions one
at a time, in order), so a directory refresh for one event cannot let a later event overtake
it. A client is never sent the same sequence number twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field

from aiohttp import web

from evaluator_app.protocol.kinds import ARTEFACT_KINDS
from evaluator_app.venue.access.visibility import HIDDEN_FROM_EXPERT, audience_allows
from evaluator_app.venue.http import Caller
from evaluator_app.venue.store.records import EventRecord, MemberRecord, SessionRecord

logger = logging.getLogger(__name__)

QUEUE_LIMIT = 2000
# Events of these kinds never change who may see a session: no directory refresh needed.
# An accepted artefact (``<kind>.accepted``, one per kind of the registry) is among them: its
# rule may mark the expert recused (committee.py), who still sees the session and keeps their
# venue; replacing someone (the "member" event) is what changes the index. Refreshing the
# directory for every acceptance put one store read under the hub's lock per upload (on SQLite,
# in the one store thread that also runs every write).
NO_MEMBERSHIP_CHANGE = frozenset(
    {"presence", "alert", "acknowledged", "broadcast", "phase"}
    | {f"{kind.name}.accepted" for kind in ARTEFACT_KINDS}
)
# events about one person that a secondary venue's supervisor sees only for people seated there
PER_PERSON = {"presence", "alert"}


def event_json(event: EventRecord) -> str:
    return json.dumps(
        {
            "type": "event",
            "seq": event.seq,
            "session_id": event.session_id,
            "kind": event.kind,
            "payload": json.loads(event.payload),
            "at": event.at,
        },
        ensure_ascii=False,
    )


@dataclass(frozen=True)
class SessionIndex:
    """Who may see a session, in sets: the same answer as ``can_see`` without scanning members."""

    main_venue: str
    venues: frozenset[str]  # venues of all members (a supervisor there sees the session)
    experts: frozenset[str]  # experts who see it (assigned, recused, absent: not replaced)


@dataclass(eq=False)
class Client:
    caller: Caller
    ws: web.WebSocketResponse
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    floor: int = 0  # events at or below this were already sent from the backlog
    ready: bool = False  # backlog sent; live events flow
    pending: list[EventRecord] = field(default_factory=list)
    dropped: bool = False  # fell too far behind: disconnected, must reconnect with since=
    backlog: list[str] = field(default_factory=list)  # sent by the writer before the queue


class EventHub:
    """Fan-out with a directory of sessions (session, members) to decide who sees what."""

    def __init__(self) -> None:
        self.clients: set[Client] = set()
        self.directory: dict[str, tuple[SessionRecord, list[MemberRecord]]] = {}
        self._index: dict[str, SessionIndex] = {}
        self.lock = asyncio.Lock()  # publishing is serialised: live events go out in seq order
        self.last_published = 0

    def visible(self, caller: Caller, session_id: str | None) -> bool:
        """:func:`visibility.can_see`, answered from an index: fan-out asks once per client per
        event."""
        if session_id is None:
            return caller.role == "centre"
        index = self._index.get(session_id)
        if index is None:
            return False
        if caller.role == "centre":
            return True
        if caller.role == "supervisor":
            return index.main_venue == caller.venue or caller.venue in index.venues
        return caller.person_id in index.experts

    def wants(self, client: Client, event: EventRecord) -> bool:
        return self.wants_record(client.caller, event)

    def wants_record(self, caller: Caller, event: EventRecord) -> bool:
        if not (audience_allows(event.audience, caller) and self.visible(caller, event.session_id)):
            return False
        if (
            caller.role == "supervisor"
            and event.kind in PER_PERSON
            and event.session_id is not None
        ):
            return self._seated_here(caller, event)
        return True

    def _seated_here(self, caller: Caller, event: EventRecord) -> bool:
        """A secondary venue's supervisor watches only the people seated at that venue."""
        # mypy: wants_record calls this only when session_id is not None
        session, members = self.directory[event.session_id]  # type: ignore[index]
        if session.main_venue == caller.venue:
            return True
        person = json.loads(event.payload).get("person")
        return person is None or any(
            m.person_id == person and m.venue == caller.venue for m in members
        )

    def remember(self, session: SessionRecord, members: list[MemberRecord]) -> None:
        """Who is in a session. Refreshed on membership changes only: the record's phase may be
        stale."""
        self.directory[session.id] = (session, members)
        experts = frozenset(
            m.person_id
            for m in members
            if m.role == "expert" and m.status not in HIDDEN_FROM_EXPERT
        )
        self._index[session.id] = SessionIndex(
            session.main_venue, frozenset(m.venue for m in members), experts
        )

    def publish(self, *events: EventRecord) -> None:
        """Fan out, synchronously. Call through :func:`publish` so that order is kept."""
        for event in events:
            if event.seq < self.last_published:
                logger.warning(
                    "event %d published after %d: out of order", event.seq, self.last_published
                )
            self.last_published = max(self.last_published, event.seq)
            text: str | None = None  # serialised once, for the first client that wants it
            for client in list(self.clients):
                if not client.ready:
                    client.pending.append(event)
                elif event.seq > client.floor:
                    client.floor = event.seq
                    if self.wants(client, event):
                        text = text or event_json(event)
                        self._put(client, text)

    def _put(self, client: Client, text: str) -> None:
        if client.dropped:
            return
        try:
            client.queue.put_nowait(text)
        except asyncio.QueueFull:
            logger.warning(
                "client %s fell behind; disconnecting it to catch up with since=",
                client.caller.person_id,
            )
            self.drop(client)

    def drop(self, client: Client) -> None:
        """Forget what is queued and tell the writer to close: the client reconnects with since=."""
        self.clients.discard(client)
        client.dropped = True
        while not client.queue.empty():
            client.queue.get_nowait()
        client.queue.put_nowait(None)

    def register(self, caller: Caller, ws: web.WebSocketResponse) -> Client:
        client = Client(caller, ws)
        self.clients.add(client)
        return client

    def start_live(
        self, client: Client, backlog: list[EventRecord], announce: bool = False
    ) -> None:
        """Queue the backlog, then the events that arrived meanwhile, then go live (empties
        ``backlog``)."""
        # the backlog is not bounded by the live queue: a client catching up on a long session
        # must not be dropped for that (the store caps one backlog read)
        client.backlog = [event_json(event) for event in backlog if self.wants(client, event)]
        client.floor = max(client.floor, backlog[-1].seq) if backlog else client.floor
        if announce:  # asked for (caught_up=1): a client that reconnected says what it missed
            replayed = len(client.backlog)
            client.backlog.append(
                json.dumps({"type": "caught_up", "replayed": replayed, "last_seq": client.floor})
            )
        for event in client.pending:
            if event.seq > client.floor:
                client.floor = event.seq
                if self.wants(client, event):
                    self._put(client, event_json(event))
        client.pending.clear()
        client.ready = True
        # The list is consumed: the WebSocket handler's frame keeps its ``backlog`` for as long as
        # the connection lives, and 1,000 connections each holding every past event filled the
        # heap (and made each full garbage collection pause the venue for over 100 ms).
        backlog.clear()

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
    """Refresh the directory for sessions whose membership may have changed, then fan out.

    Call this right after the transaction that made ``events`` commits, with no other await
    in between: the lock (FIFO) then keeps live events in the order of their sequence numbers.
    With several workers (PostgreSQL) the events come back through the database instead: the
    listener fans out every worker's events from the table, in order; this only wakes it.
    """
    hub: EventHub | None = getattr(venue, "hub", None)
    if hub is None or not events:
        return
    listener = getattr(venue, "listener", None)
    if listener is not None:
        listener.poke()
        return
    async with hub.lock:
        await fan_out(venue, hub, events)


async def fan_out(venue: object, hub: EventHub, events: list[EventRecord]) -> None:
    """Under ``hub.lock``: the directory refreshed for the sessions these events touch, then
    the events sent."""
    touched = {e.session_id for e in events if e.session_id and e.kind not in NO_MEMBERSHIP_CHANGE}
    if touched:
        # mypy: fan_out takes the Venue as object; it has a store
        store = venue.store  # type: ignore[attr-defined]
        rows = await store.read(
            lambda tx: [(tx.session(sid), tx.members(sid)) for sid in touched], urgent=True
        )
        for session, members in rows:
            if session is not None:
                hub.remember(session, members)
    hub.publish(*sorted(events, key=lambda e: e.seq))


async def writer(client: Client) -> None:
    """Send a client's backlog, then its queue, in order until a None (disconnect) or a send
    error."""
    backlog, client.backlog = client.backlog, []
    try:
        for line in backlog:
            await client.ws.send_str(line)
        while True:
            text = await client.queue.get()
            if text is None or client.ws.closed:
                break
            await client.ws.send_str(text)
    except (ConnectionError, RuntimeError):
        pass
    with contextlib.suppress(Exception):
        await client.ws.close()
