"""What a verified signature says, and who vouches for the certificate behind it.

The verdict is the one result type for CMS and PAdES signatures. Certificate trust is
delegated to a :class:`CertificateChecker` so the same verifier works with the signed trust
list (production), or plain roots (tests, the ``--pinned`` CLI option). Checks are cached per
certificate: a venue verifying thousands of sheets from forty experts validates forty paths.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    InvalidCertificateError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)

from evaluator_app.pki.reasons import Reason, ReasonCode, SignatureProblem, SignatureReason
from evaluator_app.pki.sig_check import DEFAULT_CHECKER

logger = logging.getLogger(__name__)


class Trust(str, enum.Enum):
    TRUSTED = "trusted"
    UNTRUSTED = "untrusted"  # no path to a recognised CA, expired, wrong usage
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # revocation status could not be established


@dataclass(frozen=True)
class CertStatus:
    trust: Trust
    ca: str | None = None
    identity: str | None = None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class SignatureVerdict:
    """One signature, judged. ``valid`` needs intact bytes, a trusted signer and no objection."""

    kind: str  # "cms" or "pades"
    signer: str  # identity by the CA's rule when known, else the certificate subject
    subject: str
    ca: str | None
    signing_time: datetime | None  # claimed by the signer (CMS signingTime attribute)
    timestamp_time: datetime | None  # vouched for by a TSA (RFC 3161), if any
    integrity_ok: bool
    trust: Trust
    reasons: tuple[SignatureReason, ...] = ()
    field_name: str | None = None  # PAdES signature field
    certificate_der: bytes = field(default=b"", repr=False)

    @property
    def valid(self) -> bool:
        return self.integrity_ok and self.trust is Trust.TRUSTED and not self.reasons

    @property
    def codes(self) -> frozenset[SignatureProblem]:
        return frozenset(r.code for r in self.reasons)

    @property
    def reasons_en(self) -> tuple[str, ...]:
        return tuple(r.message_en for r in self.reasons)

    @property
    def reasons_zh(self) -> tuple[str, ...]:
        return tuple(r.message_zh for r in self.reasons)

    def line(self) -> str:
        """One line for the CLI and logs."""
        t = lambda d: d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if d else "-"  # noqa: E731
        state = "VALID" if self.valid else "INVALID"
        where = f"[{self.field_name}] " if self.field_name else ""
        why = "; ".join(self.reasons_en) if self.reasons else "ok"
        return (
            f"{state} {where}signer={self.signer!r} ca={self.ca or '-'} signed={t(self.signing_time)} "
            f"timestamp={t(self.timestamp_time)} integrity={'ok' if self.integrity_ok else 'BROKEN'} "
            f"trust={self.trust.value} reasons={why}"
        )


class CertificateChecker(Protocol):
    async def check(
        self,
        cert: asn1_x509.Certificate,
        others: Sequence[asn1_x509.Certificate],
        purpose: str,
        at: datetime,
    ) -> CertStatus: ...


def to_crypto(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class RootsChecker:
    """Path validation (pyhanko-certvalidator) to a fixed set of roots, with given CRLs/OCSPs.

    ``revocation``: "require" (no revocation data → UNKNOWN), "soft-fail" (use what is given,
    accept none) or "off". No fetching: revocation data are supplied (cached) by the caller or
    embedded in the PDF, so verification is offline and fast.
    """

    def __init__(
        self,
        roots: Sequence[x509.Certificate | asn1_x509.Certificate],
        intermediates: Sequence[x509.Certificate | asn1_x509.Certificate] = (),
        crls: Sequence[bytes] = (),
        ocsps: Sequence[bytes] = (),
        revocation: str = "soft-fail",
        names: dict[bytes, str] | None = None,
    ) -> None:
        a = lambda c: c if isinstance(c, asn1_x509.Certificate) else to_asn1(c)  # noqa: E731
        self.roots = [a(c) for c in roots]
        self.intermediates = [a(c) for c in intermediates]
        self.crls = [asn1_crl.CertificateList.load(c) for c in crls]
        self.ocsps = [asn1_ocsp.OCSPResponse.load(o) for o in ocsps]
        self.revocation = revocation
        # Which CA name to show: by issuing certificate's SHA-256; default the subject's CN.
        self.names = names or {}
        self._cache: dict[tuple[bytes, str, int], CertStatus] = {}
        self._lock = threading.Lock()

    def with_revocation_data(self, crls: Sequence[bytes], ocsps: Sequence[bytes]) -> RootsChecker:
        """A checker that also knows these CRLs/OCSP responses (e.g. from a PDF's DSS)."""
        new = RootsChecker(self.roots, self.intermediates, (), (), self.revocation, self.names)
        new.crls = [*self.crls, *(asn1_crl.CertificateList.load(c) for c in crls)]
        new.ocsps = [*self.ocsps, *(asn1_ocsp.OCSPResponse.load(o) for o in ocsps)]
        return new

    def _ca_name(self, cert: asn1_x509.Certificate) -> str:
        for ca in [*self.intermediates, *self.roots]:
            if ca.subject == cert.issuer:
                return self.names.get(
                    hashlib.sha256(ca.dump()).digest(), ca.subject.native.get("common_name", "?")
                )
        return str(cert.issuer.native.get("common_name", "?"))

    async def check(
        self,
        cert: asn1_x509.Certificate,
        others: Sequence[asn1_x509.Certificate],
        purpose: str,
        at: datetime,
    ) -> CertStatus:
        key = _cache_key(cert, purpose, at)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        status = await self._validate(cert, others, purpose, at)
        with self._lock:
            self._cache[key] = status
        return status

    async def _validate(
        self,
        cert: asn1_x509.Certificate,
        others: Sequence[asn1_x509.Certificate],
        purpose: str,
        at: datetime,
    ) -> CertStatus:
        mode = {"require": "hard-fail", "soft-fail": "soft-fail", "off": "soft-fail"}[
            self.revocation
        ]
        vc = ValidationContext(
            trust_roots=self.roots,
            other_certs=[*self.intermediates, *others],
            crls=self.crls if self.revocation != "off" else [],
            ocsps=self.ocsps if self.revocation != "off" else [],
            moment=at,
            allow_fetching=False,
            revocation_mode=mode,
            signature_validator=DEFAULT_CHECKER,
        )
        eku = {"time_stamping"} if purpose == "timestamping" else None
        validator = CertificateValidator(
            cert, intermediate_certs=list(others), validation_context=vc
        )
        ca = self._ca_name(cert)
        try:
            await validator.async_validate_usage(set(), extended_key_usage=eku)
        except RevokedError as exc:
            return CertStatus(
                Trust.REVOKED, ca, None, (Reason(ReasonCode.REVOKED, detail=str(exc)),)
            )
        except PathBuildingError as exc:
            why = Reason(ReasonCode.BROKEN_CHAIN, detail=str(exc))
            return CertStatus(Trust.UNTRUSTED, None, None, (why,))
        except (PathValidationError, InvalidCertificateError) as exc:
            msg = str(exc)
            if "revocation" in msg.lower():  # certvalidator gives no finer type for this one
                why = Reason(ReasonCode.REVOCATION_UNKNOWN, detail=msg)
                return CertStatus(Trust.UNKNOWN, ca, None, (why,))
            return CertStatus(Trust.UNTRUSTED, ca, None, (Reason(ReasonCode.OTHER, detail=msg),))
        return CertStatus(Trust.TRUSTED, ca, None, ())


async def no_checker_status(cert: asn1_x509.Certificate) -> CertStatus:
    return CertStatus(Trust.UNKNOWN, None, None, (Reason(ReasonCode.NOT_CHECKED),))


def _cache_key(cert: asn1_x509.Certificate, purpose: str, at: datetime) -> tuple[bytes, str, int]:
    # Per hour of the moment judged: a batch shares one path validation per certificate,
    # while a signature timestamped last week is not judged by today's answer.
    return hashlib.sha256(cert.dump()).digest(), purpose, int(at.timestamp()) // 3600


def subject_of(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.human_friendly)


def utc(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


class TrustListChecker:
    """Trust by the signed trust list: validation.avalidate_certificate plus the CA's identity rule.

    Offline by default (``fetch=False``): CRLs/OCSP responses are supplied (cached by the venue)
    or taken from a PDF's DSS. Results are cached per certificate and purpose.
    """

    def __init__(
        self,
        trust_list: object,
        crls: Sequence[bytes] = (),
        ocsps: Sequence[bytes] = (),
        mode: str = "hard-fail",
        fetch: bool = False,
    ) -> None:
        self.trust_list = trust_list
        self.crls, self.ocsps = tuple(crls), tuple(ocsps)
        self.mode, self.fetch = mode, fetch
        self.roots = [to_asn1(c) for c in trust_list.roots()]  # type: ignore[attr-defined]
        self.intermediates = [to_asn1(c) for c in trust_list.intermediates()]  # type: ignore[attr-defined]
        self._cache: dict[tuple[bytes, str, int], CertStatus] = {}
        self._lock = threading.Lock()

    def with_revocation_data(
        self, crls: Sequence[bytes], ocsps: Sequence[bytes]
    ) -> TrustListChecker:
        return TrustListChecker(
            self.trust_list, (*self.crls, *crls), (*self.ocsps, *ocsps), self.mode, self.fetch
        )

    async def check(
        self,
        cert: asn1_x509.Certificate,
        others: Sequence[asn1_x509.Certificate],
        purpose: str,
        at: datetime,
    ) -> CertStatus:
        from evaluator_app.pki.validation import RevocationPolicy, avalidate_certificate

        key = _cache_key(cert, purpose, at)
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        policy = RevocationPolicy(
            mode=self.mode, crls=self.crls, ocsps=self.ocsps, fetch=self.fetch
        )  # type: ignore[arg-type]
        p = "timestamp" if purpose == "timestamping" else "sign"
        res = await avalidate_certificate(
            to_crypto(cert),
            p,
            self.trust_list,
            at,
            policy,
            require_identity=p == "sign",  # type: ignore[arg-type]
        )
        codes = {r.code for r in res.reasons}
        if res.ok:
            trust = Trust.TRUSTED
        elif ReasonCode.REVOKED in codes:
            trust = Trust.REVOKED
        elif codes == {ReasonCode.REVOCATION_UNKNOWN}:
            trust = Trust.UNKNOWN
        else:
            trust = Trust.UNTRUSTED
        ident = f"{res.identity.name} ({res.identity.person_id})" if res.identity else None
        status = CertStatus(trust, res.ca_name, ident, tuple(res.reasons))
        with self._lock:
            self._cache[key] = status
        return status
