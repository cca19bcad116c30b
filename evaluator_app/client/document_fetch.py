"""One verified, resumable document download into the encrypted cache.

One streaming GET per attempt (not one request per piece): the venue appends an audit entry for
every read, and a 1 GB bid in 4 MiB pieces would write 256 of them. After a network failure the
next attempt asks for ``Range: bytes=<received>-`` with ``If-Range: "<sha256>"`` so a document
that changed on the venue comes back whole (200) instead of being spliced onto the old prefix.

The SHA-256 runs inside the cache writer as chunks are sealed, so the hash and the encryption
cost one pass; pieces of HANDOFF bytes go to a worker thread so the event loop (the Qt thread in
the app) never stalls on them. Nothing is committed to the cache, hence nothing can be shown,
until size and SHA-256 equal the signed manifest's entry.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp

from evaluator_app.client.doc_cache import CacheWriter, EncryptedCache
from evaluator_app.client.errors import (
    DocumentCorrupt,
    DownloadFailed,
    VenueRefused,
)
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.artefacts import ManifestEntry

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
HANDOFF = 1024 * 1024  # bytes gathered before one trip to a worker thread (~2 ms of AES+SHA)
CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8  # consecutive failures without progress before giving up
    first_delay: float = 0.5
    max_delay: float = 15.0
    read_timeout: float = 30.0  # silence on the socket; no total limit (a 1 GB bid takes a while)


class _Transient(Exception):
    """A failure worth retrying (network, 5xx, stream cut short)."""


class _Restart(Exception):
    """The venue sent the whole document instead of the range: start over from byte 0."""


def _corrupt(entry: ManifestEntry, what: str, what_zh: str) -> DocumentCorrupt:
    return DocumentCorrupt(
        entry.doc_id,
        f"document {entry.doc_id} ({entry.title}) refused: {what}; it was discarded",
        f"文件“{entry.title}”校验失败：{what_zh}，已丢弃，不会显示",
    )


async def _refusal(response: aiohttp.ClientResponse) -> VenueRefused:
    try:
        error = (await response.json(content_type=None) or {}).get("error", {})
    except (ValueError, aiohttp.ClientError, AttributeError):
        error = {}
    return VenueRefused(
        response.status,
        error.get("code", "http_error"),
        error.get("message", response.reason or ""),
        error.get("message_zh", ""),
        error.get("details"),
    )


class _Download:
    def __init__(
        self,
        client: VenueClient,
        session_id: str,
        entry: ManifestEntry,
        cache: EncryptedCache,
        progress: Progress | None,
        retry: RetryPolicy,
    ):
        self.client, self.entry, self.cache, self.progress, self.retry = (
            client,
            entry,
            cache,
            progress,
            retry,
        )
        session, doc = quote(session_id, safe=""), quote(entry.doc_id, safe="")
        self.url = f"{client.base_url}{API_PREFIX}/sessions/{session}/documents/{doc}"
        self.writer: CacheWriter = cache.writer(entry.doc_id)

    def _report(self) -> None:
        if self.progress is not None:
            self.progress(self.writer.size, self.entry.size)

    async def _write(self, data: bytes) -> None:
        if self.writer.size + len(data) > self.entry.size:
            raise _corrupt(
                self.entry,
                f"more than the {self.entry.size} bytes the manifest lists",
                "内容比清单所列更长",
            )
        await asyncio.to_thread(self.writer.write, data)
        self._report()

    async def attempt(self) -> None:
        """One GET from the current offset to the end; raises _Transient/_Restart to go again."""
        offset = self.writer.size
        headers = {**self.client._headers(), "Accept-Encoding": "identity"}
        if offset:
            headers |= {"Range": f"bytes={offset}-", "If-Range": f'"{self.entry.sha256}"'}
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=10, sock_read=self.retry.read_timeout
        )
        pending = bytearray()
        try:
            async with self.client._session.get(
                self.url, headers=headers, ssl=self.client.ssl_context, timeout=timeout
            ) as response:
                await self._check_status(response, offset)
                async for data in response.content.iter_any():
                    pending += data
                    if len(pending) >= HANDOFF:
                        chunk = bytes(pending)
                        pending.clear()
                        await self._write(chunk)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            if pending:  # bytes that did arrive are good: keep them for the resume
                await self._write(bytes(pending))
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        if pending:
            await self._write(bytes(pending))
        if self.writer.size < self.entry.size:
            raise _Transient(f"stream ended at {self.writer.size} of {self.entry.size} bytes")

    async def _check_status(self, response: aiohttp.ClientResponse, offset: int) -> None:
        entry = self.entry
        if response.status == 206:
            match = CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", ""))
            if match is None or int(match.group(1)) != offset:
                raise _Transient(
                    f"unexpected Content-Range {response.headers.get('Content-Range')!r}"
                )
            if int(match.group(3)) != entry.size:
                raise _corrupt(
                    entry,
                    f"the venue holds {match.group(3)} bytes, the manifest lists {entry.size}",
                    "大小与清单不符",
                )
        elif response.status == 200:
            if response.content_length is not None and response.content_length != entry.size:
                raise _corrupt(
                    entry,
                    f"the venue holds {response.content_length} bytes, the manifest "
                    f"lists {entry.size}",
                    "大小与清单不符",
                )
            if offset:
                raise _Restart()  # If-Range did not match: the venue's copy is not the one we began
        elif response.status == 416:
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            if total.isdigit() and int(total) != entry.size:
                raise _corrupt(
                    entry,
                    f"the venue holds {total} bytes, the manifest lists {entry.size}",
                    "大小与清单不符",
                )
            raise _Restart()
        elif response.status >= 500 or response.status in (408, 429):
            raise _Transient(f"HTTP {response.status}")
        else:
            raise await _refusal(response)

    async def run(self) -> None:
        failures = 0
        self._report()
        while self.writer.size < self.entry.size or self.entry.size == 0:
            before = self.writer.size
            try:
                await self.attempt()
                break
            except _Restart:
                logger.warning(
                    "document %s changed on the venue since the download began: starting over",
                    self.entry.doc_id,
                )
                self.writer.discard()
                self.writer = self.cache.writer(self.entry.doc_id)
            except _Transient as exc:
                failures = (
                    1 if self.writer.size > before else failures + 1
                )  # progress resets the count
                if failures >= self.retry.attempts:
                    raise DownloadFailed(
                        f"document {self.entry.doc_id}: download failed after {failures} attempts "
                        f"({exc}); it will resume from byte {self.writer.size}",
                        f"文件“{self.entry.title}”下载失败，稍后可从断点继续",
                    ) from exc
                delay = min(
                    self.retry.max_delay, self.retry.first_delay * 2 ** (failures - 1)
                ) * random.uniform(0.8, 1.2)
                logger.info(
                    "document %s: %s; retrying from byte %d in %.1f s",
                    self.entry.doc_id,
                    exc,
                    self.writer.size,
                    delay,
                )
                await asyncio.sleep(delay)
        digest = await asyncio.to_thread(self.writer.digest)
        if digest != self.entry.sha256:
            raise _corrupt(
                self.entry,
                f"SHA-256 {digest} differs from the manifest's {self.entry.sha256}",
                "内容的 SHA-256 与签名清单不符",
            )
        await asyncio.to_thread(self.writer.commit, self.entry.sha256, self.entry.size)


async def download_document(
    client: VenueClient,
    session_id: str,
    entry: ManifestEntry,
    cache: EncryptedCache,
    progress: Progress | None = None,
    *,
    retry: RetryPolicy = RetryPolicy(),
) -> None:
    """Download ``entry`` into ``cache``, resuming what an earlier attempt sealed, verified
    against the manifest's size and SHA-256 before it is committed.

    Raises DocumentCorrupt (the cache entry is deleted), DownloadFailed (retries exhausted; the
    sealed prefix is kept for a later resume) or VenueRefused (4xx: no access, no document).
    """
    if cache.has(entry.doc_id):
        if progress is not None:
            progress(entry.size, entry.size)
        return
    download = _Download(client, session_id, entry, cache, progress, retry)
    try:
        await download.run()
    except DocumentCorrupt:
        logger.warning("document %s refused: does not match the signed manifest", entry.doc_id)
        download.writer.close()
        cache.delete(entry.doc_id)
        raise
    finally:
        download.writer.close()
