"""Results of a session: the project, the gate votes, the summary, the archive."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import (
    json_response,
    venue_of,
)
from evaluator_app.venue.results import summary as results


async def project(request: web.Request) -> web.Response:
    return json_response(
        await results.project(
            venue_of(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def gates(request: web.Request) -> web.Response:
    return json_response(
        await results.gates(venue_of(request), await caller_of(request), request.match_info["sid"])
    )


async def summary(request: web.Request) -> web.Response:
    return json_response(
        await results.summary(
            venue_of(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def archive(request: web.Request) -> web.Response:
    from evaluator_app.venue.results.archive_export import export_archive

    sid = request.match_info["sid"]
    data = await export_archive(venue_of(request), await caller_of(request), sid)
    disposition = f'attachment; filename="session-{sid}.zip"'
    return web.Response(
        body=data, content_type="application/zip", headers={"Content-Disposition": disposition}
    )
