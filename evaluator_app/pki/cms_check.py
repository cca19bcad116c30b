"""A detached CMS signature checked from its one reading (pki.cms_read), and the shared verdict.

:func:`check_read` accepts a signature only when it is everything the generic path
(``pki.cms``: asn1crypto and ``cms_integrity``) would accept without a word: one signer, detached,
its certificate embedded and named by the exact DER of its issuer, the signed attributes of a
CAdES-B signature and nothing else (content type, message digest, signing time, one ESS
signing certificate), the digest and the signature right, and an RFC 3161 token, if any, as
right. Anything else, a refusal included, returns None and is judged by the generic path, so
every refusal is given in today's words. What is repeated per signer is done once: the ESS
attribute's match with its certificate and the certificate's ECDSA public key.

:func:`judge` is the second half of both paths: the timestamp authority's and the signer's
trust (through the :class:`CertificateChecker`), then the verdict.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from asn1crypto import algos as asn1_algos
from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator.sig_validate import (
    DefaultSignatureValidator,
    SignatureValidationContext,
    SignatureValidator,
)

from evaluator_app.pki import cms_read as rd
from evaluator_app.pki import sm2
from evaluator_app.pki.cms_integrity import ess_certid_matches
from evaluator_app.pki.errors import PkiError
from evaluator_app.pki.reasons import SignatureProblem, SignatureReason
from evaluator_app.pki.sig_check import SignatureChecker
from evaluator_app.pki.signature_verify import (
    CertificateChecker,
    CertStatus,
    SignatureVerdict,
    Trust,
    no_checker_status,
    subject_of,
    utc,
)

K = TypeVar("K")
V = TypeVar("V")


class Generic(PkiError):
    """Not for this path: the generic one judges (and words any refusal)."""


@dataclass(frozen=True)
class Stamp:
    """An RFC 3161 token whose integrity holds: its authority's certificate and time."""

    cert: asn1_x509.Certificate
    certs: tuple[asn1_x509.Certificate, ...]
    gen_time: datetime | None


@dataclass(frozen=True)
class Read:
    """A signature intact by :func:`check_read`, ready for :func:`judge`."""

    cert: asn1_x509.Certificate
    certs: tuple[asn1_x509.Certificate, ...]
    signing_time: datetime | None
    stamp: Stamp | None


_ECDSA = {  # ecdsa-with-SHA256/384/512 (RFC 5758)
    bytes.fromhex("2a8648ce3d040302"): ec.ECDSA(hashes.SHA256()),
    bytes.fromhex("2a8648ce3d040303"): ec.ECDSA(hashes.SHA384()),
    bytes.fromhex("2a8648ce3d040304"): ec.ECDSA(hashes.SHA512()),
}
_CADES_B = frozenset(
    {
        rd.OID_CONTENT_TYPE,
        rd.OID_MESSAGE_DIGEST,
        rd.OID_SIGNING_TIME,
        rd.OID_SIGNING_CERTIFICATE,
        rd.OID_SIGNING_CERTIFICATE_V2,
    }
)
_LOCK = threading.Lock()
_DIGESTS: dict[bytes, str] = {}
_KEYS: dict[bytes, ec.EllipticCurvePublicKey] = {}
_ESS: dict[tuple[bytes, bytes, bytes], bool] = {}


def _remember(cache: dict[K, V], key: K, value: V) -> None:
    with _LOCK:
        if len(cache) >= 1024:
            cache.pop(next(iter(cache)))
        cache[key] = value


def digest_name(alg: rd.Algorithm) -> str:
    """The hash's name as asn1crypto gives it (``hashlib.new`` takes it, as the generic path)."""
    name = _DIGESTS.get(alg.oid)
    if name is None:
        der = b"\x06" + bytes([len(alg.oid)]) + alg.oid if len(alg.oid) < 0x80 else b""
        name = str(asn1_algos.DigestAlgorithmId.load(der).native)
        _remember(_DIGESTS, alg.oid, name)
    return name


def _ec_key(spki: asn1_x509.PublicKeyInfo) -> ec.EllipticCurvePublicKey | None:
    der = spki.dump()
    key = _KEYS.get(der)
    if key is None:
        if sm2.is_sm2_key(spki):
            return None
        loaded = serialization.load_der_public_key(der)  # as pyHanko loads it
        if not isinstance(loaded, ec.EllipticCurvePublicKey):
            return None
        key = loaded
        _remember(_KEYS, der, key)
    return key


def _ess_matches(cert: asn1_x509.Certificate, which: bytes, value: bytes) -> bool:
    key = (rd.cert_der(cert), which, value)
    hit = _ESS.get(key)
    if hit is None:
        cls = (
            asn1_tsp.SigningCertificateV2
            if which == rd.OID_SIGNING_CERTIFICATE_V2
            else asn1_tsp.SigningCertificate
        )
        hit = bool(ess_certid_matches(cert, cls.load(value)["certs"][0]))
        _remember(_ESS, key, hit)
    return hit


