"""Documents' content in PostgreSQL: every worker reads it, one backup and one replica hold it.

Why the database and not a shared folder: a venue on PostgreSQL has several workers, possibly
on several machines; a folder they all read would need NFS or an object store, one more thing
to secure, back up and fail over. A session's documents are tens to hundreds of MB, which
PostgreSQL stores well in 1 MiB parts (``STORAGE EXTERNAL``: PDFs are already compressed, and a
ranged download reads only the parts it needs); base backups, WAL archiving and streaming
replication then carry them with the audit log they belong to.

An upload is hashed as it streams into a spool file and written (all parts, then the index row)
in one transaction only if it matches its announced SHA-256; content-addressed, so writes by
two workers at once commute and need no writer lock.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from evaluator_app.venue.blob_names import CHUNK, HEX64, check_sha256
from evaluator_app.venue.errors import BadRequest, PayloadTooLarge

PART = 1024 * 1024  # bytes per row of blob_data
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # an upload larger than this spools to a temporary file


class PgBlobStore:
    def __init__(self, store: Any):
        self.store = store  # the AsyncStore over a PgStore

    def _index(self, sha256: str) -> tuple[int, int] | None:
        with self.store.store.reading() as tx:
            row = tx.conn.execute(
                "SELECT size, parts FROM blob_index WHERE sha256 = %s", (sha256,)
            ).fetchone()
        return (int(row["size"]), int(row["parts"])) if row else None

    def has(self, sha256: str) -> bool:
        return HEX64.match(sha256) is not None and self._index(sha256) is not None

    def size(self, sha256: str) -> int:
        found = self._index(check_sha256(sha256))
        if found is None:
            raise FileNotFoundError(sha256)
        return found[0]

    async def ahas(self, sha256: str) -> bool:
        return bool(await self.store.call(lambda: self.has(sha256)))

    async def asize(self, sha256: str) -> int:
        return int(await self.store.call(lambda: self.size(sha256)))

    def _part(self, sha256: str, part: int) -> bytes:
        with self.store.store.reading() as tx:
            row = tx.conn.execute(
                "SELECT data FROM blob_data WHERE sha256 = %s AND part = %s", (sha256, part)
            ).fetchone()
        if row is None:
            raise FileNotFoundError(f"{sha256} part {part}")
        return bytes(row["data"])

    def read_bytes(self, sha256: str) -> bytes:
        """The whole content (the collusion analysis reads bids whole)."""
        check_sha256(sha256)
        with self.store.store.reading() as tx:
            rows = tx.conn.execute(
                "SELECT data FROM blob_data WHERE sha256 = %s ORDER BY part", (sha256,)
            ).fetchall()
        if not rows and self._index(sha256) is None:
            raise FileNotFoundError(sha256)
        return b"".join(bytes(r["data"]) for r in rows)

    async def chunks(self, sha256: str, start: int, end: int) -> AsyncIterator[bytes]:
        for part in range(start // PART, end // PART + 1):
            data = await self.store.call(lambda p=part: self._part(sha256, p))
            lo = max(start - part * PART, 0)
            hi = min(end - part * PART + 1, len(data))
            for offset in range(lo, hi, CHUNK):
                yield data[offset : min(offset + CHUNK, hi)]

    async def receive(self, sha256: str, request: web.Request, limit: int) -> int:
        """Stream a request body in; keep it only if its hash is ``sha256``."""
        check_sha256(sha256)
        found = await self.store.call(lambda: self._index(sha256))
        if found is not None:  # already held: content-addressed, so nothing to do
            return int(found[0])
        digest, size = hashlib.sha256(), 0
        with tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY) as spool:
            async for chunk in request.content.iter_chunked(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(
                        f"the document is larger than {limit} bytes",
                        "文件超过大小限制",
                        code="too_large",
                    )
                digest.update(chunk)
                spool.write(chunk)
            if digest.hexdigest() != sha256:
                raise BadRequest(
                    "the content does not match its SHA-256 (corrupted in transit?)",
                    "文件内容与 SHA-256 不符（传输中损坏？）",
                    code="hash_mismatch",
                )
            spool.seek(0)
            await self.store.call(lambda: self._write(sha256, size, spool), write=True)
        return size

    def _write(self, sha256: str, size: int, spool: Any) -> None:
        parts = max(1, -(-size // PART))
        with self.store.store.transaction(serial=False) as tx:
            for part in range(parts):
                tx.conn.execute(
                    "INSERT INTO blob_data (sha256, part, data) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (sha256, part, spool.read(PART)),
                )
            tx.conn.execute(
                "INSERT INTO blob_index (sha256, size, parts) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (sha256, size, parts),
            )
