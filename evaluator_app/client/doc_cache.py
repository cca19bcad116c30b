"""The encrypted document cache: bids rest on the expert's disk only as AES-GCM ciphertext
(or SM4-GCM, for sites assessed for the national algorithms: ``cache_cipher`` in settings).

Why: a bid is confidential until the award; an expert's workstation is shared, imaged and
backed up, so plain text must never land there. The key is 256 random bits held in memory for
one app session only; when the session closes (or the app crashes) the files are unreadable
noise, and the next start deletes them.

The on-disk format (header, chunk records, nonce and AAD) and opening a file, whole or a chunk at
a time, are in cache_format.py.

Resume: full chunks are sealed (non-final) and appended as they arrive; the last chunk is held
back until ``commit`` so it can be sealed final. After a network failure the sealed prefix stays
valid for this app session: ``resume_offset`` is its plaintext length, and the SHA-256 state of
that prefix is kept in memory so the download's hash continues without re-reading the file.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from evaluator_app.client.cache_format import (
    HEADER,
    MAGIC,
    TAG,
    Aead,
    CacheReader,
    chunk_aad,
    chunk_nonce,
    decrypt_file,
    format_version,
)
from evaluator_app.client.errors import CacheError, DocumentCorrupt
from evaluator_app.pki.sm4 import Sm4Gcm

logger = logging.getLogger(__name__)

# cipher name (as in settings) -> format version, AEAD class, key bytes
CIPHERS: dict[str, tuple[int, type[AESGCM] | type[Sm4Gcm], int]] = {
    "aes-256-gcm": (1, AESGCM, 32),
    "sm4-gcm": (2, Sm4Gcm, 16),
}
DEFAULT_CIPHER = "aes-256-gcm"
CHUNK_SIZE = 1024 * 1024
DONE, PART = ".evdoc", ".evpart"


@dataclass(frozen=True)
class _Sealed:
    """What survives a broken download in memory: the sealed prefix's length and hash state."""

    offset: int
    hash_state: Any  # hashlib sha256 object (copied on use)


class EncryptedCache:
    """One directory of encrypted documents, readable only during this app session."""

    def __init__(self, directory: Path, chunk_size: int = CHUNK_SIZE, cipher: str | None = None):
        name = cipher or DEFAULT_CIPHER
        if name not in CIPHERS:
            raise CacheError(
                f"unknown cache cipher {name!r} (choose one of {', '.join(CIPHERS)})",
                f"未知的缓存加密算法 {name}（可选 {', '.join(CIPHERS)}）",
            )
        self.cipher = name
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.chunk_size = chunk_size
        self._purge()  # leftovers of a crashed session: their key died with that process
        _version, aead, key_size = CIPHERS[name]
        self._aes: Aead | None = aead(secrets.token_bytes(key_size))
        self._name_key: bytes | None = secrets.token_bytes(32)
        self._sealed: dict[str, _Sealed] = {}
        self._lock = threading.Lock()  # writers run in worker threads

    # -- names and state --------------------------------------------------------
    def _aead(self) -> Aead:
        if self._aes is None:
            raise CacheError(
                "the document cache was wiped (session closed)", "会话已结束，文件缓存已清除"
            )
        return self._aes

    def _path(self, doc_id: str, suffix: str) -> Path:
        if self._name_key is None:
            raise CacheError(
                "the document cache was wiped (session closed)", "会话已结束，文件缓存已清除"
            )
        name = hmac.new(self._name_key, doc_id.encode("utf-8"), hashlib.sha256).hexdigest()[:40]
        return self.directory / (name + suffix)

    def _purge(self) -> int:
        removed = 0
        for path in self.directory.iterdir():
            if path.is_file() and path.suffix in (DONE, PART):
                path.unlink(missing_ok=True)
                removed += 1
        if removed:
            logger.info("removed %d cached files left by an earlier session", removed)
        return removed

    def _remember(self, doc_id: str, sealed: _Sealed | None) -> None:
        with self._lock:
            if sealed is None:
                self._sealed.pop(doc_id, None)
            else:
                self._sealed[doc_id] = sealed

    # -- public API -------------------------------------------------------------
    def has(self, doc_id: str) -> bool:
        return self._aes is not None and self._path(doc_id, DONE).is_file()

    def resume_offset(self, doc_id: str) -> int:
        """Plaintext bytes of ``doc_id`` already sealed by an interrupted download (0 if none)."""
        if self._aes is None:
            return 0
        with self._lock:
            sealed = self._sealed.get(doc_id)
        if sealed is None or not self._path(doc_id, PART).is_file():
            return 0
        return sealed.offset

    def writer(self, doc_id: str) -> CacheWriter:
        """A writer continuing after the sealed prefix of an interrupted download, if any."""
        self._aead()
        return CacheWriter(self, doc_id)

    def read_all(self, doc_id: str) -> bytearray:
        """The decrypted document (a bytearray: QByteArray takes it without another Python copy);
        CacheTampered if any chunk fails authentication. Nothing is returned from a bad file.

        Blocking (about 1 ms per MiB): from the event loop call it through asyncio.to_thread.
        """
        aes = self._aead()
        path = self._path(doc_id, DONE)
        try:
            with open(path, "rb") as handle:
                return decrypt_file(aes, handle, os.fstat(handle.fileno()).st_size, doc_id)
        except FileNotFoundError:
            raise CacheError(
                f"document {doc_id} is not in the cache", f"文件 {doc_id} 尚未下载"
            ) from None

    def reader(self, doc_id: str, keep_chunks: int = 8) -> CacheReader:
        """Random access to the decrypted document, a chunk at a time: a viewer reads only the
        pages it shows, so neither the whole plain text nor its copy ever sits in memory."""
        aes = self._aead()
        path = self._path(doc_id, DONE)
        try:
            handle = open(path, "rb")  # noqa: SIM115 (owned by the reader, closed by it)
        except FileNotFoundError:
            raise CacheError(
                f"document {doc_id} is not in the cache", f"文件 {doc_id} 尚未下载"
            ) from None
        return CacheReader(aes, handle, doc_id, keep_chunks)

    def delete(self, doc_id: str) -> None:
        self._remember(doc_id, None)
        if self._name_key is not None:
            self._path(doc_id, DONE).unlink(missing_ok=True)
            self._path(doc_id, PART).unlink(missing_ok=True)

    def wipe(self) -> None:
        """Delete every cached file and forget the key: called when the session closes."""
        with self._lock:
            self._sealed.clear()
        self._aes, self._name_key = None, None
        self._purge()
        logger.info("document cache wiped")

    def files(self) -> list[Path]:
        return sorted(p for p in self.directory.iterdir() if p.suffix in (DONE, PART))


