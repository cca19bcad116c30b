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
from typing import Any, Self

from asn1crypto import algos as asn1_algos
from asn1crypto import x509 as asn1_x509
from pyhanko.sign import signers as ph_signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from evaluator_app.pki import sm2

logger = logging.getLogger(__name__)

SUPPORTED_HASHES = ("sha256", "sha384", "sha512", "sm3")


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
        """One of "sm2", "ec" (ECDSA) or "rsa"."""
        spki = self.certificate.public_key
        return "sm2" if sm2.is_sm2_key(spki) else str(spki.algorithm)

    @property
    def default_hash(self) -> str:
        """SM3 for an SM2 key (the only hash SM2 is defined with), SHA-256 otherwise."""
        return "sm3" if self.key_algorithm == "sm2" else "sha256"

    def close(self) -> None:  # noqa: B027 (optional for subclasses: a file key has nothing to release)
        """Release the key (log out of the token); idempotent."""

    def __enter__(self) -> Self:
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
        mechanism = None
        if cred.key_algorithm == "sm2":
            # pyHanko derives ECDSA from an EC key; SM2 has its own algorithm identifier.
            mechanism = asn1_algos.SignedDigestAlgorithm({"algorithm": sm2.SM2_WITH_SM3})
        super().__init__(
            signing_cert=cred.certificate, cert_registry=store, signature_mechanism=mechanism
        )
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
