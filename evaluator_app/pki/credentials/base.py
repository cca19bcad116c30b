"""The one signing-credential interface, whatever holds the key (file or USB token).

pyHanko does the CMS/PAdES work; it only needs a ``pyhanko.sign.signers.Signer``. Every
credential hands one out through :meth:`Signer.pyhanko_signer`, so CMS and PAdES code never
knows whether the key sits in a file or on a token.
"""

from __future__ import annotations

import abc
import asyncio
import hashlib
import logging
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.sign import signers as ph_signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)

SUPPORTED_HASHES = ("sha256", "sha384", "sha512")


class Signer(abc.ABC):
    """A key able to sign, with its certificate and the CA certificates that came with it."""

    @property
    @abc.abstractmethod
    def certificate(self) -> asn1_x509.Certificate:
        """The signer's certificate (asn1crypto, as pyHanko uses)."""

    @property
    @abc.abstractmethod
    def chain(self) -> tuple[asn1_x509.Certificate, ...]:
        """Other certificates shipped with the key (intermediate/root CAs), maybe empty."""

    @abc.abstractmethod
    def sign(self, data: bytes, hash_alg: str = "sha256") -> bytes:
        """Raw signature over ``data`` (DER ECDSA-Sig-Value for EC, PKCS#1 v1.5 for RSA)."""

    def sign_digest(self, digest: bytes, hash_alg: str = "sha256") -> bytes:
        """Raw signature over an already computed digest (for tokens hashing is done here)."""
        raise NotImplementedError(f"{type(self).__name__} signs whole data only")

    def pyhanko_signer(self) -> ph_signers.Signer:
        """A pyHanko signer that routes the raw signing operation through :meth:`sign`."""
        return _AdapterSigner(self)

    @property
    def key_algorithm(self) -> str:
        return str(self.certificate.public_key.algorithm)  # "ec" or "rsa"

    def close(self) -> None:
        """Release the key (log out of the token); idempotent."""

    def __enter__(self) -> Signer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def check_hash(hash_alg: str) -> str:
    h = hash_alg.lower().replace("-", "")
    if h not in SUPPORTED_HASHES:
        raise ValueError(f"unsupported hash {hash_alg}")
    return h


def digest(data: bytes, hash_alg: str) -> bytes:
    return hashlib.new(check_hash(hash_alg), data).digest()


class _AdapterSigner(ph_signers.Signer):
    """pyHanko signer calling back into one of our credentials (errors stay ours)."""

    def __init__(self, cred: Signer) -> None:
        store = SimpleCertificateStore()
        store.register_multiple([cred.certificate, *cred.chain])
        super().__init__(signing_cert=cred.certificate, cert_registry=store)
        self._cred = cred

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            # Large enough for any EC DER signature and RSA up to 4096 bits.
            return b"\x00" * 512
        # Token calls block (and may wait on a PIN pad): keep them off the event loop.
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._cred.sign, data, digest_algorithm)
