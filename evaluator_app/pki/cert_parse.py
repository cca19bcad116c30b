"""A certificate parsed once, strictly: anything that does not parse is a typed refusal.

``parse_certificate`` never lets a parser's exception escape: a duplicated extension, a
truncated SAN, a negative serial number or a signature algorithm that differs between the
signed part and the outer one all become :class:`MalformedCertificateError` with a reason that
says which ("证书格式错误 / malformed certificate: duplicate extension 2.5.29.15"). What
validation needs later (names, key identifiers, constraints) is read here, once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asn1crypto import algos as asn1_algos
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.utils import CryptographyDeprecationWarning

from evaluator_app.pki.errors import ValidationError
from evaluator_app.pki.reasons import Reason, ReasonCode

# KeyUsage attribute of cryptography -> the name validation speaks
_KU = {
    "digital_signature": "digital_signature",
    "content_commitment": "non_repudiation",
    "key_encipherment": "key_encipherment",
    "data_encipherment": "data_encipherment",
    "key_agreement": "key_agreement",
    "key_cert_sign": "key_cert_sign",
    "crl_sign": "crl_sign",
}

MAX_CERTIFICATE_BYTES = 64 * 1024


class MalformedCertificateError(ValidationError):
    """The bytes are not a certificate this validator can judge; ``reason`` says why."""

    def __init__(self, detail: str) -> None:
        self.reason = Reason(ReasonCode.MALFORMED, detail=detail)
        super().__init__(self.reason.message_en, self.reason.message_zh)


@dataclass(frozen=True)
class KeyIdentifiers:
    key_id: bytes | None
    has_issuer: bool  # authorityCertIssuer / authorityCertSerialNumber present
    has_serial: bool


@dataclass(frozen=True, eq=False)
class Cert:
    """One certificate with what path validation reads from it."""

    der: bytes
    crypto: x509.Certificate
    asn1: asn1_x509.Certificate
    fingerprint: bytes  # SHA-256 of the DER
    version: int  # 1, 2 or 3
    serial: int
    subject: x509.Name
    issuer: x509.Name
    not_before: datetime
    not_after: datetime
    spki: asn1_keys.PublicKeyInfo
    spki_der: bytes
    signature_algorithm: asn1_algos.SignedDigestAlgorithm
    extensions: dict[str, x509.Extension[Any]]  # by dotted OID

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cert) and other.fingerprint == self.fingerprint

    def ext(self, oid: x509.ObjectIdentifier) -> Any:
        found = self.extensions.get(oid.dotted_string)
        return None if found is None else found.value

    def critical(self, oid: x509.ObjectIdentifier) -> bool:
        found = self.extensions.get(oid.dotted_string)
        return found is not None and found.critical

    @property
    def self_issued(self) -> bool:
        return self.subject == self.issuer

    @property
    def is_ca(self) -> bool:
        bc = self.ext(x509.OID_BASIC_CONSTRAINTS)
        return bc is not None and bc.ca

    @property
    def path_length(self) -> int | None:
        bc = self.ext(x509.OID_BASIC_CONSTRAINTS)
        return None if bc is None else bc.path_length

    @property
    def key_usage(self) -> frozenset[str] | None:
        ku = self.ext(x509.OID_KEY_USAGE)
        if ku is None:
            return None
        return frozenset(name for attr, name in _KU.items() if getattr(ku, attr))

    @property
    def ext_key_usage(self) -> frozenset[str] | None:
        eku = self.ext(x509.OID_EXTENDED_KEY_USAGE)
        return None if eku is None else frozenset(o.dotted_string for o in eku)

    @property
    def ski(self) -> bytes | None:
        ski = self.ext(x509.OID_SUBJECT_KEY_IDENTIFIER)
        return None if ski is None else ski.digest

    @property
    def aki(self) -> KeyIdentifiers | None:
        aki = self.ext(x509.OID_AUTHORITY_KEY_IDENTIFIER)
        if aki is None:
            return None
        return KeyIdentifiers(
            aki.key_identifier,
            aki.authority_cert_issuer is not None,
            aki.authority_cert_serial_number is not None,
        )

    @property
    def san(self) -> list[x509.GeneralName]:
        san = self.ext(x509.OID_SUBJECT_ALTERNATIVE_NAME)
        return [] if san is None else list(san)

    @property
    def tbs(self) -> bytes:
        return self.crypto.tbs_certificate_bytes

    @property
    def signature(self) -> bytes:
        return self.crypto.signature

    @property
    def label(self) -> str:
        """The subject's common name (or the whole name) to show in a reason."""
        cns = self.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        if cns:
            return str(cns[0].value)
        return self.subject.rfc4514_string() or "(empty subject)"