def signer_cert(sd: rd.SignedDataRead, si: rd.SignerRead) -> asn1_x509.Certificate | None:
    """``pki.cms._signer_cert`` on the reading: the first embedded certificate ``si`` names."""
    for der in sd.certificates:
        cert = rd.parsed_cert(der)
        got = rd.known(cert)
        if si.issuer is not None:
            if got.serial != si.serial:
                continue
            if got.issuer == si.issuer:
                return cert
            raise Generic("issuer equal only by string preparation")
        elif got.key_id == si.key_id:
            return cert
    return None


def _value(der: bytes, tag: int) -> bytes:
    got, s, e = rd.tlv(der, 0, len(der))
    if got != tag or e != len(der):
        raise Generic("unexpected attribute value")
    return der[s:e]


def _signature_ok(
    si: rd.SignerRead, cert: asn1_x509.Certificate, validator: SignatureValidator
) -> None:
    assert si.signed_attrs is not None
    ecdsa = _ECDSA.get(si.signature_algorithm.oid)
    # the validators whose ECDSA is pyHanko's (SignatureChecker's, unless the key is SM2)
    plain = type(validator) in (DefaultSignatureValidator, SignatureChecker)
    key = _ec_key(cert.public_key) if ecdsa is not None and plain else None
    try:
        if key is not None and ecdsa is not None:
            key.verify(si.signature, si.signed_attrs, ecdsa)
            return
        validator.validate_signature(
            si.signature,
            si.signed_attrs,
            cert.public_key,
            asn1_algos.SignedDigestAlgorithm.load(si.signature_algorithm.der),
            context=SignatureValidationContext(
                contextual_md_algorithm=digest_name(si.digest_algorithm), prehashed=False
            ),
        )
    except InvalidSignature as exc:
        raise Generic("signature does not verify") from exc


def integrity(
    si: rd.SignerRead,
    cert: asn1_x509.Certificate,
    content_type: bytes,
    digest: bytes,
    validator: SignatureValidator,
) -> None:
    """``cms_integrity.sig_integrity`` holding on both counts, or :class:`Generic`."""
    attrs = si.attrs
    if si.signed_attrs is None or not attrs.keys() <= _CADES_B:
        raise Generic("not the signed attributes of CAdES-B")
    v2 = attrs.get(rd.OID_SIGNING_CERTIFICATE_V2, ())
    v1 = attrs.get(rd.OID_SIGNING_CERTIFICATE, ())
    if len(v2) + len(v1) > 1:
        raise Generic("more than one signing certificate attribute")
    for which, values in ((rd.OID_SIGNING_CERTIFICATE_V2, v2), (rd.OID_SIGNING_CERTIFICATE, v1)):
        if values and not _ess_matches(cert, which, values[0]):
            raise Generic("signing certificate attribute does not match")
    types = attrs.get(rd.OID_CONTENT_TYPE, ())
    if len(types) != 1 or _value(types[0], 0x06) != content_type:
        raise Generic("content type")
    digests = attrs.get(rd.OID_MESSAGE_DIGEST, ())
    if len(digests) != 1 or _value(digests[0], 0x04) != digest:
        raise Generic("message digest")
    _signature_ok(si, cert, validator)


def _signing_time(si: rd.SignerRead) -> datetime | None:
    values = si.attrs.get(rd.OID_SIGNING_TIME)
    return utc(asn1_cms.Time.load(values[0]).native) if values else None


def _tst_info(content: bytes) -> tuple[rd.Algorithm, bytes, datetime | None]:
    """(imprint hash, imprint, genTime) of an RFC 3161 TSTInfo, every field's tag checked."""
    s, e = rd.expect(content, 0, len(content), 0x30)
    if e != len(content):
        raise Generic("trailing data after TSTInfo")
    fields = rd.children(content, s, e)
    if len(fields) < 5 or [f[0] for f in fields[:5]] != [0x02, 0x06, 0x30, 0x02, 0x18]:
        raise Generic("TSTInfo fields")
    optional = [0x30, 0x01, 0x02, 0xA0, 0xA1]  # accuracy, ordering, nonce, tsa, extensions
    for tag, *_ in fields[5:]:
        if tag not in optional:
            raise Generic("TSTInfo fields")
        optional = optional[optional.index(tag) + 1 :]
    _, _, ms, me = fields[2]
    imprint = rd.children(content, ms, me)
    if len(imprint) != 2 or imprint[1][0] != 0x04:
        raise Generic("message imprint")
    alg = rd.algorithm(content, imprint[0][1], me)[0]
    gen_at, gen_end = fields[4][1], fields[4][3]
    gen_time = asn1_core.GeneralizedTime.load(content[gen_at:gen_end]).native
    return alg, content[imprint[1][2] : imprint[1][3]], utc(gen_time)


