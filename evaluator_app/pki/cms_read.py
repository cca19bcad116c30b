"""A CMS SignedData read once, straight from its DER: what verification needs and nothing else.

asn1crypto parses lazily and generically: every ``obj["field"]`` walks its spec, and the same
SignerInfo was indexed three times per signature (the signer's certificate, the integrity check,
the timestamp), most of a verified sheet's time outside the signature arithmetic. Here one pass
over the bytes gives the signer infos (identifier, algorithms, the signed attributes as the
exact bytes signed and by type, the signature, the unsigned attributes) and the embedded
certificates' DER.

The reader is strict where asn1crypto is lenient, never the other way round: definite minimal
lengths only, every SEQUENCE field's tag as the ASN.1 module has it and nothing after the last,
object identifiers in their one canonical encoding. Whatever it declines raises
:class:`CmsReadError` with a typed :class:`CmsReadProblem`; ``pki.cms`` then judges that input
by its generic asn1crypto path, which gives today's refusals, so no input is judged differently
by being read here.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509

from evaluator_app.pki.errors import PkiError


class CmsReadProblem(enum.StrEnum):
    TRUNCATED = "truncated"  # an element runs past its parent
    NOT_DER = "not_der"  # indefinite or non-minimal length, high tag number, bad OID encoding
    UNEXPECTED_TAG = "unexpected_tag"  # a field is not what the ASN.1 module says
    TRAILING_DATA = "trailing_data"  # bytes after the last field
    NOT_SIGNED_DATA = "not_signed_data"  # a ContentInfo of another type
    EMPTY_ATTRIBUTE = "empty_attribute"  # an attribute with no value


class CmsReadError(PkiError, ValueError):
    def __init__(self, problem: CmsReadProblem, at: int) -> None:
        super().__init__(
            f"CMS not read: {problem.value} at byte {at}",
            f"CMS 签名未能读取：{problem.value}，第 {at} 字节",
        )
        self.problem = problem
        self.at = at


# object identifiers as their DER contents (no tag and length)
OID_SIGNED_DATA = bytes.fromhex("2a864886f70d010702")  # 1.2.840.113549.1.7.2
OID_GM_SIGNED_DATA = bytes.fromhex("2a811ccf550601040202")  # 1.2.156.10197.6.1.4.2.2
OID_DATA = bytes.fromhex("2a864886f70d010701")  # 1.2.840.113549.1.7.1
OID_GM_DATA = bytes.fromhex("2a811ccf550601040201")  # 1.2.156.10197.6.1.4.2.1
OID_TST_INFO = bytes.fromhex("2a864886f70d0109100104")  # 1.2.840.113549.1.9.16.1.4
OID_CONTENT_TYPE = bytes.fromhex("2a864886f70d010903")
OID_MESSAGE_DIGEST = bytes.fromhex("2a864886f70d010904")
OID_SIGNING_TIME = bytes.fromhex("2a864886f70d010905")
OID_SIGNING_CERTIFICATE = bytes.fromhex("2a864886f70d010910020c")  # ESS v1
OID_SIGNING_CERTIFICATE_V2 = bytes.fromhex("2a864886f70d010910022f")
OID_ALGORITHM_PROTECTION = bytes.fromhex("2a864886f70d010934")  # RFC 6211
OID_TIMESTAMP_TOKEN = bytes.fromhex("2a864886f70d010910020e")  # id-aa-timeStampToken

_SEQUENCE, _SET, _INTEGER, _OCTET_STRING, _OID = 0x30, 0x31, 0x02, 0x04, 0x06


def tlv(buf: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, start of contents, end of contents) of the DER element at ``pos``."""
    if pos + 2 > end:
        raise CmsReadError(CmsReadProblem.TRUNCATED, pos)
    tag, n = buf[pos], buf[pos + 1]
    if tag & 0x1F == 0x1F:
        raise CmsReadError(CmsReadProblem.NOT_DER, pos)
    start = pos + 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0 or k > 4 or start + k > end:
            raise CmsReadError(CmsReadProblem.NOT_DER, pos)
        n = int.from_bytes(buf[start : start + k], "big")
        if n < 0x80 or n >> (8 * (k - 1)) == 0:  # not the minimal length encoding
            raise CmsReadError(CmsReadProblem.NOT_DER, pos)
        start += k
    if start + n > end:
        raise CmsReadError(CmsReadProblem.TRUNCATED, pos)
    return tag, start, start + n


def expect(buf: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    got, start, stop = tlv(buf, pos, end)
    if got != tag:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, pos)
    return start, stop


