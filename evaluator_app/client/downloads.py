"""A session's documents: the signed manifest checked, every document downloaded in the
background (one :func:`document_fetch.download_document` each), opened from the encrypted cache.
"""

from __future__ import annotations

import asyncio
import base64
import enum
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import quote

from evaluator_app.client.cache_format import CacheReader
from evaluator_app.client.doc_cache import EncryptedCache
from evaluator_app.client.document_fetch import RetryPolicy, download_document
from evaluator_app.client.errors import CacheError, ClientError, ManifestRefused
from evaluator_app.client.manifest import VerifiedManifest, check_manifest
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.validation import RevocationPolicy
from evaluator_app.protocol.artefacts import ManifestEntry
from evaluator_app.protocol.bid_index import BidIndex, is_index, parse_bid_index

logger = logging.getLogger(__name__)
DEFAULT_RETRY = RetryPolicy()


class DocState(enum.StrEnum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class DocumentStatus:
    entry: ManifestEntry
    state: DocState
    received: int = 0
    reason: str = ""
    reason_zh: str = ""

    @property
    def doc_id(self) -> str:
        return self.entry.doc_id

    @property
    def total(self) -> int:
        return self.entry.size


class DocumentService:
    """A session's documents: verify the manifest, download all in the background, open one."""

    def __init__(
        self,
        client: VenueClient,
        session_id: str,
        cache: EncryptedCache,
        trust_list: TrustList,
        *,
        revocation: RevocationPolicy | None = None,
        signers: Collection[str] | None = None,
        concurrency: int = 2,
        on_change: Callable[[DocumentStatus], None] | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
    ):
        self.client, self.session_id, self.cache, self.trust_list = (
            client,
            session_id,
            cache,
            trust_list,
        )
        self.revocation, self.signers, self.on_change, self.retry = (
            revocation,
            signers,
            on_change,
            retry,
        )
        self._slots = asyncio.Semaphore(concurrency)
        self._status: dict[str, DocumentStatus] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.verified: VerifiedManifest | None = None

    async def load(self, at: datetime | None = None) -> VerifiedManifest:
        """Fetch the listing and verify the centre's manifest; only its entries are ever fetched."""
        listing = await self.client.get(f"/sessions/{quote(self.session_id, safe='')}/documents")
        signed = listing.get("manifest") if isinstance(listing, dict) else None
        if not signed:
            raise ManifestRefused(
                "no_manifest",
                "the centre has not published a signed manifest for this session yet",
                "交易中心尚未发布本会话的签名文件清单",
            )
        try:
            content, signature = (
                base64.b64decode(signed["content"]),
                base64.b64decode(signed["signature"]),
            )
        except (KeyError, TypeError, ValueError):
            raise ManifestRefused(
                "malformed", "the manifest is not readable", "文件清单无法读取"
            ) from None
        self.verified = await check_manifest(
            content,
            signature,
            self.trust_list,
            self.session_id,
            at,
            self.revocation,
            signers=self.signers,
        )
        for entry in self.verified.manifest.documents:
            known = self._status.get(entry.doc_id)
            if (
                known is not None and known.entry != entry
            ):  # republished with other content: start afresh
                self.cache.delete(entry.doc_id)
            ready = self.cache.has(entry.doc_id)
            self._set(
                DocumentStatus(
                    entry, DocState.READY if ready else DocState.QUEUED, entry.size if ready else 0
                )
            )
        return self.verified

    def statuses(self) -> list[DocumentStatus]:
        return list(self._status.values())

    def status(self, doc_id: str) -> DocumentStatus:
        return self._status[doc_id]

    def _set(self, status: DocumentStatus) -> None:
        self._status[status.doc_id] = status
        if self.on_change is not None:
            self.on_change(status)

    def start(self, doc_ids: Collection[str] | None = None) -> None:
        """Queue every document not ready (or those named, e.g. a retry after a failure)."""
        for doc_id, status in self._status.items():
            if status.state is DocState.READY or (doc_ids is not None and doc_id not in doc_ids):
                continue
            task = self._tasks.get(doc_id)
            if task is None or task.done():
                self._set(
                    DocumentStatus(status.entry, DocState.QUEUED, self.cache.resume_offset(doc_id))
                )
                self._tasks[doc_id] = asyncio.create_task(
                    self._fetch(status.entry), name=f"download {doc_id}"
                )

    async def _fetch(self, entry: ManifestEntry) -> None:
        async with self._slots:

            def progress(done: int, total: int) -> None:
                self._set(DocumentStatus(entry, DocState.DOWNLOADING, done))

            try:
                await download_document(
                    self.client, self.session_id, entry, self.cache, progress, retry=self.retry
                )
            except ClientError as exc:
                logger.warning("document %s failed: %s", entry.doc_id, exc.message_en)
                self._set(
                    replace(
                        self._status[entry.doc_id],
                        state=DocState.FAILED,
                        reason=exc.message_en,
                        reason_zh=exc.message_zh,
                    )
                )
                return
            except Exception as exc:  # a full disk, say: the UI must see FAILED, never a stuck bar
                logger.exception("document %s failed", entry.doc_id)
                self._set(
                    replace(
                        self._status[entry.doc_id],
                        state=DocState.FAILED,
                        reason=f"{type(exc).__name__}: {exc}",
                        reason_zh=f"文件“{entry.title}”下载出错：{exc}",
                    )
                )
                return
            self._set(DocumentStatus(entry, DocState.READY, entry.size))

    async def wait(self) -> list[DocumentStatus]:
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        return self.statuses()

    async def bid_indexes(self) -> dict[str, BidIndex]:
        """The scoring indexes downloaded with the bids, by bidder; a malformed one links
        nothing (the bid itself is still read)."""
        out: dict[str, BidIndex] = {}
        for status in self.statuses():
            if is_index(status.doc_id) and status.state is DocState.READY:
                try:
                    index = parse_bid_index(bytes(await self.open(status.doc_id)))
                except (ValueError, ClientError) as exc:
                    logger.warning("index %s unusable: %s", status.doc_id, exc)
                    continue
                out[index.bidder_id] = index
        return out

    async def open(self, doc_id: str) -> bytearray:
        """The verified, decrypted document (for a QBuffer); decryption runs off the event loop."""
        status = self._status.get(doc_id)
        if status is None or status.state is not DocState.READY:
            raise CacheError(f"document {doc_id} is not ready", "文件尚未下载完成")
        return await asyncio.to_thread(self.cache.read_all, doc_id)

    def reader(self, doc_id: str) -> CacheReader:
        """Random access to a verified document, decrypted chunk by chunk as a viewer reads it."""
        status = self._status.get(doc_id)
        if status is None or status.state is not DocState.READY:
            raise CacheError(f"document {doc_id} is not ready", "文件尚未下载完成")
        return self.cache.reader(doc_id)

    async def close(self) -> None:
        """Stop downloads and wipe the cache: called when the session closes."""
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks.clear()
        self.cache.wipe()