def _stamp(si: rd.SignerRead) -> Stamp | None:
    if not si.unsigned:
        return None
    if si.unsigned.keys() != {rd.OID_TIMESTAMP_TOKEN}:
        raise Generic("unsigned attributes other than a timestamp")
    tsd = rd.read_signed_data(si.unsigned[rd.OID_TIMESTAMP_TOKEN][0])
    if tsd.content_type != rd.OID_SIGNED_DATA or tsd.encap_type != rd.OID_TST_INFO:
        raise Generic("not a timestamp token")
    if tsd.encap_content is None or not tsd.signers:
        raise Generic("not a timestamp token")
    alg, imprint, gen_time = _tst_info(tsd.encap_content)
    if hashlib.new(digest_name(alg), si.signature).digest() != imprint:
        raise Generic("timestamp not over this signature")
    tsi = tsd.signers[0]
    cert = signer_cert(tsd, tsi)
    if cert is None:
        raise Generic("timestamp certificate missing")
    md = hashlib.new(digest_name(tsi.digest_algorithm), tsd.encap_content).digest()
    integrity(tsi, cert, rd.OID_TST_INFO, md, TSA_VALIDATOR)
    return Stamp(cert, tuple(rd.parsed_cert(c) for c in tsd.certificates), gen_time)


#: timestamp tokens are checked as pyHanko checks them by default (RSA/ECDSA)
TSA_VALIDATOR = DefaultSignatureValidator()


def check_read(data: bytes, cms_der: bytes, validator: SignatureValidator) -> Read:
    """The signature ``cms_der`` over ``data`` intact on every count, or :class:`Generic`
    (also for :class:`cms_read.CmsReadError`, a ``ValueError``)."""
    sd = rd.read_signed_data(cms_der)
    if len(sd.signers) != 1 or sd.encap_content is not None:
        raise Generic("not one signer, or not detached")
    si = sd.signers[0]
    cert = signer_cert(sd, si)
    if cert is None:
        raise Generic("signer certificate missing")
    md = hashlib.new(digest_name(si.digest_algorithm), data).digest()
    gm = sd.content_type == rd.OID_GM_SIGNED_DATA
    integrity(si, cert, rd.OID_GM_DATA if gm else rd.OID_DATA, md, validator)
    signing_time = _signing_time(si)
    stamp = _stamp(si)
    return Read(cert, tuple(rd.parsed_cert(c) for c in sd.certificates), signing_time, stamp)


async def stamp_time(
    stamp: Stamp | None, checker: CertificateChecker | None, reasons: list[SignatureReason]
) -> datetime | None:
    """The token's time, once its authority is judged (a doubt about it is a reason)."""
    if stamp is None:
        return None
    try:
        if checker is not None:
            st = await checker.check(
                stamp.cert, stamp.certs, "timestamping", stamp.gen_time or datetime.now(UTC)
            )
            if st.trust is not Trust.TRUSTED:
                reasons.append(
                    SignatureReason(SignatureProblem.TIMESTAMP_NOT_TRUSTED, certificate=st.reasons)
                )
        return stamp.gen_time
    except (ValueError, KeyError, TypeError, IndexError, SignatureValidationError) as exc:
        reasons.append(SignatureReason(SignatureProblem.TIMESTAMP_UNREADABLE, str(exc)))
        return None


async def judge(
    cert: asn1_x509.Certificate,
    certs: Sequence[asn1_x509.Certificate],
    signing_time: datetime | None,
    integrity_ok: bool,
    stamp: Stamp | None,
    checker: CertificateChecker | None,
    reasons: list[SignatureReason],
) -> SignatureVerdict:
    """The verdict on a CMS signature whose integrity is known: trust, then the reasons."""
    ts_time = await stamp_time(stamp, checker, reasons)
    at = ts_time or datetime.now(UTC)
    status: CertStatus = (
        await checker.check(cert, certs, "signing", at)
        if checker
        else await no_checker_status(cert)
    )
    if status.reasons:
        reasons.append(
            SignatureReason(SignatureProblem.SIGNER_NOT_TRUSTED, certificate=status.reasons)
        )
    return SignatureVerdict(
        kind="cms",
        signer=status.identity or subject_of(cert),
        subject=subject_of(cert),
        ca=status.ca,
        signing_time=signing_time,
        timestamp_time=ts_time,
        integrity_ok=integrity_ok,
        trust=status.trust,
        reasons=tuple(reasons),
        certificate_der=rd.cert_der(cert),
    )
