"""The venue itself: health, the timestamp authority, the OpenAPI description."""

from __future__ import annotations

from functools import cache
from importlib import resources

from aiohttp import web

from evaluator_app.venue.errors import NotFound
from evaluator_app.venue.http import (
    json_response,
    venue_of,
)


async def health(request: web.Request) -> web.Response:
    venue = venue_of(request)
    return json_response(
        {
            "venue_id": venue.venue_id,
            "city": venue.config.city,
            "venues": venue.config.names,  # id → name: clients show names, never ids
            "time": venue.now_iso(),
        }
    )


async def tsa(request: web.Request) -> web.StreamResponse:
    """RFC 3161 over HTTPS (application/timestamp-query in, application/timestamp-reply out)."""
    handler = venue_of(request).tsa_handler
    if handler is None:
        raise NotFound(
            "this venue serves no timestamp authority", "本场地未提供时间戳服务", code="no_tsa"
        )
    return await handler(request)


@cache
def _openapi_bytes() -> bytes:
    return resources.files("evaluator_app.venue.api").joinpath("openapi.json").read_bytes()


async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 description of this API (public, like /health)."""
    return web.Response(body=_openapi_bytes(), content_type="application/json", charset="utf-8")
