"""PKCS#12 (.p12/.pfx) file credential: key in memory for the life of the signer."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import signers as ph_signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from evaluator_app.pki.credentials.base import Signer, check_hash
from evaluator_app.pki.errors import CredentialError, WrongPasswordError

logger = logging.getLogger(__name__)

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def _to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class Pkcs12Signer(Signer):
    """A key and certificate read from a PKCS#12 file."""

    def __init__(
        self,
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
        cert: x509.Certificate,
        others: Iterable[x509.Certificate] = (),
    ) -> None:
        self._key = key
        self._cert = _to_asn1(cert)
        self._chain = tuple(_to_asn1(c) for c in others)
        self._ph: ph_signers.SimpleSigner | None = None

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._cert

    @property
    def chain(self) -> tuple[asn1_x509.Certificate, ...]:
        return self._chain

    def sign(self, data: bytes, hash_alg: str = "sha256") -> bytes:
        h = _HASHES[check_hash(hash_alg)]()
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(h))
        return self._key.sign(data, padding.PKCS1v15(), h)

    def sign_digest(self, digest: bytes, hash_alg: str = "sha256") -> bytes:
        h = _HASHES[check_hash(hash_alg)]()
        if isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(digest, ec.ECDSA(Prehashed(h)))
        return self._key.sign(digest, padding.PKCS1v15(), Prehashed(h))

    def pyhanko_signer(self) -> ph_signers.Signer:
        # pyHanko's own in-memory signer: no thread hop, the fastest path for file keys.
        if self._ph is None:
            der = self._key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            store = SimpleCertificateStore()
            store.register_multiple([self._cert, *self._chain])
            self._ph = ph_signers.SimpleSigner(
                signing_cert=self._cert,
                signing_key=asn1_keys.PrivateKeyInfo.load(der),
                cert_registry=store,
            )
        return self._ph

    def close(self) -> None:
        self._ph = None


def open_pkcs12(path: str | Path, password: str | bytes | None) -> Pkcs12Signer:
    """Open a PKCS#12 file; a wrong password raises :class:`WrongPasswordError`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CredentialError(f"cannot read {p}: {exc.strerror}", f"无法读取证书文件 {p}") from exc
    pw = password.encode("utf-8") if isinstance(password, str) else password
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, pw or None)
    except ValueError as exc:
        # cryptography says "Invalid password or PKCS12 data": tell the two apart.
        if _looks_like_pfx(data):
            raise WrongPasswordError(
                f"wrong password for {p.name}", f"证书文件 {p.name} 的密码错误"
            ) from exc
        raise CredentialError(
            f"{p.name} is not a PKCS#12 file", f"{p.name} 不是有效的 PKCS#12 证书文件"
        ) from exc
    if key is None or cert is None:
        raise CredentialError(
            f"{p.name} holds no key and certificate", f"{p.name} 中没有私钥和证书"
        )
    if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
        raise CredentialError(f"unsupported key type {type(key).__name__}")
    logger.debug("opened PKCS#12 %s for %s", p.name, cert.subject.rfc4514_string())
    return Pkcs12Signer(key, cert, tuple(others))


def _looks_like_pfx(data: bytes) -> bool:
    from asn1crypto import pkcs12 as asn1_pkcs12

    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["version"].native == "v3"
    except (ValueError, TypeError, KeyError):
        return False
