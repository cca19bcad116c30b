"""The collusion warnings of a session."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import (
    json_response,
    venue_of,
)


async def warnings(request: web.Request) -> web.Response:
    from evaluator_app.venue.collusion import service as collusion_service

    return json_response(
        await collusion_service.warnings(
            venue_of(request), await caller_of(request), request.match_info["sid"]
        )
    )
