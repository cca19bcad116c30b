"""Malformed certificates and CMS signatures for the fuzz tests, and hypothesis strategies.

Two kinds of damage: bytes (flipped, cut, inserted: mostly unparseable) and structure (a
duplicated extension, an unknown critical one, a zero serial, a garbled SAN, ...) re-signed by
a CA key so that the parse succeeds far enough to reach the checks behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import strategies as st

KU_OID = "2.5.29.15"
SAN_OID = "2.5.29.17"


def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def resign(tbs: asn1_x509.TbsCertificate, key: ec.EllipticCurvePrivateKey) -> bytes:
    """A certificate of ``tbs`` signed by ``key`` (ECDSA with SHA-256), as DER."""
    tbs_der = tbs.dump(force=True)
    signature = key.sign(tbs_der, ec.ECDSA(hashes.SHA256()))
    alg = tbs["signature"].dump()
    return _tlv(0x30, tbs_der + alg + _tlv(0x03, b"\x00" + signature))


def _raw_extension(oid: str, critical: bool, value: bytes) -> bytes:
    body = core.ObjectIdentifier(oid).dump()
    if critical:
        body += core.Boolean(True).dump()
    return _tlv(0x30, body + _tlv(0x04, value))


def with_extensions(tbs: asn1_x509.TbsCertificate, extensions: list[bytes]) -> Any:
    """``tbs`` with its extensions replaced by these raw Extension DERs."""
    copy = asn1_x509.TbsCertificate.load(tbs.dump())
    # [3] EXPLICIT Extensions built as bytes: asn1crypto would refuse what we want to send
    fields = b"".join(copy[name].dump() for name in _TBS_FIELDS)
    body = fields + (_tlv(0xA3, _tlv(0x30, b"".join(extensions))) if extensions else b"")
    return _RawTbs(_tlv(0x30, body), copy["signature"])


_TBS_FIELDS = (
    "version",
    "serial_number",
    "signature",
    "issuer",
    "validity",
    "subject",
    "subject_public_key_info",
)


class _RawTbs:
    """A to-be-signed part given as bytes (``resign`` needs dump and the signature field)."""

    def __init__(self, der: bytes, signature: Any) -> None:
        self._der, self._signature = der, signature

    def dump(self, force: bool = False) -> bytes:
        return self._der

    def __getitem__(self, name: str) -> Any:
        assert name == "signature"
        return self._signature


def _extensions(tbs: asn1_x509.TbsCertificate) -> list[bytes]:
    return [e.dump() for e in tbs["extensions"] or []]


def structural(cert_der: bytes) -> list[tuple[str, Callable[[asn1_x509.TbsCertificate], Any]]]:
    """Named ways to damage the structure of a certificate while keeping it signable."""

    def dup_ku(tbs: Any) -> Any:
        exts = _extensions(tbs)
        ku = next(e for e in exts if _oid(e) == KU_OID)
        return with_extensions(tbs, [*exts, ku])

    def unknown_critical(tbs: Any) -> Any:
        return with_extensions(
            tbs, [*_extensions(tbs), _raw_extension("1.3.6.1.4.1.55738.666.1", True, b"\x05\x00")]
        )

    def garbled_san(tbs: Any) -> Any:
        exts = [e for e in _extensions(tbs) if _oid(e) != SAN_OID]
        return with_extensions(tbs, [*exts, _raw_extension(SAN_OID, False, b"\x30\x10\x82\x05ab")])

    def empty_eku(tbs: Any) -> Any:
        exts = [e for e in _extensions(tbs) if _oid(e) != "2.5.29.37"]
        return with_extensions(tbs, [*exts, _raw_extension("2.5.29.37", False, b"\x30\x00")])

    def serial(value: int) -> Callable[[Any], Any]:
        def change(tbs: Any) -> Any:
            copy = asn1_x509.TbsCertificate.load(tbs.dump())
            copy["serial_number"] = value
            return copy

        return change

    def no_extensions(tbs: Any) -> Any:
        return with_extensions(tbs, [])

    return [
        ("duplicate key usage", dup_ku),
        ("unknown critical extension", unknown_critical),
        ("garbled SAN", garbled_san),
        ("empty EKU", empty_eku),
        ("serial 0", serial(0)),
        ("negative serial", serial(-5)),
        ("serial of 25 octets", serial(1 << 199)),
        ("no extensions", no_extensions),
    ]


def _oid(ext_der: bytes) -> str:
    return str(asn1_x509.Extension.load(ext_der)["extn_id"].dotted)


def byte_mutations() -> st.SearchStrategy[list[tuple[str, int, int]]]:
    """Edits (kind, position, byte): positions are taken modulo the length when applied."""
    edit = st.tuples(
        st.sampled_from(["flip", "set", "cut", "insert", "delete"]),
        st.integers(min_value=0, max_value=1 << 16),
        st.integers(min_value=0, max_value=255),
    )
    return st.lists(edit, min_size=1, max_size=4)


def apply(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    out = bytearray(data)
    for kind, position, value in edits:
        if not out:
            break
        i = position % len(out)
        if kind == "flip":
            out[i] ^= 1 << (value % 8)
        elif kind == "set":
            out[i] = value
        elif kind == "cut":
            del out[i:]
        elif kind == "insert":
            out.insert(i, value)
        else:
            del out[i]
    return bytes(out)


def with_certificates(cms_der: bytes, certificates: list[bytes]) -> bytes:
    """The CMS signature ``cms_der`` carrying these certificate bytes instead of its own."""
    sd = asn1_cms.ContentInfo.load(cms_der)["content"]
    parts = [sd["version"].dump(), sd["digest_algorithms"].dump(), sd["encap_content_info"].dump()]
    parts.append(_tlv(0xA0, b"".join(certificates)))
    parts.append(sd["signer_infos"].dump())
    signed_data = _tlv(0x30, b"".join(parts))
    oid = core.ObjectIdentifier("1.2.840.113549.1.7.2").dump()
    return _tlv(0x30, oid + _tlv(0xA0, signed_data))


def sign_with(content: bytes, cert_der: bytes, key: ec.EllipticCurvePrivateKey) -> bytes | None:
    """A detached CMS over ``content`` by ``key`` naming ``cert_der`` as its certificate, as an
    attacker holding a key and a forged certificate makes it (None if pyHanko cannot even
    read the certificate)."""
    import asyncio

    from asn1crypto import keys as asn1_keys
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        cert = asn1_x509.Certificate.load(cert_der)
        cert.native  # noqa: B018 - pyHanko reads fields lazily; fail here, not inside it
    except (ValueError, TypeError, KeyError, IndexError, OverflowError):
        return None
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signer = signers.SimpleSigner(
        signing_cert=cert,
        signing_key=asn1_keys.PrivateKeyInfo.load(pkcs8),
        cert_registry=SimpleCertificateStore(),
    )
    try:
        signed = asyncio.run(signer.async_sign_general_data(content, "sha256", detached=True))
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    return bytes(signed.dump())
