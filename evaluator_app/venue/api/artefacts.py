"""Uploads of signed artefacts: one route per kind of the registry, all through one intake."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from evaluator_app.protocol.kinds import ArtefactKind
from evaluator_app.protocol.messages import SignedUpload
from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import json_response, read_body, venue_of
from evaluator_app.venue.intake import submit as intake


def upload(kind: ArtefactKind) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        caller = await caller_of(request)
        body = await read_body(request, SignedUpload)
        receipt, _moved = await intake.submit(
            venue_of(request), caller, request.match_info["sid"], kind.name, body
        )
        return json_response(receipt, status=201)

    handler.__name__ = f"upload_{kind.name}"
    return handler
