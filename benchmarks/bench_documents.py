"""Documents: event-loop stalls during a big verified download, and cache decryption speed.

    python benchmarks/bench_documents.py [--size-mb 1024] [--decrypt-mb 100] [--same-process]

(a) A document of --size-mb is downloaded over TLS from a local venue (its own process, as a
    venue is another machine in real life; --same-process runs it on the client's loop), hashed
    (SHA-256) and sealed into the encrypted cache, while a 10 ms ticker task on the client's
    event loop records the longest gap between its wake-ups. Target: no stall over 50 ms.
    Baselines in the same run: SHA-256 + AES-GCM of the same chunks in RAM (the floor of the
    client's own work) and the same ticker on the idle loop (what the machine alone costs).
(b) A --decrypt-mb document is read back from the cache (all chunks authenticated), beside a
    bare AES-GCM decryption of the same ciphertext chunks in the same run, in MB/s; and the
    loop's longest stall while DocumentService-style open() decrypts it in a worker thread,
    beside the idle loop's.
Every figure is printed with its baseline and the ratio between them.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing as mp
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loop_ticker import Ticker  # beside this file

MB = 1024 * 1024
IDLE_MAX_S = 10.0  # the idle loop's baseline lasts as long as what it is compared with, up to this


async def idle_loop(seconds: float) -> Ticker:
    """The same ticker on this loop with nothing else to do, for ``seconds`` (capped)."""
    ticker = Ticker().start()
    await asyncio.sleep(min(seconds, IDLE_MAX_S))
    await ticker.stop()
    return ticker


def stalls(busy: Ticker, idle: Ticker) -> str:
    return (
        f"longest stall {busy.stall_ms():.1f} ms, idle-loop baseline {idle.stall_ms():.1f} ms "
        f"(p99 {busy.p99_ms():.1f} vs {idle.p99_ms():.1f} ms; target <= 50 ms)"
    )


def bare_seal_mb_s(megabytes: int) -> float:
    """SHA-256 + the cache's AEAD over ``megabytes`` of 1 MB chunks in RAM: MB/s."""
    from evaluator_app.client.doc_cache import CHUNK_SIZE, EncryptedCache

    with tempfile.TemporaryDirectory(prefix="bench-docs-aead-") as tmp:
        aes = EncryptedCache(Path(tmp))._aead()
    chunk, nonce = os.urandom(CHUNK_SIZE), os.urandom(12)
    digest = hashlib.sha256()
    t0 = time.perf_counter()
    for _ in range(megabytes * MB // CHUNK_SIZE):
        digest.update(chunk)
        aes.encrypt(nonce, chunk, b"bench")
    return megabytes / (time.perf_counter() - t0)


@dataclass(frozen=True)
class Served:
    base_url: str
    demo_dir: str
    doc_id: str
    sha256: str
    size: int


def write_blob(h: Any, size: int) -> tuple[str, int]:
    """Pseudo-random content straight into the venue's blob store (uploads are capped at 64 MB)."""
    digest, tmp = hashlib.sha256(), Path(h.venue.blobs.root) / "bench.tmp"
    block = os.urandom(4 * MB)
    with tmp.open("wb") as out:
        for i in range(0, size, len(block)):
            piece = block[: min(len(block), size - i)]
            piece = (
                i.to_bytes(8, "big") + piece[8:] if len(piece) > 8 else piece
            )  # no two blocks alike
            digest.update(piece)
            out.write(piece)
    sha = digest.hexdigest()
    target = h.venue.blobs.path(sha)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)
    return sha, size


