"""The expert draw's routes: a step logged as it is made, the record attached to its session."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.protocol.draw import DrawAttach, DrawStepLog
from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import json_response, read_body, venue_of
from evaluator_app.venue.sessions.draw import attach, log_step


async def post_step(request: web.Request) -> web.Response:
    body = await read_body(request, DrawStepLog)
    return json_response(await log_step(venue_of(request), await caller_of(request), body))


async def put_draw(request: web.Request) -> web.Response:
    body = await read_body(request, DrawAttach)
    caller = await caller_of(request)
    return json_response(await attach(venue_of(request), caller, request.match_info["sid"], body))