class CacheWriter:
    """Seals a document chunk by chunk; ``commit`` makes it readable, ``close`` keeps it resumable.

    Not for concurrent use: one download owns one writer. ``write`` does AES-GCM, SHA-256 and a
    file write (about 1-2 ms per MiB), so hand large pieces to a thread.
    """

    def __init__(self, cache: EncryptedCache, doc_id: str):
        self._cache, self.doc_id = cache, doc_id
        self._part = cache._path(doc_id, PART)
        self._done = cache._path(doc_id, DONE)
        self._chunk = cache.chunk_size
        self._buffer = bytearray()
        self._lock = threading.Lock()
        with cache._lock:
            sealed = cache._sealed.get(doc_id)
        self._handle: BinaryIO
        if sealed is not None and self._part.is_file():
            self._handle = open(self._part, "r+b")  # noqa: SIM115 (the writer owns it until close)
            header = self._handle.read(HEADER.size)
            self._header, self._prefix = header, HEADER.unpack(header)[3]
            # drop a torn record a crash mid-write may have left past the sealed prefix
            self._handle.truncate(HEADER.size + sealed.offset // self._chunk * (self._chunk + TAG))
            self._handle.seek(0, os.SEEK_END)
            self._sealed_bytes, self._hash = sealed.offset, sealed.hash_state.copy()
        else:
            self._prefix = secrets.token_bytes(8)
            version = format_version(cache._aead())
            self._header = HEADER.pack(MAGIC, version, self._chunk, self._prefix)
            self._handle = open(self._part, "wb")  # noqa: SIM115 (the writer owns it until close)
            self._handle.write(self._header)
            self._sealed_bytes, self._hash = 0, hashlib.sha256()
            cache._remember(doc_id, _Sealed(0, self._hash.copy()))
        self._closed = False

    @property
    def size(self) -> int:
        """Plaintext bytes written so far (sealed and held back)."""
        return self._sealed_bytes + len(self._buffer)

    def digest(self) -> str:
        """SHA-256 (hex) of everything written so far."""
        h = self._hash.copy()
        h.update(self._buffer)
        return h.hexdigest()

    def _seal(self, chunk: bytes, final: bool) -> None:
        index = self._sealed_bytes // self._chunk
        aes = self._cache._aead()
        self._handle.write(
            aes.encrypt(
                chunk_nonce(self._prefix, index),
                chunk,
                chunk_aad(self._header, self.doc_id, index, final),
            )
        )
        self._hash.update(chunk)
        self._sealed_bytes += len(chunk)

    def write(self, data: bytes) -> None:
        with self._lock:
            if self._closed:
                raise CacheError("write after close", "缓存写入已结束")
            self._buffer += data
            # keep at least one byte back: the last chunk must be sealed as final at commit
            sealed_any = False
            while len(self._buffer) > self._chunk:
                self._seal(bytes(self._buffer[: self._chunk]), final=False)
                del self._buffer[: self._chunk]
                sealed_any = True
            if sealed_any:
                self._handle.flush()
                self._cache._remember(self.doc_id, _Sealed(self._sealed_bytes, self._hash.copy()))

    def commit(self, expected_sha256: str | None = None, expected_size: int | None = None) -> None:
        """Seal the last chunk and make the document readable; refuse (and discard) a mismatch."""
        with self._lock:
            if self._closed:
                raise CacheError("commit after close", "缓存写入已结束")
            if (expected_size is not None and self.size != expected_size) or (
                expected_sha256 is not None and self.digest() != expected_sha256
            ):
                self._close_locked()
                self._cache.delete(self.doc_id)
                raise DocumentCorrupt(
                    self.doc_id,
                    f"document {self.doc_id} does not match its manifest entry",
                    f"文件 {self.doc_id} 与签名清单不符，已丢弃",
                )
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._close_locked()
            os.replace(self._part, self._done)
            self._cache._remember(self.doc_id, None)

    def close(self) -> None:
        """Stop writing; the sealed prefix stays resumable, the held-back tail is dropped."""
        with self._lock:
            self._close_locked()

    def discard(self) -> None:
        self.close()
        self._cache.delete(self.doc_id)

    def _close_locked(self) -> None:
        if not self._closed:
            self._closed = True
            self._handle.close()
