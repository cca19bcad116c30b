"""The venue's copy of an expert's unsigned draft."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.protocol.messages import (
    DraftPut,
)
from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import (
    json_response,
    read_body,
    venue_of,
)
from evaluator_app.venue.results import summary as results


async def put_draft(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, DraftPut)
    return json_response(
        await results.put_draft(venue_of(request), caller, request.match_info["sid"], body)
    )


async def get_draft(request: web.Request) -> web.Response:
    return json_response(
        await results.get_draft(
            venue_of(request), await caller_of(request), request.match_info["sid"]
        )
    )
