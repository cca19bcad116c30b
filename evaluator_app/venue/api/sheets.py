"""Score sheets: checking one before signing, one's own sheets, returning a sheet."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.protocol.artefacts import ScoreSheet
from evaluator_app.protocol.messages import (
    PauseRequest,
)
from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import (
    json_response,
    read_body,
    venue_of,
)
from evaluator_app.venue.results import summary as results


async def check_sheet(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, ScoreSheet)
    return json_response(
        await results.check_sheet(venue_of(request), caller, request.match_info["sid"], body)
    )


async def my_sheets(request: web.Request) -> web.Response:
    return json_response(
        await results.my_sheets(
            venue_of(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def return_sheet(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, PauseRequest)  # {"reason": ...}
    await results.return_sheet(
        venue_of(request),
        caller,
        request.match_info["sid"],
        request.match_info["expert"],
        body.reason,
    )
    return json_response({"returned": request.match_info["expert"]})
