"""SM4-GCM for the document cache: the cipher agrees with GmSSL's, the format says which cipher
sealed a file, and settings choose it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from evaluator_app.client.cache_format import HEADER
from evaluator_app.client.doc_cache import EncryptedCache
from evaluator_app.client.errors import CacheError
from evaluator_app.client.settings import load_settings, save_settings
from evaluator_app.pki.sm4 import Sm4Gcm


def test_sm4_gcm_agrees_with_gmssl() -> None:
    gm = pytest.importorskip("gmssl_pyx")
    for n in (0, 1, 15, 16, 17, 1000):
        key, nonce, aad, data = os.urandom(16), os.urandom(12), os.urandom(n % 7), os.urandom(n)
        sealed = Sm4Gcm(key).encrypt(nonce, data, aad)
        if data:  # GmSSL refuses an empty plaintext; the cache seals an empty document
            ct, tag = gm.sm4_gcm_encrypt(key, nonce, aad, data)
            assert sealed == bytes(ct) + bytes(tag)
            assert bytes(gm.sm4_gcm_decrypt(key, nonce, aad, sealed[:-16], sealed[-16:])) == data
        assert Sm4Gcm(key).decrypt(nonce, sealed, aad) == data
        with pytest.raises(InvalidTag):
            Sm4Gcm(key).decrypt(nonce, sealed, aad + b"x")


def test_the_header_names_the_cipher_and_a_mismatch_is_refused(tmp_path: Path) -> None:
    for cipher, version in (("aes-256-gcm", 1), ("sm4-gcm", 2)):
        cache = EncryptedCache(tmp_path / cipher, chunk_size=1024, cipher=cipher)
        writer = cache.writer("bid-B1")
        writer.write(b"bid" * 1000)
        writer.commit()
        (path,) = cache.files()
        assert HEADER.unpack(path.read_bytes()[: HEADER.size])[1] == version
        assert cache.read_all("bid-B1") == b"bid" * 1000


def test_unknown_cipher_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(CacheError) as err:
        EncryptedCache(tmp_path, cipher="des")
    assert "未知的缓存加密算法" in err.value.message_zh


def test_settings_choose_the_cipher(tmp_path: Path) -> None:
    from dataclasses import replace

    save_settings(tmp_path, replace(load_settings(tmp_path), cache_cipher="sm4-gcm"))
    assert load_settings(tmp_path).cache_cipher == "sm4-gcm"
    save_settings(tmp_path, replace(load_settings(tmp_path), cache_cipher="rot13"))
    assert load_settings(tmp_path).cache_cipher == "aes-256-gcm"