async def prepare_venue(workdir: Path, size: int) -> tuple[Any, Any, Served]:
    from evaluator_app.pki.cms import sign_detached
    from evaluator_app.pki.demo_pki import create_demo_pki
    from evaluator_app.protocol.artefacts import ManifestEntry
    from evaluator_app.protocol.messages import CreateSession, DocumentInput, MemberInput, Role
    from tests.client_docs.support import manifest_bytes
    from tests.pki_fixtures import ServicesThread, free_port
    from tests.venue.flow import declare
    from tests.venue.harness import SEATS, VenueHarness, example_project

    port = free_port()
    demo = create_demo_pki(workdir / "pki", services_url=f"http://127.0.0.1:{port}")
    services = ServicesThread(demo, port).start()
    h = await VenueHarness(demo, workdir / "venue").start()
    sha, size = await asyncio.to_thread(write_blob, h, size)
    centre = await h.login("centre-1")
    members = (MemberInput(h.person_id("expert-sd-1"), Role.EXPERT, *SEATS["expert-sd-1"]),)
    doc = DocumentInput("bid-big", "投标文件（大）", sha, size, "B1")
    await centre.post(
        "/sessions",
        CreateSession("S1", "bench", example_project(), "lot-1", "jinan", members, (doc,)),
    )
    content = manifest_bytes("S1", [ManifestEntry(doc.doc_id, sha, size, doc.title, doc.bidder_id)])
    await centre.upload(
        "S1",
        "manifest",
        content,
        await asyncio.to_thread(sign_detached, content, h.signer("centre-1")),
    )
    for phase in ("check_in", "declarations"):  # the pledge comes before the bids
        await centre.post("/sessions/S1/phase", {"target": phase})
    await declare(h, await h.login("expert-sd-1"), "expert-sd-1")
    return h, services, Served(h.base_url, str(workdir / "pki"), doc.doc_id, sha, size)


def venue_process(workdir: str, size: int, ready: Any, stop: Any) -> None:
    async def main() -> None:
        h, services, served = await prepare_venue(Path(workdir), size)
        ready.put(served)
        while stop.empty():
            await asyncio.sleep(0.2)
        await h.stop()
        services.stop()

    asyncio.run(main())


async def download(served: Served, cache_dir: Path) -> None:
    from evaluator_app.client.doc_cache import EncryptedCache
    from evaluator_app.client.downloads import DocumentService
    from evaluator_app.client.venue_client import VenueClient, client_ssl_context
    from evaluator_app.pki.credentials import open_key_file
    from evaluator_app.pki.demo_pki import load_demo_pki
    from evaluator_app.pki.trust_list import load_trust_list

    demo = load_demo_pki(served.demo_dir)
    ssl_context = client_ssl_context(
        [str(ca.root_cert) for ca in demo.cas if ca.status == "granted"]
    )
    person = demo.person("expert-sd-1")
    async with VenueClient(served.base_url, ssl_context, "ws-expert-sd-1") as client:
        await client.login(open_key_file(person.p12, person.password))  # a .p12 or an SM2 .pem
        trust_list = _trust_list(demo, load_trust_list)
        cache = EncryptedCache(cache_dir)
        service = DocumentService(client, "S1", cache, trust_list)
        await service.load()
        ticker = Ticker().start()
        t0 = time.perf_counter()
        service.start()
        (status,) = await service.wait()
        elapsed = time.perf_counter() - t0
        await ticker.stop()
        assert status.state.value == "ready", status
        idle = await idle_loop(elapsed)
        mb = served.size / MB
        floor = bare_seal_mb_s(min(64, max(1, int(mb))))
        print(
            f"(a) download+SHA-256+AES-GCM of {mb:.0f} MB: {elapsed:6.1f} s ({mb / elapsed:6.1f} "
            f"MB/s); baseline SHA-256+AES-GCM in RAM {floor:6.0f} MB/s: "
            f"{floor / (mb / elapsed):.1f}x the time in RAM"
        )
        print(f"    event loop: {stalls(ticker, idle)}")
        print(f"    {ticker.report()}")
        await service.close()


def _trust_list(demo: Any, load_trust_list: Any) -> Any:
    """The signed demo trust list, checked against its pinned signer as the app does."""
    return load_trust_list(demo.trust_list, demo.trust_list_signer.cert)


