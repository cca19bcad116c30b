"""A QIODevice over an encrypted cached document: QtPdf reads pages straight from the cache,
decrypting only the chunks it touches (a 100 MB bid costs a few MB of memory, not 200)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QIODevice, QObject

from evaluator_app.client.cache_format import CacheReader
from evaluator_app.client.errors import CacheError

logger = logging.getLogger(__name__)


class EncryptedDevice(QIODevice):
    def __init__(self, reader: CacheReader, parent: QObject | None = None):
        super().__init__(parent)  # type: ignore[arg-type]  # the stub wants a QObject; Qt takes None
        self.reader = reader

    def isSequential(self) -> bool:
        return False

    def size(self) -> int:
        return self.reader.size

    def bytesAvailable(self) -> int:
        return self.reader.size - self.pos() + super().bytesAvailable()

    def readData(self, maxlen: int) -> bytes:
        try:
            return self.reader.read(self.pos(), maxlen)
        except (
            CacheError
        ) as exc:  # altered on disk since it was verified: stop reading, never show it
            logger.error("document %s: %s", self.reader.doc_id, exc)
            self.setErrorString(exc.message_zh)
            return b""

    def writeData(self, data: bytes | bytearray | memoryview, size: int, /) -> int:
        return -1  # read-only

    def close(self) -> None:
        super().close()
        self.reader.close()
