"""Documents: content-addressed blobs (by SHA-256), ranged downloads, the signed manifest.

Names never reach the filesystem: a blob's path is derived from its hash only, and a hash is
checked to be 64 hex digits before it is used. An upload is hashed as it streams in and kept
only if it matches the hash it was announced under.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from evaluator_app.venue.blob_names import CHUNK, HEX64, check_sha256
from evaluator_app.venue.errors import BadRequest, NotFound, PayloadTooLarge, RangeNotSatisfiable
from evaluator_app.venue.http import json_response


class Blobs(Protocol):
    """Where documents' content lives: files (SQLite venue) or the database (PostgreSQL)."""

    def has(self, sha256: str) -> bool: ...
    def read_bytes(self, sha256: str) -> bytes: ...
    async def ahas(self, sha256: str) -> bool: ...
    async def asize(self, sha256: str) -> int: ...
    async def receive(self, sha256: str, request: web.Request, limit: int) -> int: ...
    def chunks(self, sha256: str, start: int, end: int) -> AsyncIterator[bytes]: ...


def blob_store(store: Any, root: Path) -> Blobs:
    """Files under ``root`` for SQLite; the database itself for PostgreSQL, so that every worker
    reads every document and one backup (or replica) holds them with everything else."""
    if getattr(store, "shared", False):
        from evaluator_app.venue.documents_pg import PgBlobStore

        return PgBlobStore(store)
    return BlobStore(root)


class BlobStore:
    """Documents as files under the data folder: the one-process (SQLite) venue's store."""

    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return HEX64.match(sha256) is not None and self.path(sha256).is_file()

    def size(self, sha256: str) -> int:
        return self.path(sha256).stat().st_size

    async def ahas(self, sha256: str) -> bool:
        return self.has(sha256)

    async def asize(self, sha256: str) -> int:
        return self.size(sha256)

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    async def chunks(self, sha256: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Bytes ``start``..``end`` (inclusive) in pieces of at most CHUNK."""
        with self.path(sha256).open("rb") as handle:
            handle.seek(start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = handle.read(min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk

    async def receive(self, sha256: str, request: web.Request, limit: int) -> int:
        """Stream a request body into the store; keep it only if its hash is ``sha256``."""
        target = self.path(sha256)
        if target.is_file():  # already held: content-addressed, so nothing to do
            return target.stat().st_size
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                async for chunk in request.content.iter_chunked(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise PayloadTooLarge(
                            f"the document is larger than {limit} bytes",
                            "文件超过大小限制",
                            code="too_large",
                        )
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha256:
                raise BadRequest(
                    "the content does not match its SHA-256 (corrupted in transit?)",
                    "文件内容与 SHA-256 不符（传输中损坏？）",
                    code="hash_mismatch",
                )
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return size


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive


def _number(digits: str) -> int:
    """A byte position; anything beyond 10^18 is just "too far" (and int() of 5,000 digits
    raises)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else 10**18


def parse_range(header: str, size: int) -> ByteRange | None:
    """One ``bytes=a-b`` / ``a-`` / ``-n`` range; None for a full response; 416 if unsatisfiable."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
    if not match or (not match.group(1) and not match.group(2)):
        return None  # malformed or multi-range: RFC 9110 lets us send the whole thing
    first, last = match.group(1), match.group(2)
    if first and last and _number(last) < _number(first):
        return None  # an invalid range-spec: ignored (RFC 9110 §14.2), the whole content is sent
    if first:
        start = _number(first)
        end = min(_number(last), size - 1) if last else size - 1
    else:
        start, end = max(size - _number(last), 0), size - 1
    if start >= size or start > end:
        raise RangeNotSatisfiable(
            f"range {header} outside 0-{size - 1}", "请求的范围超出文件大小", {"size": size}
        )
    return ByteRange(start, end)


def etag_matches(header: str | None, etag: str) -> bool:
    """If-None-Match: ``*`` or a list of tags, compared weakly (RFC 9110 §13.1.2)."""
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


async def serve(request: web.Request, blobs: Blobs, sha256: str) -> web.StreamResponse:
    if not await blobs.ahas(sha256):
        raise NotFound("document content missing", "文件内容缺失", code="no_document")
    size = await blobs.asize(sha256)
    etag = f'"{sha256}"'
    headers = {"ETag": etag, "Accept-Ranges": "bytes", "Cache-Control": "private, no-store"}
    if etag_matches(request.headers.get("If-None-Match"), etag):
        return web.Response(status=304, headers=headers)
    wanted = None
    if "Range" in request.headers and request.headers.get("If-Range", etag) == etag:
        try:
            wanted = parse_range(request.headers["Range"], size)
        except RangeNotSatisfiable as exc:  # the answer names the size, so the client can recover
            return json_response(
                exc.body(),
                status=exc.status,
                headers={**headers, "Content-Range": f"bytes */{size}"},
            )
    start, end = (wanted.start, wanted.end) if wanted else (0, size - 1)
    response = web.StreamResponse(status=206 if wanted else 200, headers=headers)
    response.content_type = "application/pdf"
    response.content_length = end - start + 1 if size else 0
    if wanted:
        response.headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    await response.prepare(request)
    if size:
        async for chunk in blobs.chunks(sha256, start, end):
            await response.write(chunk)
    await response.write_eof()
    return response
