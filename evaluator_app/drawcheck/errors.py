"""The exception hierarchy of ``evaluator_app.drawcheck`` (``message_en`` / ``message_zh``)."""

from __future__ import annotations


class DrawCheckError(Exception):
    """Base of every failure of the draw's checks."""

    def __init__(self, message_en: str, message_zh: str | None = None) -> None:
        self.message_en = message_en
        self.message_zh = message_zh if message_zh is not None else message_en
        super().__init__(message_en)


class MismatchError(DrawCheckError):
    """The first thing that differs; ``where`` names file and field."""

    def __init__(self, where: str, en: str, zh: str) -> None:
        self.where, self.en, self.zh = where, en, zh
        super().__init__(f"{where}: {en}", f"{where}：{zh}")
