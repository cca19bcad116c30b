"""PAdES signatures on PDFs: B-B, B-T (RFC 3161 timestamp), B-LT (validation data in a DSS).

Every committee member signs the report in turn: each signature is an incremental update
that leaves the bytes signed before it untouched, so earlier signatures stay valid.
Verification uses pyHanko for integrity and its difference analysis (what changed after
each signature), and our :class:`CertificateChecker` for trust, like CMS verification.
"""

from __future__ import annotations

import dataclasses
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from evaluator_app.pki.cms import run_sync, timestamper_for
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.errors import CredentialError, SignatureError, TimestampError
from evaluator_app.pki.pades_appearance import AppearanceRenderer, RenderedStampStyle
from evaluator_app.pki.reasons import SignatureProblem, SignatureReason
from evaluator_app.pki.sig_check import DEFAULT_CHECKER
from evaluator_app.pki.signature_verify import (
    CertificateChecker,
    SignatureVerdict,
    Trust,
    no_checker_status,
    subject_of,
    utc,
)

logger = logging.getLogger(__name__)
# pyHanko logs a full traceback at WARNING whenever it cannot build a path to a trust root it was
# not given; our verdicts judge trust separately (CertificateChecker), so that noise is dropped.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.ERROR)


class _NoFetchWarning(logging.Filter):
    """We never let pyHanko fetch (validation data are given); its warning about it is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_NoFetchWarning())

# Changes a later revision may make without breaking an earlier signature: validation data
# (DSS, document timestamps) and filling in the next member's signature field.
_ALLOWED_LATER = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)


@dataclass(frozen=True)
class PadesOptions:
    """What level to produce: B-B (default), B-T with ``tsa_url``/``timestamper``, B-LT with
    ``embed_validation_data`` plus the roots and revocation data to put in the DSS."""

    tsa_url: str | None = None
    timestamper: TimeStamper | None = None
    embed_validation_data: bool = False
    trust_roots: tuple[Any, ...] = ()  # asn1crypto certificates
    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()
    field_name: str | None = None
    reason: str | None = None
    location: str | None = None
    # a visible signature: the field (``field_name``, laid out when the PDF was made) shows
    # what this renders at the signing time (see pades_appearance)
    appearance: AppearanceRenderer | None = None


def _next_field_name(reader: PdfFileReader) -> str:
    existing = {name for name, _, _ in fields.enumerate_sig_fields(reader, filled_status=None)}
    n = 1
    while f"Signature{n}" in existing:
        n += 1
    return f"Signature{n}"


async def async_sign_pdf(
    pdf: bytes, signer: Signer, options: PadesOptions = PadesOptions()
) -> bytes:
    """Return ``pdf`` with one more PAdES signature appended as an incremental update."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfReadError, ValueError) as exc:
        raise SignatureError(f"not a readable PDF: {exc}", "PDF 文件无法读取") from exc
    name = options.field_name or _next_field_name(writer.prev)
    vc = None
    if options.embed_validation_data:
        vc = ValidationContext(
            trust_roots=list(options.trust_roots),
            crls=[asn1_crl.CertificateList.load(c) for c in options.crls],
            ocsps=[asn1_ocsp.OCSPResponse.load(o) for o in options.ocsps],
            allow_fetching=False,
            revocation_mode="soft-fail",
            signature_validator=DEFAULT_CHECKER,
        )
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm=signer.default_hash,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=options.embed_validation_data,
        validation_context=vc,
        reason=options.reason,
        location=options.location,
    )
    out = io.BytesIO()
    try:
        async with timestamper_for(options.tsa_url, options.timestamper) as ts:
            pdf_signer = signers.PdfSigner(
                meta,
                signer=signer.pyhanko_signer(),
                timestamper=ts,
                stamp_style=RenderedStampStyle(render=options.appearance)
                if options.appearance
                else None,
            )
            await pdf_signer.async_sign_pdf(writer, output=out)
    except CredentialError:
        raise
    except (SigningError, OSError, SignatureValidationError) as exc:
        if (
            options.tsa_url or options.timestamper
        ) and "timestamp" in f"{type(exc).__name__} {exc}".lower():
            raise TimestampError(f"timestamp failed: {exc}", "时间戳服务不可用") from exc
        raise SignatureError(f"PDF signing failed: {exc}", "PDF 签名失败") from exc
    return out.getvalue()


