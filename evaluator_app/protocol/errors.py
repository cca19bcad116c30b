"""The exception hierarchy of ``evaluator_app.protocol``: a message or an artefact that does not
match its contract. Like every package's root, it carries ``message_en`` and ``message_zh``."""

from __future__ import annotations


class ProtocolError(ValueError):
    """Base of every protocol failure."""

    def __init__(self, message_en: str, message_zh: str | None = None) -> None:
        self.message_en = message_en
        self.message_zh = message_zh if message_zh is not None else message_en
        super().__init__(message_en)
