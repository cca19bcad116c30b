"""HTTP plumbing of the venue: JSON bodies, the error middleware, the caller's identity."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from evaluator_app.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from evaluator_app.protocol.schema import SchemaError, decode, encode
from evaluator_app.venue.errors import (
    BadRequest,
    PayloadTooLarge,
    RangeNotSatisfiable,
    RequestTimeout,
    VenueError,
)

if TYPE_CHECKING:
    from evaluator_app.venue.context import Venue

logger = logging.getLogger(__name__)
T = TypeVar("T")

VENUE_KEY: web.AppKey[Any] = web.AppKey("venue", object)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def venue_of(request: web.Request) -> Venue:
    """The venue an application was built for (set by :func:`venue.app.make_app`)."""
    return request.app[VENUE_KEY]


@dataclass(frozen=True)
class Caller:
    """The person behind a request's bearer token."""

    person_id: str
    name: str
    role: str  # expert, supervisor, centre
    venue: str  # the venue the person belongs to
    workstation_id: str
    seat: str


def json_response(
    value: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    body = json.dumps(encode(value), ensure_ascii=False).encode("utf-8")
    response = web.Response(
        body=body, status=status, content_type="application/json", charset="utf-8", headers=headers
    )
    response.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
    return response


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The body, refused (413) as soon as it is known to exceed ``limit``: by its declared
    length before anything is read, else while it streams in."""
    declared = request.content_length
    if declared is not None and declared > limit:
        raise _over(limit)
    body = bytearray()
    while chunk := await request.content.read(limit + 1 - len(body)):
        body += chunk
        if len(body) > limit:
            raise _over(limit)
    return bytes(body)


def _over(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"the body is larger than the {limit} bytes this request may have",
        f"请求内容超过此请求允许的 {limit} 字节",
    )


async def read_json(request: web.Request, limit: int | None = None) -> Any:
    """The JSON body; ``limit`` (bytes) for requests nobody has authenticated yet."""
    if request.content_type != "application/json":
        raise BadRequest(
            "the body must be JSON (Content-Type: application/json)",
            "请求内容必须是 JSON",
            code="not_json",
        )
    try:
        async with asyncio.timeout(BODY_TIMEOUT_SECONDS):
            raw = await (request.read() if limit is None else read_limited(request, limit))
    except web.HTTPRequestEntityTooLarge as exc:
        raise _too_large(exc) from None
    except TimeoutError:
        raise RequestTimeout(
            f"the body did not arrive within {BODY_TIMEOUT_SECONDS} s",
            "请求内容未在规定时间内送达",
            code="timeout",
        ) from None
    try:
        data = json.loads(
            raw, parse_float=_no_float, parse_int=_bounded_int, parse_constant=_no_constant
        )
    except _Refused as exc:
        raise BadRequest(
            str(exc),
            '数字格式不符合协议：小数须写成字符串（如 "12.5"），整数须在 64 位范围内',
            code="invalid_field",
        ) from None
    except RecursionError:
        raise BadRequest(
            "the body is nested too deeply", "请求内容嵌套层数过多", code="malformed_json"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(
            f"the body is not valid JSON: {exc}", "请求内容不是有效的 JSON", code="malformed_json"
        ) from None
    if _SURROGATE_ESCAPE.search(
        raw
    ):  # a \ud800 escape may leave a lone surrogate: not storable text
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest(
                "the body holds a lone UTF-16 surrogate (\\uD800-\\uDFFF)",
                "请求内容含有无效的 Unicode 字符",
                code="invalid_field",
            ) from None
    return data


# A JSON body (at most max_body_bytes) must arrive within this; a half-sent one is a 408.
BODY_TIMEOUT_SECONDS = 60.0
# Before anyone is authenticated a body costs what a login needs, no more: the statement and
# its CMS with a few certificates come to some 5 KB (base64), an enrolment to less.
UNAUTHENTICATED_BODY_BYTES = 16 * 1024

# No floats on the wire (protocol.schema.encode refuses them too): decimals travel as strings.
# Integers must fit the store (SQLite INTEGER); NaN and Infinity are not JSON.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_INT_RANGE = 2**63


class _Refused(ValueError):
    pass


def _no_float(text: str) -> Any:
    raise _Refused(
        f"number {text[:40]} has a fraction or exponent: decimals are sent as strings, such as "
        '"12.5"'
    )


def _bounded_int(text: str) -> int:
    value = int(text)
    if not -_INT_RANGE <= value < _INT_RANGE:
        raise _Refused(f"number {text[:40]}... is out of range (64-bit)")
    return value


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


async def read_body(request: web.Request, cls: type[T], limit: int | None = None) -> T:
    data = await read_json(request, limit)
    try:
        return decode(cls, data)
    except SchemaError as exc:
        raise BadRequest(
            exc.message_en,
            exc.message_zh,
            {"field": exc.field},
            code="invalid_field",
        ) from None


def _too_large(exc: web.HTTPRequestEntityTooLarge) -> PayloadTooLarge:
    # aiohttp's exception has no max_size attribute (reading it was a 500): its text says the sizes
    return PayloadTooLarge(f"the body is too large: {exc.text}", "请求内容超过大小限制")


def error_response(error: VenueError) -> web.Response:
    headers = None
    if isinstance(error, RangeNotSatisfiable) and isinstance(error.details.get("size"), int):
        headers = {"Content-Range": f"bytes */{error.details['size']}"}  # RFC 9110 §15.5.17
    return json_response(error.body(), status=error.status, headers=headers)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except VenueError as exc:
        if exc.status >= 500:
            logger.error("%s %s: %s", request.method, request.path, exc)
        return error_response(exc)
    except web.HTTPRequestEntityTooLarge as exc:
        return error_response(_too_large(exc))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status, "http_error")
        body = {
            "error": {"code": code, "message": exc.reason, "message_zh": exc.reason, "details": {}}
        }
        return json_response(body, status=exc.status)
    except Exception:  # a bug: log it with the trace, tell the client nothing internal
        logger.exception("unhandled error in %s %s", request.method, request.path)
        body = {
            "error": {
                "code": "internal",
                "message": "internal error",
                "message_zh": "服务内部错误",
                "details": {},
            }
        }
        return json_response(body, status=500)