def children(buf: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(tag, element start, contents start, contents end) of each element in [start, end)."""
    out = []
    pos = start
    while pos < end:
        tag, s, e = tlv(buf, pos, end)
        out.append((tag, pos, s, e))
        pos = e
    return out


def oid(buf: bytes, pos: int, end: int) -> bytes:
    """The contents of the OBJECT IDENTIFIER at ``pos``, refused unless canonically encoded."""
    s, e = expect(buf, pos, end, _OID)
    value = buf[s:e]
    if not value or value[-1] & 0x80:
        raise CmsReadError(CmsReadProblem.NOT_DER, pos)
    prev = 0  # a subidentifier may not start with 0x80 (a padded encoding of the same number)
    for i, b in enumerate(value):
        if (i == 0 or not prev & 0x80) and b == 0x80:
            raise CmsReadError(CmsReadProblem.NOT_DER, s + i)
        prev = b
    return value


@dataclass(frozen=True)
class Algorithm:
    der: bytes  # the whole AlgorithmIdentifier
    oid: bytes
    has_parameters: bool


def algorithm(buf: bytes, pos: int, end: int, tag: int = _SEQUENCE) -> tuple[Algorithm, int]:
    got, s, e = tlv(buf, pos, end)
    if got != tag:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, pos)
    parts = children(buf, s, e)
    if not parts or len(parts) > 2:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, pos)
    return Algorithm(bytes(buf[pos:e]), oid(buf, parts[0][1], e), len(parts) == 2), e


@dataclass(frozen=True)
class SignerRead:
    issuer: bytes | None  # issuerAndSerialNumber: the Name's DER ...
    serial: int | None  # ... and the serial
    key_id: bytes | None  # or subjectKeyIdentifier
    digest_algorithm: Algorithm
    signed_attrs: bytes | None  # the DER signed: the [0] set re-tagged as a SET OF
    attrs: Mapping[bytes, tuple[bytes, ...]]  # signed, by type OID: every value's DER
    signature_algorithm: Algorithm
    signature: bytes
    unsigned: Mapping[bytes, tuple[bytes, ...]]


@dataclass(frozen=True)
class SignedDataRead:
    content_type: bytes  # of the ContentInfo: OID_SIGNED_DATA or OID_GM_SIGNED_DATA
    encap_type: bytes
    encap_content: bytes | None  # None when detached
    certificates: tuple[bytes, ...]  # the X.509 choices of CertificateChoices, in order
    signers: tuple[SignerRead, ...]


def _attributes(buf: bytes, s: int, e: int) -> dict[bytes, tuple[bytes, ...]]:
    index: dict[bytes, list[bytes]] = {}
    for tag, at, cs, ce in children(buf, s, e):
        if tag != _SEQUENCE:
            raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, at)
        parts = children(buf, cs, ce)
        if len(parts) != 2 or parts[1][0] != _SET:
            raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, at)
        kind = oid(buf, parts[0][1], ce)
        values = [bytes(buf[v[1] : v[3]]) for v in children(buf, parts[1][2], parts[1][3])]
        if not values:
            raise CmsReadError(CmsReadProblem.EMPTY_ATTRIBUTE, at)
        index.setdefault(kind, []).extend(values)
    return {k: tuple(v) for k, v in index.items()}


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _signer(buf: bytes, pos: int, end: int) -> SignerRead:
    s, e = expect(buf, pos, end, _SEQUENCE)
    parts = children(buf, s, e)
    if len(parts) < 5 or parts[0][0] != _INTEGER:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, pos)
    issuer = serial = key_id = None
    sid_tag, sid_at, sid_s, sid_e = parts[1]
    if sid_tag == _SEQUENCE:  # IssuerAndSerialNumber
        sid = children(buf, sid_s, sid_e)
        if len(sid) != 2 or sid[0][0] != _SEQUENCE or sid[1][0] != _INTEGER:
            raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, sid_at)
        issuer = bytes(buf[sid[0][1] : sid[0][3]])
        serial = int.from_bytes(buf[sid[1][2] : sid[1][3]], "big", signed=True)
    elif sid_tag == 0x80:  # [0] IMPLICIT SubjectKeyIdentifier
        key_id = bytes(buf[sid_s:sid_e])
    else:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, sid_at)
    digest, i = algorithm(buf, parts[2][1], e)[0], 3
    signed_attrs, attrs = None, {}
    if parts[i][0] == 0xA0:  # [0] IMPLICIT SignedAttributes
        _, _, cs, ce = parts[i]
        signed_attrs = b"\x31" + _der_length(ce - cs) + bytes(buf[cs:ce])
        attrs, i = _attributes(buf, cs, ce), i + 1
    if len(parts) < i + 2:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, pos)
    sig_alg = algorithm(buf, parts[i][1], e)[0]
    if parts[i + 1][0] != _OCTET_STRING:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, parts[i + 1][1])
    signature = bytes(buf[parts[i + 1][2] : parts[i + 1][3]])
    unsigned: dict[bytes, tuple[bytes, ...]] = {}
    rest = parts[i + 2 :]
    if rest and rest[0][0] == 0xA1:  # [1] IMPLICIT UnsignedAttributes
        unsigned = _attributes(buf, rest[0][2], rest[0][3])
        rest = rest[1:]
    if rest:
        raise CmsReadError(CmsReadProblem.TRAILING_DATA, rest[0][1])
    return SignerRead(
        issuer, serial, key_id, digest, signed_attrs, attrs, sig_alg, signature, unsigned
    )


def read_signed_data(der: bytes) -> SignedDataRead:
    """The ContentInfo ``der`` (a SignedData, PKCS#7's or GM/T 0010's), read once."""
    buf = der
    s, e = expect(buf, 0, len(buf), _SEQUENCE)
    if e != len(buf):
        raise CmsReadError(CmsReadProblem.TRAILING_DATA, e)
    top = children(buf, s, e)
    if len(top) != 2 or top[1][0] != 0xA0:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, s)
    kind = oid(buf, top[0][1], e)
    if kind not in (OID_SIGNED_DATA, OID_GM_SIGNED_DATA):
        raise CmsReadError(CmsReadProblem.NOT_SIGNED_DATA, top[0][1])
    body = children(buf, top[1][2], top[1][3])
    if len(body) != 1:
        raise CmsReadError(CmsReadProblem.TRAILING_DATA, top[1][2])
    sd_s, sd_e = expect(buf, body[0][1], top[1][3], _SEQUENCE)
    fields = children(buf, sd_s, sd_e)
    if len(fields) < 4 or fields[0][0] != _INTEGER or fields[1][0] != _SET:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, sd_s)
    encap_tag, encap_at, encap_s, encap_e = fields[2]
    encap = children(buf, encap_s, encap_e) if encap_tag == _SEQUENCE else []
    if not encap or len(encap) > 2 or (len(encap) == 2 and encap[1][0] != 0xA0):
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, encap_at)
    encap_type = oid(buf, encap[0][1], encap_e)
    content = None
    if len(encap) == 2:  # [0] EXPLICIT OCTET STRING
        inner = children(buf, encap[1][2], encap[1][3])
        if len(inner) != 1 or inner[0][0] != _OCTET_STRING:
            raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, encap[1][1])
        content = bytes(buf[inner[0][2] : inner[0][3]])
    rest = fields[3:]
    certificates: list[bytes] = []
    if rest[0][0] == 0xA0:  # [0] IMPLICIT CertificateSet
        for tag, at, _, ce in children(buf, rest[0][2], rest[0][3]):
            if tag == _SEQUENCE:
                certificates.append(bytes(buf[at:ce]))
            elif tag not in (0xA0, 0xA1, 0xA2, 0xA3):  # other certificate formats: skipped
                raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, at)
        rest = rest[1:]
    if rest and rest[0][0] == 0xA1:  # [1] IMPLICIT RevocationInfoChoices: not read here
        rest = rest[1:]
    if len(rest) != 1 or rest[0][0] != _SET:
        raise CmsReadError(CmsReadProblem.UNEXPECTED_TAG, rest[0][1] if rest else sd_e)
    signers = tuple(_signer(buf, at, rest[0][3]) for _, at, _, _ in children(buf, *rest[0][2:]))
    return SignedDataRead(kind, encap_type, content, tuple(certificates), signers)


