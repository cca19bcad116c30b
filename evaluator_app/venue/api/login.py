"""Login by signature and workstation enrolment; who the caller is."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.protocol.messages import (
    EnrolRequest,
    LoginRequest,
)
from evaluator_app.venue.access import auth
from evaluator_app.venue.access.auth import caller_of
from evaluator_app.venue.http import (
    UNAUTHENTICATED_BODY_BYTES,
    json_response,
    read_body,
    venue_of,
)


async def login_challenge(request: web.Request) -> web.Response:
    return json_response(await auth.challenge(venue_of(request)))


async def login(request: web.Request) -> web.Response:
    body = await read_body(request, LoginRequest, UNAUTHENTICATED_BODY_BYTES)
    return json_response(await auth.login(venue_of(request), body))


async def enrol(request: web.Request) -> web.Response:
    body = await read_body(request, EnrolRequest, UNAUTHENTICATED_BODY_BYTES)
    where = await auth.enrol(venue_of(request), body)
    return json_response({"enrolled": where})


async def me(request: web.Request) -> web.Response:
    return json_response(await caller_of(request))
