"""The exception hierarchy of the venue service.

Every error a client can cause maps to one HTTP status and a JSON body
``{"error": {"code", "message", "message_zh", "details"}}``: never a 500 for bad input.
"""

from __future__ import annotations

from typing import Any


class VenueError(Exception):
    """Base of every venue failure."""

    status = 500
    code = "internal"

    def __init__(
        self,
        message_en: str,
        message_zh: str | None = None,
        details: dict[str, Any] | None = None,
        code: str | None = None,
    ):
        self.message_en = message_en
        self.message_zh = message_zh or message_en
        self.details = details or {}
        if code:
            self.code = code
        super().__init__(message_en)

    def body(self) -> dict[str, Any]:
        return {  # the wire keeps its field names: "message" is the English one
            "error": {
                "code": self.code,
                "message": self.message_en,
                "message_zh": self.message_zh,
                "details": self.details,
            }
        }


class BadRequest(VenueError):
    status = 400
    code = "bad_request"


class Unauthorized(VenueError):
    status = 401
    code = "unauthorized"


class Forbidden(VenueError):
    status = 403
    code = "forbidden"


class NotFound(VenueError):
    status = 404
    code = "not_found"


class Conflict(VenueError):
    status = 409
    code = "conflict"


class RequestTimeout(VenueError):
    """The body did not arrive in time (a stalled or half-sent request)."""

    status = 408
    code = "timeout"


class PayloadTooLarge(VenueError):
    status = 413
    code = "too_large"


class RangeNotSatisfiable(VenueError):
    status = 416
    code = "range_not_satisfiable"


class Unprocessable(VenueError):
    """Well-formed but refused: a signature that does not verify, a phase that forbids it."""

    status = 422
    code = "refused"


class StoreError(VenueError):
    """The store failed (disk full, corrupt database, migration error)."""

    status = 503
    code = "store_unavailable"


class ConfigError(VenueError):
    """The venue configuration file is missing or invalid."""
