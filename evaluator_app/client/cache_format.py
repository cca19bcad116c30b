"""The encrypted document cache's on-disk format, and opening a sealed file.

EncryptedCache (doc_cache.py) decides where documents rest, under which session key, and how a
download is sealed and resumed; this module is the format both sides of it share: the header,
the nonce and AAD that pin every chunk to its place, and reading a file back, whole or only the
chunks a viewer touches, each authenticated. Kept apart so that the format can be read (and
checked against the description below) in one place, beside the code that opens it.

On-disk format of one document (``<name>.evdoc``; ``<name>.evpart`` while it downloads)::

    header  = b"EVDC" | version u8 | chunk_size u32 BE | nonce prefix (8 random bytes)
    record* = AEAD(chunk) = ciphertext | 16-byte tag           (every record but the last is full)

  version 1: AES-256-GCM, version 2: SM4-GCM (128-bit key); the header is in every record's AAD

- nonce   = nonce prefix (per file) | chunk index u32 BE -> never reused under the session key
- AAD     = header | len(doc_id) u16 BE | doc_id UTF-8 | chunk index u64 BE | final flag u8
  so a chunk cannot move to another position (index), another file (doc id, prefix), and the
  file cannot be cut short at a chunk boundary (the last record must carry final = 1).
- ``<name>`` is an HMAC of the doc id under a second in-memory key: names reveal nothing.
"""

from __future__ import annotations

import os
import struct
import threading
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from evaluator_app.client.errors import CacheError, CacheTampered
from evaluator_app.pki.sm4 import Sm4Gcm

MAGIC = b"EVDC"
VERSION = 1  # AES-256-GCM
TAG = 16
HEADER = struct.Struct(">4sBI8s")  # magic, version, chunk size, nonce prefix
MAX_CHUNKS = 2**32  # the nonce holds a 32-bit index
Aead = AESGCM | Sm4Gcm


def format_version(aes: Aead) -> int:
    return 2 if isinstance(aes, Sm4Gcm) else 1


def chunk_aad(header: bytes, doc_id: str, index: int, final: bool) -> bytes:
    name = doc_id.encode("utf-8")
    return (
        header + struct.pack(">H", len(name)) + name + struct.pack(">QB", index, 1 if final else 0)
    )


def chunk_nonce(prefix: bytes, index: int) -> bytes:
    if index >= MAX_CHUNKS:
        raise CacheError("document too large for the cache format", "文件过大，无法缓存")
    return prefix + struct.pack(">I", index)


def tampered(doc_id: str, what: str) -> CacheTampered:
    return CacheTampered(
        f"cached {doc_id}: {what} (altered, truncated, reordered or swapped); refused",
        f"缓存文件 {doc_id} 校验失败（内容被改动、截断或调换），已拒绝显示",
    )


def decrypt_file(aes: Aead, handle: BinaryIO, size: int, doc_id: str) -> bytearray:
    """Open every record of one cached file, in order, checking index, file and final flag.

    Why a growing bytearray: ``bytearray(n)`` zero-fills and ``bytes(out)`` copies n bytes while
    holding the GIL (a 100 MB document stalled the event loop ~100 ms in the benchmark, page
    faults included); appending 1 MiB at a time lets the loop run between chunks, and large
    reallocations are remapped by the allocator, not copied. QByteArray takes a bytearray.
    """
    header = handle.read(HEADER.size)
    if len(header) < HEADER.size or size < HEADER.size + TAG:
        raise tampered(doc_id, "file too short")
    magic, version, chunk_size, prefix = HEADER.unpack(header)
    if magic != MAGIC or version != format_version(aes) or chunk_size <= 0:
        raise tampered(doc_id, "unknown header")
    record = chunk_size + TAG
    count = -(-(size - HEADER.size) // record)
    out = bytearray()
    for index in range(count):
        sealed = handle.read(record)
        try:
            out += aes.decrypt(
                chunk_nonce(prefix, index),
                sealed,
                chunk_aad(header, doc_id, index, index == count - 1),
            )
        except (InvalidTag, ValueError):
            raise tampered(doc_id, f"chunk {index} fails authentication") from None
    if handle.read(1):
        raise tampered(doc_id, "file grew while reading")
    return out


class CacheReader:
    """Decrypts the chunks a read touches (each authenticated, the last as final), keeping a few."""

    def __init__(self, aes: Aead, handle: BinaryIO, doc_id: str, keep_chunks: int):
        self._aes, self._handle, self.doc_id, self._keep = aes, handle, doc_id, max(1, keep_chunks)
        total = os.fstat(handle.fileno()).st_size
        self._header = handle.read(HEADER.size)
        if len(self._header) < HEADER.size or total < HEADER.size + TAG:
            raise tampered(doc_id, "file too short")
        magic, version, self._chunk, self._prefix = HEADER.unpack(self._header)
        if magic != MAGIC or version != format_version(aes) or self._chunk <= 0:
            raise tampered(doc_id, "unknown header")
        record = self._chunk + TAG
        self._count = -(-(total - HEADER.size) // record)
        last = total - HEADER.size - (self._count - 1) * record - TAG
        if last < 0:
            raise tampered(doc_id, "last chunk cut short")
        self.size = (self._count - 1) * self._chunk + last
        self._recent: dict[int, bytes] = {}
        self._lock = threading.Lock()
        self._chunk_at(self._count - 1)  # the final flag is checked at once: truncation shows now

    def _chunk_at(self, index: int) -> bytes:
        chunk = self._recent.pop(index, None)
        if chunk is None:
            record = self._chunk + TAG
            self._handle.seek(HEADER.size + index * record)
            sealed = self._handle.read(record)
            try:
                chunk = self._aes.decrypt(
                    chunk_nonce(self._prefix, index),
                    sealed,
                    chunk_aad(self._header, self.doc_id, index, index == self._count - 1),
                )
            except (InvalidTag, ValueError):
                raise tampered(self.doc_id, f"chunk {index} fails authentication") from None
            while len(self._recent) >= self._keep:
                self._recent.pop(next(iter(self._recent)))
        self._recent[index] = chunk  # most recently used last
        return chunk

    def read(self, offset: int, length: int) -> bytes:
        if offset >= self.size or length <= 0:
            return b""
        end = min(self.size, offset + length)
        parts = []
        with self._lock:
            while offset < end:
                index, within = divmod(offset, self._chunk)
                chunk = self._chunk_at(index)
                piece = chunk[within : within + (end - offset)]
                parts.append(piece)
                offset += len(piece)
        return b"".join(parts)

    def close(self) -> None:
        self._recent.clear()
        self._handle.close()
