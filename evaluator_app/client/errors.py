"""The exception hierarchy of the client package."""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    """Base of every client failure; ``message_zh`` is what the person reads."""

    def __init__(self, message: str, message_zh: str | None = None):
        self.message = message
        self.message_zh = message_zh or message
        super().__init__(message)


class VenueUnreachable(ClientError):
    """No answer from the venue (network down, wrong address, TLS failure)."""


class VenueRefused(ClientError):
    """The venue answered with an error: ``status``, ``code`` and its bilingual message."""

    def __init__(self, status: int, code: str, message: str, message_zh: str, details: dict[str, Any] | None = None):
        self.status = status
        self.code = code
        self.details = details or {}
        super().__init__(message, message_zh)


class WrongVenue(ClientError):
    """The server's TLS certificate is not the one the venue says it is (possible interception)."""