async def decrypt_bench(size_mb: int, directory: Path) -> None:
    from evaluator_app.client.cache_format import HEADER, TAG
    from evaluator_app.client.doc_cache import CHUNK_SIZE, EncryptedCache

    cache = EncryptedCache(directory)
    data = os.urandom(size_mb * MB)
    writer = cache.writer("bid-100")
    t0 = time.perf_counter()
    for i in range(0, len(data), 4 * MB):
        writer.write(data[i : i + 4 * MB])
    writer.commit(hashlib.sha256(data).hexdigest(), len(data))
    seal = time.perf_counter() - t0
    t0 = time.perf_counter()
    assert cache.read_all("bid-100") == data
    read = time.perf_counter() - t0
    # bare AES-GCM over the same ciphertext chunks (same key, nonces and AAD; no file read)
    from evaluator_app.client.cache_format import chunk_aad, chunk_nonce

    raw = cache.files()[0].read_bytes()
    header, prefix = raw[: HEADER.size], HEADER.unpack(raw[: HEADER.size])[3]
    record, body = CHUNK_SIZE + TAG, memoryview(raw)[HEADER.size :]
    count = -(-len(body) // record)
    aes = cache._aead()
    t0 = time.perf_counter()
    for i in range(count):
        aes.decrypt(
            chunk_nonce(prefix, i),
            body[i * record : (i + 1) * record],  # type: ignore[arg-type]  # a view: no copy
            chunk_aad(header, "bid-100", i, i == count - 1),
        )
    bare = time.perf_counter() - t0
    ticker = Ticker().start()
    t0 = time.perf_counter()
    opened = await asyncio.to_thread(cache.read_all, "bid-100")
    threaded = time.perf_counter() - t0
    await ticker.stop()
    idle = await idle_loop(threaded)
    assert len(opened) == len(data)
    floor = bare_seal_mb_s(size_mb)
    print(
        f"(b) {size_mb} MB: write (SHA-256 + AES-GCM + file) {size_mb / seal:7.0f} MB/s; "
        f"baseline SHA-256 + AES-GCM in RAM {floor:7.0f} MB/s: "
        f"{floor * seal / size_mb:.2f}x the time"
    )
    print(
        f"    read_all from the cache            {size_mb / read:7.0f} MB/s "
        f"({read * 1000:6.0f} ms); "
        f"baseline bare AES-GCM, same chunks, in RAM {size_mb / bare:7.0f} MB/s "
        f"({bare * 1000:6.0f} ms): {read / bare:.2f}x"
    )
    print(
        f"    open() in a worker thread          {size_mb / threaded:7.0f} MB/s: "
        f"{threaded / bare:.2f}x the bare decryption; event loop: {stalls(ticker, idle)}"
    )
    cache.wipe()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--decrypt-mb", type=int, default=100)
    ap.add_argument(
        "--same-process", action="store_true", help="run the venue on the client's event loop"
    )
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-docs-") as tmp:
        work = Path(tmp)
        if args.same_process:

            async def both() -> None:
                h, services, served = await prepare_venue(work, args.size_mb * MB)
                try:
                    print(
                        "venue on the same event loop (its TLS and file reads count as client "
                        "stalls)"
                    )
                    await download(served, work / "cache")
                finally:
                    await h.stop()
                    services.stop()

            asyncio.run(both())
        else:
            ctx = mp.get_context("spawn")
            ready, stop = ctx.Queue(), ctx.Queue()
            child = ctx.Process(
                target=venue_process, args=(str(work), args.size_mb * MB, ready, stop), daemon=True
            )
            child.start()
            try:
                served = ready.get(timeout=600)
                print("venue in its own process")
                asyncio.run(download(served, work / "cache"))
            finally:
                stop.put(True)
                child.join(30)
        asyncio.run(decrypt_bench(args.decrypt_mb, work / "cache-b"))


if __name__ == "__main__":
    main()