@dataclass(frozen=True)
class Known:
    """What signer matching reads of a shared certificate, read once."""

    der: bytes
    issuer: bytes  # the issuer Name's DER
    serial: int
    key_id: bytes | None


_CERTS: dict[bytes, asn1_x509.Certificate] = {}
_KNOWN: dict[int, Known] = {}  # by id of a certificate held in _CERTS
_CERTS_LOCK = threading.Lock()


def parsed_cert(der: bytes) -> asn1_x509.Certificate:
    """A certificate embedded in many signatures (the same forty experts, one TSA) is parsed
    once: what verification reads of it is parsed here, before the object is shared."""
    hit = _CERTS.get(der)
    if hit is not None:
        return hit
    cert = asn1_x509.Certificate.load(der)
    try:
        known = Known(der, cert.issuer.dump(), cert.serial_number, cert.key_identifier)
        _ = (cert.public_key, cert.subject.human_friendly)
    except Exception:  # a broken one is judged where it is read, never shared
        return cert
    with _CERTS_LOCK:
        if len(_CERTS) >= 256:
            _KNOWN.pop(id(_CERTS.pop(next(iter(_CERTS)))), None)
        _CERTS[der] = cert
        _KNOWN[id(cert)] = known
    return cert


def known(cert: asn1_x509.Certificate) -> Known:
    """DER, issuer, serial and key identifier of ``cert``: for one :func:`parsed_cert` shares,
    as read, without asn1crypto's walk of every field to see whether one changed (15 µs a
    ``dump()``); for any other, read now."""
    hit = _KNOWN.get(id(cert))
    if hit is not None:
        return hit
    return Known(cert.dump(), cert.issuer.dump(), cert.serial_number, cert.key_identifier)


def cert_der(cert: asn1_x509.Certificate) -> bytes:
    hit = _KNOWN.get(id(cert))
    return hit.der if hit is not None else cert.dump()
