"""Downloads from a real venue over TLS: verified, encrypted at rest, resumable, damage refused."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from evaluator_app.client.doc_cache import EncryptedCache
from evaluator_app.client.document_fetch import RetryPolicy, download_document
from evaluator_app.client.downloads import DocState, DocumentService, DocumentStatus
from evaluator_app.client.errors import CacheError, DocumentCorrupt, DownloadFailed, VenueRefused
from evaluator_app.client.venue_client import VenueClient
from tests.client_docs.support import CuttingProxy, DocSession

FAST = RetryPolicy(attempts=4, first_delay=0.05, max_delay=0.2, read_timeout=10)


def via(docs: DocSession, proxy: CuttingProxy) -> VenueClient:
    """The expert's session, through the proxy (TLS is end to end: the proxy sees ciphertext)."""
    client = docs.h.new_client("ws-expert-sd-1")
    client.urls, client.token = [f"https://127.0.0.1:{proxy.port}"], docs.expert.token
    return client


async def ranges_read(docs: DocSession, doc_id: str) -> list[str]:
    rows = await docs.h.venue.store.tx(
        lambda tx: tx.audit_entries() if hasattr(tx, "audit_entries") else []
    )
    return [r for r in rows if doc_id in str(r)]


async def test_service_downloads_verifies_and_wipes(docs: DocSession, tmp_path: Path) -> None:
    h = docs.h
    seen: list[DocumentStatus] = []
    cache = EncryptedCache(tmp_path / "cache")
    service = DocumentService(
        docs.expert,
        "S1",
        cache,
        h.venue.trust_list,
        revocation=h.venue.revocation,
        signers={h.person_id("centre-1")},
        on_change=seen.append,
        retry=FAST,
    )
    verified = await service.load()
    assert verified.signer.person_id == h.person_id("centre-1")
    assert [s.state for s in service.statuses()] == [DocState.QUEUED] * 3
    with pytest.raises(CacheError):
        await service.open("bid-B2")
    service.start()
    final = await service.wait()
    assert {s.doc_id: s.state for s in final} == dict.fromkeys(docs.entries, DocState.READY)
    for doc_id, data in docs.contents.items():
        assert await service.open(doc_id) == data
    big = [s.received for s in seen if s.doc_id == "bid-B2" and s.state is DocState.DOWNLOADING]
    assert (
        len(big) >= 5 and big == sorted(big) and big[-1] == docs.entries["bid-B2"].size
    )  # progress for the UI
    on_disk = b"".join(p.read_bytes() for p in cache.files())
    assert (
        len(cache.files()) == 3
        and b"%PDF-1." not in on_disk
        and docs.contents["tender"][:16] not in on_disk
        and docs.contents["bid-B2"][1000:1032] not in on_disk
    )
    await service.close()
    assert cache.files() == [] and list((tmp_path / "cache").iterdir()) == []


async def test_connection_cut_mid_download_is_resumed_with_range(
    docs: DocSession, tmp_path: Path
) -> None:
    entry, data = docs.entries["bid-B2"], docs.contents["bid-B2"]
    proxy = await CuttingProxy(docs.h.port, cut_after=2_500_000, cut_connections=1).start()
    try:
        cache = EncryptedCache(tmp_path / "cache")
        await download_document(via(docs, proxy), "S1", entry, cache, retry=FAST)
        assert cache.read_all("bid-B2") == data
        assert proxy.connections == 2  # one cut, one resumed
        # the resumed request did not fetch the first part again
        assert proxy.down < entry.size + 2_500_000 - 1_000_000, proxy.down
    finally:
        await proxy.stop()


