"""The evaluation report and its signatures."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import json_response, read_json, venue_of
from evaluator_app.venue.results import report, report_signatures


async def get_report(request: web.Request) -> web.Response:
    return json_response(
        await report.get_report(
            venue_of(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def sign_report(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = report_signatures.parse_signature_body(await read_json(request))
    return json_response(
        await report_signatures.sign_report(
            venue_of(request), caller, request.match_info["sid"], body
        ),
        status=201,
    )
