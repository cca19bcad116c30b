"""SM4-GCM (GB/T 32907 block cipher, GCM mode) with the interface of cryptography's AESGCM.

For sites that must pass 密评 with 国密 throughout (the encrypted document cache, chosen in
settings). cryptography's own SM4 (its bundled OpenSSL, on every platform it ships wheels for)
does the work; the tests cross-check it against GmSSL (gmssl_pyx).
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TAG = 16
KEY_SIZE = 16


class Sm4Gcm:
    """``encrypt(nonce, data, aad)`` → ciphertext ‖ 16-byte tag; ``decrypt`` raises InvalidTag."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_SIZE:
            raise ValueError("an SM4 key has 16 bytes")
        self._key = bytes(key)

    @staticmethod
    def generate_key() -> bytes:
        return secrets.token_bytes(KEY_SIZE)

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        enc = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        if associated_data:
            enc.authenticate_additional_data(associated_data)
        return enc.update(data) + enc.finalize() + enc.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        if len(data) < TAG:
            raise InvalidTag()
        dec = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, data[-TAG:])).decryptor()
        if associated_data:
            dec.authenticate_additional_data(associated_data)
        return dec.update(data[:-TAG]) + dec.finalize()
