"""Uploads of signed artefacts: one handler per kind, all through the committee's rules."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.protocol.messages import (
    SignedUpload,
)
from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import (
    json_response,
    read_body,
    venue_of,
)
from evaluator_app.venue.intake import rules as committee


def _upload(kind: str):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        caller = await caller_of(request)
        body = await read_body(request, SignedUpload)
        receipt, _moved = await committee.submit(
            venue_of(request), caller, request.match_info["sid"], kind, body
        )
        return json_response(receipt, status=201)

    handler.__name__ = f"upload_{kind}"
    return handler
