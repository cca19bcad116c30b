"""The encrypted cache on its own: round trips, resume, tampering, wipe (no venue needed)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from evaluator_app.client.cache_format import HEADER, TAG
from evaluator_app.client.doc_cache import EncryptedCache
from evaluator_app.client.errors import CacheError, CacheTampered, DocumentCorrupt

SMALL = 1024  # a small chunk size keeps the chunk-boundary cases fast


@pytest.fixture(autouse=True, params=["aes-256-gcm", "sm4-gcm"])
def cipher(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with both ciphers the cache offers (settings: cache_cipher)."""
    from evaluator_app.client import doc_cache

    monkeypatch.setattr(doc_cache, "DEFAULT_CIPHER", request.param)
    return str(request.param)


def put(cache: EncryptedCache, doc_id: str, data: bytes, step: int = 700) -> None:
    writer = cache.writer(doc_id)
    for i in range(0, len(data), step):
        writer.write(data[i : i + step])
    assert writer.size == len(data) and writer.digest() == hashlib.sha256(data).hexdigest()
    writer.commit(hashlib.sha256(data).hexdigest(), len(data))


def only_file(cache: EncryptedCache) -> Path:
    (path,) = cache.files()
    return path


@pytest.mark.parametrize("size", [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL, 3 * SMALL + 17])
def test_round_trip_at_chunk_boundaries(tmp_path: Path, size: int) -> None:
    cache = EncryptedCache(tmp_path, chunk_size=SMALL)
    data = os.urandom(size)
    put(cache, "bid-B1", data)
    assert cache.has("bid-B1") and cache.read_all("bid-B1") == data
    records = max(1, -(-size // SMALL))
    assert only_file(cache).stat().st_size == HEADER.size + size + records * TAG


def test_real_chunk_size_and_no_plaintext_on_disk(tmp_path: Path) -> None:
    cache = EncryptedCache(tmp_path)
    secret = b"%PDF-1.7 BID PRICE 12,345,678.00 CNY " * 80_000  # ~3 MiB, highly repetitive
    put(cache, "bid-B1", secret, step=256 * 1024)
    disk = only_file(cache).read_bytes()
    # 8+ byte needles: a shorter one turns up in 3 MiB of random ciphertext by chance
    for needle in (b"%PDF-1.7", b"BID PRICE", b"12,345,678.00 CNY", secret[:64]):
        assert needle not in disk
    assert "bid-B1" not in only_file(cache).name
    assert cache.read_all("bid-B1") == secret


def test_each_file_and_session_has_its_own_keystream(tmp_path: Path) -> None:
    data = bytes(4096)
    first = EncryptedCache(tmp_path / "a", chunk_size=SMALL)
    put(first, "d1", data)
    put(first, "d2", data)
    one, two = (p.read_bytes()[HEADER.size :] for p in first.files())
    assert one != two  # per-file nonce prefix: equal plaintexts never give equal ciphertexts


def corrupt_cases(chunk: int) -> dict[str, object]:
    record = chunk + TAG

    def flip(at: int):  # type: ignore[no-untyped-def]
        def f(b: bytearray) -> bytearray:
            b[at] ^= 0x01
            return b

        return f

    def swap(b: bytearray) -> bytearray:
        h = HEADER.size
        first, second = b[h : h + record], b[h + record : h + 2 * record]
        b[h : h + 2 * record] = second + first
        return b

    return {
        "flip header": flip(5),
        "flip first chunk": flip(HEADER.size + 3),
        "flip a tag": flip(HEADER.size + record - 1),
        "flip last byte": flip(-1),
        "swap chunks": swap,
        "truncate at chunk boundary": lambda b: b[: HEADER.size + 2 * record],
        "truncate mid chunk": lambda b: b[:-5],
        "append a byte": lambda b: b + b"\0",
        "drop the header": lambda b: b[HEADER.size :],
        "empty": lambda b: bytearray(),
    }


@pytest.mark.parametrize("case", list(corrupt_cases(SMALL)))
def test_tampering_is_refused(tmp_path: Path, case: str) -> None:
    cache = EncryptedCache(tmp_path, chunk_size=SMALL)
    put(cache, "bid-B1", os.urandom(3 * SMALL + 100))
    path = only_file(cache)
    path.write_bytes(bytes(corrupt_cases(SMALL)[case](bytearray(path.read_bytes()))))  # type: ignore[operator]
    with pytest.raises(CacheTampered) as info:
        cache.read_all("bid-B1")
    assert info.value.message_zh and "bid-B1" in info.value.message_en


def test_a_file_moved_to_another_documents_name_is_refused(tmp_path: Path) -> None:
    cache = EncryptedCache(tmp_path, chunk_size=SMALL)
    put(cache, "bid-B1", b"B1 " * 1000)
    put(cache, "bid-B2", b"B2 " * 1000)
    b1, b2 = cache._path("bid-B1", ".evdoc"), cache._path("bid-B2", ".evdoc")
    b2.write_bytes(b1.read_bytes())  # same key, same session: only the doc id in the AAD tells
    with pytest.raises(CacheTampered):
        cache.read_all("bid-B2")
    assert cache.read_all("bid-B1") == b"B1 " * 1000


def test_resume_after_a_broken_download(tmp_path: Path) -> None:
    cache = EncryptedCache(tmp_path, chunk_size=SMALL)
    data = os.urandom(5 * SMALL + 333)
    writer = cache.writer("bid-B1")
    writer.write(data[: 2 * SMALL + 500])
    writer.close()  # the network failed: the held-back tail is gone, sealed chunks stay
    assert cache.resume_offset("bid-B1") == 2 * SMALL and not cache.has("bid-B1")
    with pytest.raises(CacheError):
        cache.read_all("bid-B1")
    writer = cache.writer("bid-B1")
    assert writer.size == 2 * SMALL
    writer.write(data[2 * SMALL :])
    assert writer.digest() == hashlib.sha256(data).hexdigest()  # the hash carried over the gap
    writer.commit(hashlib.sha256(data).hexdigest(), len(data))
    assert cache.read_all("bid-B1") == data and cache.resume_offset("bid-B1") == 0


def test_a_torn_write_past_the_sealed_prefix_is_dropped_on_resume(tmp_path: Path) -> None:
    cache = EncryptedCache(tmp_path, chunk_size=SMALL)
    data = os.urandom(4 * SMALL)
    writer = cache.writer("d")
    writer.write(data[: 2 * SMALL + 1])
    writer.close()
    with open(only_file(cache), "ab") as f:
        f.write(b"half a record")
    writer = cache.writer("d")
    writer.write(data[2 * SMALL :])
    writer.commit()
    assert cache.read_all("d") == data


def test_commit_refuses_a_mismatch_and_leaves_nothing(tmp_path: Path) -> None:
    cache = EncryptedCache(tmp_path, chunk_size=SMALL)
    writer = cache.writer("bid-B1")
    writer.write(b"x" * 5000)
    with pytest.raises(DocumentCorrupt):
        writer.commit(hashlib.sha256(b"y" * 5000).hexdigest(), 5000)
    assert cache.files() == [] and not cache.has("bid-B1") and cache.resume_offset("bid-B1") == 0


def test_wipe_and_leftovers_of_a_crashed_session(tmp_path: Path) -> None:
    cache = EncryptedCache(tmp_path, chunk_size=SMALL)
    put(cache, "a", b"a" * 3000)
    cache.writer("b").write(b"b" * 3000)
    (tmp_path / "notes.txt").write_text("not ours")
    assert len(cache.files()) == 2
    crashed = EncryptedCache(tmp_path)  # the earlier session's key died with it
    assert crashed.files() == [] and not crashed.has("a")
    put(crashed, "c", b"c" * 10)
    crashed.wipe()
    assert crashed.files() == [] and (tmp_path / "notes.txt").exists()
    with pytest.raises(CacheError):
        crashed.read_all("c")
    with pytest.raises(CacheError):
        crashed.writer("d")
