"""The exception hierarchy of the client package."""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    """Base of every client failure; ``message_zh`` is what the person reads, ``message_en``
    the English one."""

    def __init__(self, message_en: str, message_zh: str | None = None):
        self.message_en = message_en
        self.message_zh = message_zh or message_en
        super().__init__(message_en)


class VenueUnreachable(ClientError):
    """No answer from the venue (network down, wrong address, TLS failure)."""


class VenueRefused(ClientError):
    """The venue answered with an error: ``status``, ``code`` and its bilingual message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        message_zh: str,
        details: dict[str, Any] | None = None,
    ):
        self.status = status
        self.code = code
        self.details = details or {}
        super().__init__(message, message_zh)


class WrongVenue(ClientError):
    """The server's TLS certificate is not the one the venue says it is (possible interception)."""


class ManifestRefused(ClientError):
    """The session's document manifest cannot be trusted; ``code`` says why, ``reasons`` the
    details."""

    def __init__(self, code: str, message: str, message_zh: str, reasons: tuple[str, ...] = ()):
        self.code = code
        self.reasons = reasons
        super().__init__(message, message_zh)


class DocumentCorrupt(ClientError):
    """A downloaded document does not match the signed manifest (hash or size); it was discarded."""

    def __init__(self, doc_id: str, message: str, message_zh: str):
        self.doc_id = doc_id
        super().__init__(message, message_zh)


class DownloadFailed(ClientError):
    """A document could not be downloaded after the retries; what arrived stays cached for a
    resume."""


class CacheError(ClientError):
    """The encrypted document cache refused: closed (wiped), missing entry, or tampered content."""


class CacheTampered(CacheError):
    """A cached file failed authentication (altered, truncated, reordered or swapped chunks)."""


class LoginRequired(ClientError):
    """The venue no longer accepts the token (expired or revoked): the person must enter the PIN
    again."""