def sign_pdf(pdf: bytes, signer: Signer, options: PadesOptions = PadesOptions()) -> bytes:
    return run_sync(async_sign_pdf(pdf, signer, options))


def sign_pdf_file(
    path: Path, signer: Signer, out: Path | None = None, options: PadesOptions = PadesOptions()
) -> Path:
    out = out or path.with_name(path.stem + "-signed.pdf")
    out.write_bytes(sign_pdf(path.read_bytes(), signer, options))
    return out


# --- verification ---


def _dss_revinfo(reader: PdfFileReader) -> tuple[list[bytes], list[bytes]]:
    try:
        dss = reader.root.get("/DSS")
        if dss is None:
            return [], []
        dss = dss.get_object()
        crls = [bytes(s.get_object().data) for s in dss.get("/CRLs", [])]
        ocsps = [bytes(s.get_object().data) for s in dss.get("/OCSPs", [])]
        return crls, ocsps
    except (KeyError, ValueError, PdfReadError) as exc:
        logger.info("DSS unreadable: %s", exc)
        return [], []


def _unreadable(why: str) -> list[SignatureVerdict]:
    reason = (SignatureReason(SignatureProblem.MALFORMED, why),)
    return [SignatureVerdict("pades", "?", "?", None, None, None, False, Trust.UNKNOWN, reason)]


async def async_verify_pdf(
    pdf: bytes, checker: CertificateChecker | None = None
) -> list[SignatureVerdict]:
    """One verdict per signature in the PDF, in signing order. An empty list: no signature.

    Never raises on bad input: a corrupt PDF can break a parser anywhere, so anything that
    goes wrong while reading it is a refusal (fail closed), not a crash.
    """
    try:
        return await _verify_pdf(pdf, checker)
    except Exception as exc:
        logger.info("PDF refused as unreadable", exc_info=True)
        return _unreadable(f"PDF unreadable or corrupt: {type(exc).__name__}: {str(exc)[:120]}")


async def _verify_pdf(pdf: bytes, checker: CertificateChecker | None) -> list[SignatureVerdict]:
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = list(reader.embedded_regular_signatures)
    except (PdfReadError, ValueError, KeyError) as exc:
        return _unreadable(f"PDF unreadable: {exc}")
    if checker is not None and hasattr(checker, "with_revocation_data"):
        # Offline B-LT: revocation data embedded in the document count as supplied data.
        crls, ocsps = _dss_revinfo(reader)
        if crls or ocsps:
            checker = checker.with_revocation_data(crls, ocsps)
    # Trust is decided by our checker; pyHanko's context must never fetch. Given the same
    # roots it also spares us its path-building complaints in the log.
    bare = ValidationContext(
        trust_roots=list(getattr(checker, "roots", [])),
        other_certs=list(getattr(checker, "intermediates", [])),
        allow_fetching=False,
        revocation_mode="soft-fail",
        signature_validator=DEFAULT_CHECKER,
    )
    verdicts = []
    for i, sig in enumerate(sigs):
        verdicts.append(await _verify_one(sig, bare, checker, last=i == len(sigs) - 1))
    if verdicts and _junk_after_eof(pdf):
        # Bytes after the final %%EOF are not a revision pyHanko can analyse: refuse them.
        last = verdicts[-1]
        verdicts[-1] = dataclasses.replace(
            last, reasons=(*last.reasons, SignatureReason(SignatureProblem.DATA_APPENDED))
        )
    return verdicts


