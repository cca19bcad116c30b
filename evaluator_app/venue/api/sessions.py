"""Sessions: listing, creation, views, phases, pause, broadcasts, absence."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.protocol.messages import (
    Broadcast,
    CreateSession,
    MarkAbsent,
    PauseRequest,
    PhaseChange,
)
from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.errors import BadRequest
from evaluator_app.venue.http import (
    json_response,
    read_body,
    read_json,
    venue_of,
)
from evaluator_app.venue.results import report
from evaluator_app.venue.sessions import access
from evaluator_app.venue.sessions import lifecycle as sessions


async def list_sessions(request: web.Request) -> web.Response:
    return json_response(
        {"sessions": await access.list_sessions(venue_of(request), await caller_of(request))}
    )


async def create_session(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, CreateSession)
    return json_response(await sessions.create_session(venue_of(request), caller, body), status=201)


async def get_session(request: web.Request) -> web.Response:
    return json_response(
        await access.get_session(
            venue_of(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def phase(request: web.Request) -> web.Response:
    caller, venue, sid = await caller_of(request), venue_of(request), request.match_info["sid"]
    body = await read_body(request, PhaseChange)
    moved = await sessions.change_phase(venue, caller, sid, body.target, body.reason)
    await report.ensure_report(venue, sid)  # entering report signing: revision 0, rendered now
    return json_response(moved)


async def pause(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, PauseRequest)
    return json_response(
        await sessions.pause_or_resume(
            venue_of(request), caller, request.match_info["sid"], body.reason, True
        )
    )


async def resume(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, PauseRequest)
    return json_response(
        await sessions.pause_or_resume(
            venue_of(request), caller, request.match_info["sid"], body.reason, False
        )
    )


async def broadcast(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, Broadcast)
    return json_response(
        {
            "seq": await sessions.broadcast(
                venue_of(request), caller, request.match_info["sid"], body.message
            )
        }
    )


async def acknowledge(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    data = await read_json(request)
    seq = data.get("seq") if isinstance(data, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or set(data) != {"seq"}:
        raise BadRequest('body must be {"seq": N}', "请求格式错误", code="invalid_field")
    await sessions.acknowledge(venue_of(request), caller, request.match_info["sid"], seq)
    return json_response({"acknowledged": seq})


async def absent(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, MarkAbsent)
    return json_response(
        await sessions.mark_absent(
            venue_of(request), caller, request.match_info["sid"], body.person_id, body.reason
        )
    )
