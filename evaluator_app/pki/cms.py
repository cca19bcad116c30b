"""Detached CMS (CAdES-B, optionally -T) over exact bytes: score sheets, votes, notes, files.

Signed attributes: content type, message digest, signing time and ESS signing-certificate-v2
(CAdES-B). With a TSA, an RFC 3161 token over the signature value is added unsigned
(CAdES-T). Output is DER, which ``openssl cms -verify -binary -inform DER`` accepts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from asn1crypto import cms as asn1_cms
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation.errors import SignatureValidationError

from evaluator_app.pki import sm2
from evaluator_app.pki.cms_attrs import cades_signer
from evaluator_app.pki.cms_check import TSA_VALIDATOR, Stamp, check_read, judge
from evaluator_app.pki.cms_integrity import sig_integrity
from evaluator_app.pki.cms_read import parsed_cert
from evaluator_app.pki.credentials.base import Signer, check_hash
from evaluator_app.pki.errors import CredentialError, SignatureError, TimestampError
from evaluator_app.pki.reasons import SignatureProblem, SignatureReason
from evaluator_app.pki.sig_check import DEFAULT_CHECKER
from evaluator_app.pki.signature_verify import CertificateChecker, SignatureVerdict, Trust, utc

logger = logging.getLogger(__name__)
T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine from sync code, also when the caller already has a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def make_timestamper(tsa_url: str | None, timeout: float = 10.0) -> TimeStamper | None:
    return HTTPTimeStamper(tsa_url, timeout=timeout) if tsa_url else None


@contextlib.asynccontextmanager
async def timestamper_for(
    tsa_url: str | None, given: TimeStamper | None = None, timeout: float = 10.0
) -> AsyncIterator[TimeStamper | None]:
    """The caller's timestamper, or one for ``tsa_url`` whose HTTP session is closed afterwards
    (pyHanko's own would leave it open)."""
    if given is not None or not tsa_url:
        yield given
        return
    async with aiohttp.ClientSession() as session:
        yield HTTPTimeStamper(tsa_url, timeout=timeout, session=session)


# --- signing ---


async def async_sign_detached(
    data: bytes,
    signer: Signer,
    *,
    tsa_url: str | None = None,
    timestamper: TimeStamper | None = None,
    hash_alg: str | None = None,
    signing_time: datetime | None = None,
) -> bytes:
    """DER CMS SignedData over ``data`` (detached). ``timestamper`` overrides ``tsa_url``;
    the hash defaults to the key's (SM3 for SM2, SHA-256 otherwise)."""
    async with timestamper_for(tsa_url, timestamper) as ts:
        return await _sign_detached(data, signer, ts, hash_alg or signer.default_hash, signing_time)


async def _sign_detached(
    data: bytes,
    signer: Signer,
    ts: TimeStamper | None,
    hash_alg: str,
    signing_time: datetime | None,
) -> bytes:
    moment = signing_time or datetime.now(UTC)
    attrs = PdfCMSSignedAttributes(signing_time=moment)
    try:
        # pyHanko's CAdES attributes, the signing certificate's built once (pki.cms_attrs)
        ci = await cades_signer(signer.pyhanko_signer(), moment, ts).async_sign_general_data(
            data,
            check_hash(hash_alg),
            detached=True,
            use_cades=True,
            timestamper=ts,
            signed_attr_settings=attrs,
        )
    except CredentialError:
        raise
    except (SigningError, OSError) as exc:
        if ts is not None and "timestamp" in f"{type(exc).__name__} {exc}".lower():
            raise TimestampError(f"timestamp failed: {exc}", "时间戳服务不可用") from exc
        raise SignatureError(f"signing failed: {exc}", "签名失败") from exc
    return bytes(ci.dump())


def sign_detached(data: bytes, signer: Signer, **kwargs: Any) -> bytes:
    return run_sync(async_sign_detached(data, signer, **kwargs))


def sign_canonical(obj: Any, signer: Signer, **kwargs: Any) -> tuple[bytes, bytes]:
    """Canonical JSON (RFC 8785) of ``obj`` and the CMS over exactly those bytes."""
    from evaluator_app.core.canonical import canonical_bytes

    data = canonical_bytes(obj)
    return data, sign_detached(data, signer, **kwargs)


def sign_file(path: Path, signer: Signer, out: Path | None = None, **kwargs: Any) -> Path:
    """Write ``path``.p7s (or ``out``) holding a detached CMS over the file's bytes."""
    out = out or path.with_name(path.name + ".p7s")
    out.write_bytes(sign_detached(path.read_bytes(), signer, **kwargs))
    return out


# --- verification ---


def _embedded(sd: asn1_cms.SignedData) -> list[asn1_x509.Certificate]:
    return [
        parsed_cert(c.chosen.dump()) for c in (sd["certificates"] or []) if c.name == "certificate"
    ]


def _signer_cert(sd: asn1_cms.SignedData, si: asn1_cms.SignerInfo) -> asn1_x509.Certificate | None:
    sid = si["sid"]
    for cert in _embedded(sd):
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            # Serial first and DER before asn1crypto's Name equality: its string preparation
            # was half the verification time.
            if cert.serial_number != ias["serial_number"].native:
                continue
            if cert.issuer.dump() == ias["issuer"].dump() or cert.issuer == ias["issuer"]:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def _certs(sd: asn1_cms.SignedData) -> list[asn1_x509.Certificate]:
    return _embedded(sd)


def _attr(si: asn1_cms.SignerInfo, which: str, name: str) -> Any:
    attrs = si[which]
    if not attrs:
        return None
    for a in attrs:
        if a["type"].native == name:
            return a["values"][0]
    return None


def _read_timestamp(si: asn1_cms.SignerInfo, reasons: list[SignatureReason]) -> Stamp | None:
    """The RFC 3161 token over the signature value, if its integrity holds (else a reason)."""
    token = _attr(si, "unsigned_attrs", "signature_time_stamp_token")
    if token is None:
        return None
    try:
        tsd = token["content"]
        tst_info: asn1_tsp.TSTInfo = tsd["encap_content_info"]["content"].parsed
        imprint = tst_info["message_imprint"]
        algo = imprint["hash_algorithm"]["algorithm"].native
        if hashlib.new(algo, si["signature"].native).digest() != imprint["hashed_message"].native:
            reasons.append(SignatureReason(SignatureProblem.TIMESTAMP_NOT_COVERING))
            return None
        tsi = tsd["signer_infos"][0]
        tsa_cert = _signer_cert(tsd, tsi)
        if tsa_cert is None:
            reasons.append(SignatureReason(SignatureProblem.TIMESTAMP_CERTIFICATE_MISSING))
            return None
        content = bytes(tsd["encap_content_info"]["content"].contents)
        md = hashlib.new(tsi["digest_algorithm"]["algorithm"].native, content).digest()
        intact, ok = sig_integrity(tsi, tsa_cert, "tst_info", md, TSA_VALIDATOR)
        if not (intact and ok):
            reasons.append(SignatureReason(SignatureProblem.TIMESTAMP_BROKEN))
            return None
        return Stamp(tsa_cert, tuple(_certs(tsd)), utc(tst_info["gen_time"].native))
    except (ValueError, KeyError, TypeError, IndexError, SignatureValidationError) as exc:
        reasons.append(SignatureReason(SignatureProblem.TIMESTAMP_UNREADABLE, str(exc)))
        return None


def _broken(detail: str, code: SignatureProblem = SignatureProblem.MALFORMED) -> SignatureVerdict:
    why = (SignatureReason(code, detail),)
    return SignatureVerdict("cms", "?", "?", None, None, None, False, Trust.UNKNOWN, why)


async def async_verify_detached(
    data: bytes, cms_der: bytes, checker: CertificateChecker | None = None
) -> SignatureVerdict:
    """Judge a detached CMS signature over ``data``. Never raises on bad input: says why.

    A signature intact on every count is read once (pki.cms_read, pki.cms_check); anything else,
    each refusal included, by asn1crypto's generic path below, in the same words as ever."""
    try:
        read = check_read(data, cms_der, DEFAULT_CHECKER)
    except Exception as exc:  # cms_check.Generic, cms_read.CmsReadError, asn1crypto's
        logger.debug("CMS judged by the generic path: %s", exc)
        return await async_verify_generic(data, cms_der, checker)
    return await _worded(
        judge(read.cert, read.certs, read.signing_time, True, read.stamp, checker, [])
    )


async def async_verify_generic(
    data: bytes, cms_der: bytes, checker: CertificateChecker | None = None
) -> SignatureVerdict:
    """:func:`async_verify_detached` through asn1crypto and pyHanko's integrity check alone."""
    return await _worded(_verify(data, cms_der, checker))


async def _worded(verdict: Coroutine[Any, Any, SignatureVerdict]) -> SignatureVerdict:
    try:
        return await verdict
    except sm2.SM2UnavailableError:  # not a broken signature: this machine cannot check SM2
        return _broken("", SignatureProblem.SM2_UNAVAILABLE)
    except Exception as exc:
        # asn1crypto parses lazily: a corrupt field surfaces wherever it is first touched.
        logger.info("malformed CMS signature", exc_info=True)
        return _broken(f"malformed signature: {type(exc).__name__}: {str(exc)[:120]}")


async def _verify(
    data: bytes, cms_der: bytes, checker: CertificateChecker | None
) -> SignatureVerdict:
    try:
        ci = asn1_cms.ContentInfo.load(cms_der)
        # GM/T 0010 names SignedData with its own OID; we write PKCS#7's, read both
        kind = ci["content_type"].native
        if kind not in ("signed_data", "gm_signed_data"):
            return _broken("not a CMS SignedData")
        sd: asn1_cms.SignedData = ci["content"]
        sis = list(sd["signer_infos"])
    except (ValueError, TypeError, KeyError) as exc:
        return _broken(f"not a CMS signature: {exc}")
    if len(sis) != 1:
        return _broken(f"expected one signer, found {len(sis)}")
    si = sis[0]
    reasons: list[SignatureReason] = []
    if sd["encap_content_info"]["content"].native is not None:
        reasons.append(SignatureReason(SignatureProblem.NOT_DETACHED))
    cert = _signer_cert(sd, si)
    if cert is None:
        return _broken("", SignatureProblem.SIGNER_CERTIFICATE_MISSING)
    try:
        md = hashlib.new(si["digest_algorithm"]["algorithm"].native, data).digest()
        expected = "gm_data" if kind == "gm_signed_data" else "data"
        intact, sig_ok = sig_integrity(si, cert, expected, md, DEFAULT_CHECKER)
    except (SignatureValidationError, ValueError) as exc:
        intact, sig_ok = False, False
        reasons.append(
            SignatureReason(
                SignatureProblem.STRUCTURE_REFUSED, str(getattr(exc, "failure_message", exc))
            )
        )
    if not intact:
        reasons.append(SignatureReason(SignatureProblem.CONTENT_MISMATCH))
    elif not sig_ok:
        reasons.append(SignatureReason(SignatureProblem.VALUE_INVALID))
    st_attr = _attr(si, "signed_attrs", "signing_time")
    signing_time = utc(st_attr.native) if st_attr is not None else None
    stamp = _read_timestamp(si, reasons)
    return await judge(cert, _certs(sd), signing_time, intact and sig_ok, stamp, checker, reasons)


def verify_detached(
    data: bytes, cms_der: bytes, checker: CertificateChecker | None = None
) -> SignatureVerdict:
    return run_sync(async_verify_detached(data, cms_der, checker))


def verify_file(
    path: Path, checker: CertificateChecker | None = None, sig: Path | None = None
) -> SignatureVerdict:
    sig = sig or path.with_name(path.name + ".p7s")
    return verify_detached(path.read_bytes(), sig.read_bytes(), checker)