def _prechecks(cert: asn1_x509.Certificate, anchor: bool) -> tuple[int, int]:
    """Structure that ``cryptography`` would warn about or silently accept; (version, serial).

    A trust anchor is configured, not judged: only its name and key matter (RFC 5280 §6.1.1),
    so a root's non-conforming serial number (some old roots have 0) is tolerated.
    """
    tbs = cert["tbs_certificate"]
    version = {"v1": 1, "v2": 2, "v3": 3}.get(tbs["version"].native)
    if version is None:
        raise MalformedCertificateError(f"unknown version {tbs['version'].native!r}")
    serial_der = tbs["serial_number"].contents
    serial = int(tbs["serial_number"].native)
    if anchor:
        pass
    elif serial <= 0:
        raise MalformedCertificateError("serial number is not a positive integer")
    elif len(serial_der) > 20:
        raise MalformedCertificateError(f"serial number of {len(serial_der)} octets (at most 20)")
    if tbs["signature"].dump() != cert["signature_algorithm"].dump():
        raise MalformedCertificateError(
            "the signature algorithm inside the certificate differs from the outer one"
        )
    seen: set[str] = set()
    for ext in tbs["extensions"] or []:
        oid = ext["extn_id"].dotted
        if oid in seen:
            raise MalformedCertificateError(f"duplicate extension {oid}")
        seen.add(oid)
    return version, serial


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _load(der: bytes, quiet: bool) -> x509.Certificate:
    if not quiet:
        return x509.load_der_x509_certificate(der)
    with warnings.catch_warnings():  # cryptography's deprecation note on a root's serial 0
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_der_x509_certificate(der)


def parse_certificate(data: bytes | x509.Certificate, *, anchor: bool = False) -> Cert:
    """Parse DER (or a ``cryptography`` certificate) strictly, or raise MalformedCertificateError.

    ``anchor``: the certificate is a configured trust anchor (see :func:`_prechecks`).
    """
    if isinstance(data, x509.Certificate):
        der = data.public_bytes(serialization.Encoding.DER)
    else:
        der = bytes(data)
    if len(der) > MAX_CERTIFICATE_BYTES:
        raise MalformedCertificateError(f"{len(der)} bytes is too large for a certificate")
    try:
        asn1 = asn1_x509.Certificate.load(der, strict=True)
        version, serial = _prechecks(asn1, anchor)
        spki = asn1["tbs_certificate"]["subject_public_key_info"]
        spki_der = spki.dump()
        signature_algorithm = asn1["signature_algorithm"]
        signature_algorithm["algorithm"].dotted  # noqa: B018 - parsed now, not later
    except MalformedCertificateError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise MalformedCertificateError(f"not a DER certificate ({_short(exc)})") from None
    try:
        crypto = _load(der, anchor and serial <= 0)
        subject, issuer = crypto.subject, crypto.issuer
        extensions = {e.oid.dotted_string: e for e in crypto.extensions}
        not_before = _utc(crypto.not_valid_before_utc)
        not_after = _utc(crypto.not_valid_after_utc)
    except x509.DuplicateExtension as exc:
        raise MalformedCertificateError(f"duplicate extension {exc.oid.dotted_string}") from None
    except x509.UnsupportedGeneralNameType as exc:
        raise MalformedCertificateError(f"unsupported general name ({exc})") from None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise MalformedCertificateError(_short(exc)) from None
    return Cert(
        der=der,
        crypto=crypto,
        asn1=asn1,
        fingerprint=hashlib.sha256(der).digest(),
        version=version,
        serial=serial,
        subject=subject,
        issuer=issuer,
        not_before=not_before,
        not_after=not_after,
        spki=spki,
        spki_der=spki_der,
        signature_algorithm=signature_algorithm,
        extensions=extensions,
    )


def _short(exc: Exception) -> str:
    """A parser's message made readable: rust-asn1's ``ParseError`` names a field and a kind."""
    text = " ".join(str(exc).split())
    where = re.search(r'location: \["?([\w.]+)', text)
    kind = re.search(r"kind: (\w+)", text)
    if where or kind:
        field = where.group(1) if where else "an extension"
        return f"{field} is not valid DER ({kind.group(1) if kind else 'parse error'})"
    return text if len(text) <= 120 else text[:117] + "..."


def parse_pem_or_der(data: bytes, *, anchor: bool = False) -> Cert:
    """A certificate file's bytes, PEM or DER."""
    if data.lstrip().startswith(b"-----BEGIN"):
        der = _pem_body(data)
        if der is None:
            raise MalformedCertificateError("not a PEM certificate")
        return parse_certificate(der, anchor=anchor)
    return parse_certificate(data, anchor=anchor)


_BEGIN, _END = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"


def _pem_body(data: bytes) -> bytes | None:
    # our own decoding: cryptography's PEM loader warns on some malformed certificates
    text = data.decode("ascii", "replace")
    begin, end = text.find(_BEGIN), text.find(_END)
    if begin < 0 or end < begin:
        return None
    try:
        return base64.b64decode("".join(text[begin + len(_BEGIN) : end].split()), validate=True)
    except (binascii.Error, ValueError):
        return None
