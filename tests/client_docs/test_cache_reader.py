"""Random access to a cached document: only the chunks read are decrypted, each authenticated."""

from __future__ import annotations

import os

import pytest

from evaluator_app.client.doc_cache import EncryptedCache
from evaluator_app.client.errors import CacheTampered


@pytest.fixture(autouse=True, params=["aes-256-gcm", "sm4-gcm"])
def cipher(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here runs with both ciphers the cache offers (settings: cache_cipher)."""
    from evaluator_app.client import doc_cache

    monkeypatch.setattr(doc_cache, "DEFAULT_CIPHER", request.param)
    return str(request.param)


def _cache(tmp_path, data: bytes, chunk: int = 4096) -> EncryptedCache:  # type: ignore[no-untyped-def]
    cache = EncryptedCache(tmp_path / "cache", chunk_size=chunk)
    writer = cache.writer("doc")
    writer.write(data)
    writer.commit()
    return cache


@pytest.mark.parametrize("size", [1, 4095, 4096, 4097, 3 * 4096 + 17])
def test_any_range_reads_back_exactly(tmp_path, size):
    data = os.urandom(size)
    reader = _cache(tmp_path, data).reader("doc")
    assert reader.size == size
    for offset, length in [
        (0, size),
        (size // 2, 10),
        (4090, 20),
        (size - 1, 5),
        (size, 5),
        (0, 0),
    ]:
        assert reader.read(offset, length) == data[offset : offset + length]
    reader.close()


def test_a_tampered_middle_chunk_fails_when_read_and_not_before(tmp_path):
    data = os.urandom(5 * 4096)
    cache = _cache(tmp_path, data)
    path = cache.files()[0]
    raw = bytearray(path.read_bytes())
    raw[17 + 2 * (4096 + 16) + 5] ^= 0x01  # inside chunk 2
    path.write_bytes(bytes(raw))
    reader = cache.reader("doc")
    assert reader.read(0, 4096) == data[:4096]
    with pytest.raises(CacheTampered):
        reader.read(2 * 4096, 10)


def test_a_truncated_file_is_refused_on_open(tmp_path):
    cache = _cache(tmp_path, os.urandom(5 * 4096))
    path = cache.files()[0]
    path.write_bytes(path.read_bytes()[: 17 + 3 * (4096 + 16)])  # whole chunks cut off the end
    with pytest.raises(CacheTampered):
        cache.reader("doc")


def test_memory_holds_only_a_few_chunks(tmp_path):
    data = os.urandom(64 * 4096)
    reader = _cache(tmp_path, data).reader("doc")
    for offset in range(0, len(data), 4096):
        reader.read(offset, 100)
    assert len(reader._recent) <= 8
