"""The exception hierarchy of ``evaluator_app.auditlog`` (``message_en`` / ``message_zh``)."""

from __future__ import annotations


class AuditLogError(Exception):
    """Base of every audit-log failure."""

    def __init__(self, message_en: str, message_zh: str | None = None) -> None:
        self.message_en = message_en
        self.message_zh = message_zh if message_zh is not None else message_en
        super().__init__(message_en)


class AuditSourceError(AuditLogError):
    """The file is not a venue database, an audit export or an archive."""


class LogError(AuditLogError):
    """A record of the transparency log (tree head, receipt, proof) unreadable or untrue."""
