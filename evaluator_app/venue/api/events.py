"""Events: the replayable page, the WebSocket with heartbeats, presence."""

from __future__ import annotations

import asyncio
import json

from aiohttp import WSMsgType, web

from evaluator_app.protocol.messages import (
    Event,
    EventPage,
    Heartbeat,
    Role,
)
from evaluator_app.protocol.schema import SchemaError, decode
from evaluator_app.venue.access.auth import caller_of, require
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import BadRequest
from evaluator_app.venue.events.hub import writer
from evaluator_app.venue.events.presence import PRESENCE_KEY
from evaluator_app.venue.http import (
    Caller,
    json_response,
    venue_of,
)
from evaluator_app.venue.sessions.access import load


def _since(request: web.Request) -> int:
    try:
        since = int(request.query.get("since", "0"))
    except ValueError:
        since = -1
    if not 0 <= since < 2**63:  # the store's INTEGER range
        raise BadRequest(
            "since must be a whole number from 0", "since 参数必须是非负整数", code="invalid_field"
        )
    return since


async def events(request: web.Request) -> web.Response:
    caller, venue = await caller_of(request), venue_of(request)
    since = _since(request)
    backlog = await venue.store.read(lambda tx: tx.events_since(since))
    # mypy: hub is typed object; make_app sets the EventHub
    shown = [e for e in backlog if venue.hub.wants_record(caller, e)]  # type: ignore[attr-defined]
    last = backlog[-1].seq if backlog else since
    return json_response(
        EventPage(
            tuple(Event(e.seq, e.session_id, e.kind, json.loads(e.payload), e.at) for e in shown),
            last,
        )
    )


async def websocket(request: web.Request) -> web.WebSocketResponse:
    caller, venue = await caller_of(request), venue_of(request)
    since = _since(request)
    ws = web.WebSocketResponse(heartbeat=20, max_msg_size=64 * 1024)
    await ws.prepare(request)
    hub, board = venue.hub, request.app[PRESENCE_KEY]
    # mypy: hub is typed object; make_app sets the EventHub
    client = hub.register(caller, ws)  # type: ignore[attr-defined]
    backlog = await venue.store.read(lambda tx: _all_events_since(tx, since))
    announce = request.query.get("caught_up") == "1"  # a message once the backlog is sent
    # mypy: hub is typed object; make_app sets the EventHub
    hub.start_live(client, backlog, announce)  # type: ignore[attr-defined]
    del backlog  # a thousand sockets must not each keep their replay alive
    sender = asyncio.create_task(writer(client))
    try:
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            await _on_message(venue, board, caller, client, hub, message.data)
    finally:
        # mypy: hub is typed object; make_app sets the EventHub
        hub.unregister(client)  # type: ignore[attr-defined]
        board.disconnected(caller.person_id)
        client.queue.put_nowait(None) if not client.queue.full() else None
        await sender
    return ws


def _all_events_since(tx, since: int) -> list:
    """Every event after ``since``, in pages: a client far behind gets no gap."""
    out: list = []
    while True:
        page = tx.events_since(since)
        out += page
        if len(page) < 10_000:
            return out
        since = page[-1].seq


async def _on_message(venue: Venue, board, caller: Caller, client, hub, text: str) -> None:
    try:
        data = json.loads(text)
        kind = data.pop("type", None) if isinstance(data, dict) else None
        if kind != "heartbeat":
            raise SchemaError("$.type", "must be heartbeat")
        beat = decode(Heartbeat, data)
    except (ValueError, SchemaError) as exc:
        hub.send_direct(client, {"type": "error", "message": f"ignored malformed message: {exc}"})
        return
    if not board.accepts(
        caller, beat.session_id
    ):  # from memory: a heartbeat costs no store transaction
        hub.send_direct(
            client, {"type": "error", "message": "heartbeat for a session you are not an expert of"}
        )
        return
    await board.beat(beat.session_id, caller.person_id, beat.presence, beat.items_scored)


async def presence(request: web.Request) -> web.Response:
    caller, venue, sid = await caller_of(request), venue_of(request), request.match_info["sid"]
    require(caller, Role.SUPERVISOR, Role.CENTRE)
    session, members = await venue.store.read(lambda tx: load(tx, caller, sid))  # reads only
    shown = {
        m.person_id
        for m in members
        if caller.role == "centre" or session.main_venue == caller.venue or m.venue == caller.venue
    }
    rows = [row for row in await request.app[PRESENCE_KEY].snapshot(sid) if row["person"] in shown]
    return json_response({"presence": rows})