def _junk_after_eof(pdf: bytes) -> bool:
    end = pdf.rfind(b"%%EOF")
    return end < 0 or bool(pdf[end + 5 :].strip(b"\r\n\t \x00"))


async def _verify_one(
    sig: Any, bare: ValidationContext, checker: CertificateChecker | None, last: bool
) -> SignatureVerdict:
    reasons: list[SignatureReason] = []
    cert = sig.signer_cert
    try:
        st = await async_validate_pdf_signature(
            sig, signer_validation_context=bare, ts_validation_context=bare
        )
        intact, sig_ok = bool(st.intact), bool(st.valid)
        level, coverage = st.modification_level, st.coverage
        docmdp_ok = st.docmdp_ok
        ts_status = st.timestamp_validity
        signing_time = utc(st.signer_reported_dt)
    except (SignatureValidationError, ValueError, KeyError, PdfReadError) as exc:
        intact = sig_ok = docmdp_ok = False
        level, coverage, ts_status, signing_time = None, None, None, None
        reasons.append(
            SignatureReason(
                SignatureProblem.STRUCTURE_REFUSED, str(getattr(exc, "failure_message", exc))
            )
        )
    if not intact:
        reasons.append(SignatureReason(SignatureProblem.CONTENT_MISMATCH))
    elif not sig_ok:
        reasons.append(SignatureReason(SignatureProblem.VALUE_INVALID))
    if coverage is not None and coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        reasons.append(SignatureReason(SignatureProblem.PARTIAL_COVERAGE))
    if level is not None and level not in _ALLOWED_LATER:
        reasons.append(SignatureReason(SignatureProblem.CHANGED_AFTER_SIGNING, level.name.lower()))
    if docmdp_ok is False and level is not None:
        reasons.append(SignatureReason(SignatureProblem.PERMISSIONS_BROKEN))
    if (
        last
        and coverage is not None
        and coverage != SignatureCoverageLevel.ENTIRE_FILE
        and level not in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
    ):
        reasons.append(SignatureReason(SignatureProblem.DATA_ADDED))
    ts_time = None
    if ts_status is not None:
        if ts_status.intact and ts_status.valid:
            ts_time = utc(ts_status.timestamp)
            if checker is not None:
                tst = await checker.check(
                    ts_status.signing_cert,
                    [],
                    "timestamping",
                    ts_time or datetime.now(UTC),
                )
                if tst.trust is not Trust.TRUSTED:
                    reasons.append(
                        SignatureReason(
                            SignatureProblem.TIMESTAMP_NOT_TRUSTED, certificate=tst.reasons
                        )
                    )
        else:
            reasons.append(SignatureReason(SignatureProblem.TIMESTAMP_BROKEN))
    at = ts_time or datetime.now(UTC)
    others = list(sig.other_embedded_certs) if hasattr(sig, "other_embedded_certs") else []
    status = (
        await checker.check(cert, others, "signing", at)
        if checker
        else await no_checker_status(cert)
    )
    if status.reasons:
        reasons.append(
            SignatureReason(SignatureProblem.SIGNER_NOT_TRUSTED, certificate=status.reasons)
        )
    return SignatureVerdict(
        kind="pades",
        signer=status.identity or subject_of(cert),
        subject=subject_of(cert),
        ca=status.ca,
        signing_time=signing_time,
        timestamp_time=ts_time,
        integrity_ok=intact and sig_ok,
        trust=status.trust,
        reasons=tuple(reasons),
        field_name=sig.field_name,
        certificate_der=cert.dump(),
    )


def verify_pdf(pdf: bytes, checker: CertificateChecker | None = None) -> list[SignatureVerdict]:
    return run_sync(async_verify_pdf(pdf, checker))


def has_dss(pdf: bytes) -> bool:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return "/DSS" in reader.root


def verdicts_all_valid(verdicts: Sequence[SignatureVerdict]) -> bool:
    return bool(verdicts) and all(v.valid for v in verdicts)