async def test_cancelled_download_resumes_later_and_transfers_less(
    docs: DocSession, tmp_path: Path
) -> None:
    entry, data = docs.entries["bid-B2"], docs.contents["bid-B2"]
    cache = EncryptedCache(tmp_path / "cache")
    halfway = asyncio.Event()

    def progress(done: int, total: int) -> None:
        if done >= total // 2:
            halfway.set()

    first = await CuttingProxy(docs.h.port).start()
    task = asyncio.create_task(
        download_document(via(docs, first), "S1", entry, cache, progress, retry=FAST)
    )
    await asyncio.wait_for(halfway.wait(), 30)
    task.cancel()  # the expert closed the window, or the app lost the session
    with pytest.raises(asyncio.CancelledError):
        await task
    await first.stop()
    offset = cache.resume_offset("bid-B2")
    assert offset >= entry.size // 2 - 1024 * 1024 and not cache.has("bid-B2")

    second = await CuttingProxy(docs.h.port).start()
    try:
        await download_document(via(docs, second), "S1", entry, cache, retry=FAST)
    finally:
        await second.stop()
    assert cache.read_all("bid-B2") == data
    assert second.down < entry.size - offset + 64 * 1024, (second.down, entry.size, offset)
    assert first.down + second.down < entry.size * 1.6


async def test_retries_exhausted_then_resumed(docs: DocSession, tmp_path: Path) -> None:
    entry, data = docs.entries["bid-B2"], docs.contents["bid-B2"]
    cache = EncryptedCache(tmp_path / "cache")
    dead = await CuttingProxy(docs.h.port, cut_after=1_800_000).start()
    try:
        with pytest.raises(DownloadFailed) as info:
            await download_document(
                via(docs, dead), "S1", entry, cache, retry=RetryPolicy(attempts=1, read_timeout=10)
            )
    finally:
        await dead.stop()
    assert info.value.message_zh and cache.resume_offset("bid-B2") >= 1024 * 1024
    await download_document(docs.expert, "S1", entry, cache, retry=FAST)
    assert cache.read_all("bid-B2") == data


@pytest.mark.parametrize("damage", ["flip", "truncate", "append"])
async def test_a_corrupt_document_on_the_venue_is_refused(
    docs: DocSession, tmp_path: Path, damage: str
) -> None:
    h, entry = docs.h, docs.entries["bid-B1"]
    path = h.venue.blobs.path(entry.sha256)
    blob = bytearray(path.read_bytes())
    if damage == "flip":
        blob[len(blob) // 2] ^= 0x20
    elif damage == "truncate":
        del blob[-100:]
    else:
        blob += b"%%EOF\n"
    path.write_bytes(bytes(blob))
    cache = EncryptedCache(tmp_path / "cache")
    with pytest.raises(DocumentCorrupt) as info:
        await download_document(docs.expert, "S1", entry, cache, retry=FAST)
    assert info.value.doc_id == "bid-B1" and info.value.message_zh
    assert not cache.has("bid-B1") and cache.files() == [] and cache.resume_offset("bid-B1") == 0
    with pytest.raises(CacheError):
        cache.read_all("bid-B1")  # nothing of it can ever reach the viewer

    service = DocumentService(
        docs.expert,
        "S1",
        EncryptedCache(tmp_path / "svc"),
        h.venue.trust_list,
        revocation=h.venue.revocation,
        retry=FAST,
    )
    await service.load()
    service.start()
    states = {s.doc_id: s for s in await service.wait()}
    assert (
        states["bid-B1"].state is DocState.FAILED
        and "bid-B1" in states["bid-B1"].reason
        and states["bid-B1"].reason_zh
    )
    assert states["tender"].state is DocState.READY and states["bid-B2"].state is DocState.READY
    with pytest.raises(CacheError):
        await service.open("bid-B1")
    await service.close()


async def test_the_venue_refuses_an_expert_outside_the_session(
    docs: DocSession, tmp_path: Path
) -> None:
    outsider = await docs.h.login("expert-sd-3")
    with pytest.raises(VenueRefused) as info:
        await download_document(
            outsider, "S1", docs.entries["tender"], EncryptedCache(tmp_path / "c"), retry=FAST
        )
    assert info.value.status in (403, 404)


async def test_no_signed_manifest_no_downloads(harness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from evaluator_app.client.errors import ManifestRefused

    centre = await harness.login("centre-1")
    await harness.create_session(centre)  # published without a manifest
    expert = await harness.login("expert-sd-1")
    service = DocumentService(
        expert,
        "S1",
        EncryptedCache(tmp_path / "c"),
        harness.venue.trust_list,
        revocation=harness.venue.revocation,
    )
    with pytest.raises(ManifestRefused) as info:
        await service.load()
    assert info.value.code == "no_manifest" and service.statuses() == []
