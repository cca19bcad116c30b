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
from typing import TYPE_CHECKING, Any, Literal, Protocol

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.pki.cms_read import cert_der
from evaluator_app.pki.reasons import Reason, ReasonCode, SignatureProblem, SignatureReason
from evaluator_app.pki.sig_check import DEFAULT_CHECKER

if TYPE_CHECKING:  # trust_list imports this module
    from evaluator_app.pki.trust_list import TrustList
    from evaluator_app.pki.validation import RevocationPolicy

logger = logging.getLogger(__name__)


class Trust(enum.StrEnum):
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
            f"{state} {where}signer={self.signer!r} ca={self.ca or '-'} "
            f"signed={t(self.signing_time)} timestamp={t(self.timestamp_time)} "
            f"integrity={'ok' if self.integrity_ok else 'BROKEN'} trust={self.trust.value} "
            f"reasons={why}"
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
    """Path validation (``pki.validation.validate_path``) to fixed roots, with given CRLs/OCSPs.

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
        self._crls, self._ocsps = tuple(crls), tuple(ocsps)
        self.revocation = revocation
        # Which CA name to show: by issuing certificate's SHA-256; default the subject's CN.
        self.names = names or {}
        self._cache: dict[tuple[bytes, str, int], CertStatus] = {}
        self._lock = threading.Lock()

    def with_revocation_data(self, crls: Sequence[bytes], ocsps: Sequence[bytes]) -> RootsChecker:
        """A checker that also knows these CRLs/OCSP responses (e.g. from a PDF's DSS)."""
        return RootsChecker(
            self.roots,
            self.intermediates,
            (*self._crls, *crls),
            (*self._ocsps, *ocsps),
            self.revocation,
            self.names,
        )

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
        from evaluator_app.pki.cert_parse import MalformedCertificateError
        from evaluator_app.pki.path_checks import PathPolicy
        from evaluator_app.pki.validation import RevocationPolicy, parsed, validate_path

        def pool(certs: Sequence[asn1_x509.Certificate], anchor: bool) -> list[Any]:
            out = []
            for c in certs:
                try:
                    out.append(parsed(c.dump(), anchor))
                except MalformedCertificateError:
                    continue
            return out

        try:
            leaf = parsed(cert.dump())
        except MalformedCertificateError as exc:
            return CertStatus(Trust.UNTRUSTED, None, None, (exc.reason,))
        eku = "1.3.6.1.5.5.7.3.8" if purpose == "timestamping" else None
        policy = PathPolicy("timestamp" if eku else "sign", frozenset(), eku, eku is not None)
        revocation = None
        if self.revocation != "off":
            revocation = RevocationPolicy(
                "hard-fail" if self.revocation == "require" else "soft-fail",
                self._crls,
                self._ocsps,
                fetch=False,
            )
        checked = await validate_path(
            leaf,
            pool(self.roots, True),
            pool([*self.intermediates, *others], False),
            at,
            policy,
            revocation,
            DEFAULT_CHECKER,
        )
        ca = self._ca_name(cert)
        codes = {r.code for r in checked.reasons}
        text = checked.reasons
        if not checked.reasons:
            return CertStatus(Trust.TRUSTED, ca, None, ())
        if codes & {ReasonCode.REVOKED, ReasonCode.CA_REVOKED}:
            return CertStatus(Trust.REVOKED, ca, None, text)
        if codes == {ReasonCode.REVOCATION_UNKNOWN}:
            return CertStatus(Trust.UNKNOWN, ca, None, text)
        if codes & {ReasonCode.BROKEN_CHAIN, ReasonCode.BAD_SIGNATURE}:
            return CertStatus(Trust.UNTRUSTED, None, None, text)
        return CertStatus(Trust.UNTRUSTED, ca, None, text)


async def no_checker_status(cert: asn1_x509.Certificate) -> CertStatus:
    return CertStatus(Trust.UNKNOWN, None, None, (Reason(ReasonCode.NOT_CHECKED),))


def _cache_key(cert: asn1_x509.Certificate, purpose: str, at: datetime) -> tuple[bytes, str, int]:
    # Per hour of the moment judged: a batch shares one path validation per certificate,
    # while a signature timestamped last week is not judged by today's answer.
    return hashlib.sha256(cert_der(cert)).digest(), purpose, int(at.timestamp()) // 3600


def subject_of(cert: asn1_x509.Certificate) -> str:
    return str(cert.subject.human_friendly)


def utc(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


class TrustListChecker:
    """Trust by the signed trust list: validation.avalidate_certificate plus the CA's identity rule.

    Offline by default (``fetch=False``): CRLs/OCSP responses are supplied (cached by the venue)
    or taken from a PDF's DSS. Accepted paths are remembered by pki.validation_cache.
    """

    def __init__(
        self,
        trust_list: TrustList,
        crls: Sequence[bytes] = (),
        ocsps: Sequence[bytes] = (),
        mode: Literal["hard-fail", "soft-fail"] = "hard-fail",
        fetch: bool = False,
    ) -> None:
        self.trust_list = trust_list
        self.crls, self.ocsps = tuple(crls), tuple(ocsps)
        self.mode, self.fetch = mode, fetch
        self.roots = [to_asn1(c) for c in trust_list.roots()]
        self.intermediates = [to_asn1(c) for c in trust_list.intermediates()]
        self._policy: RevocationPolicy | None = None

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
        from evaluator_app.pki.validation import RevocationPolicy
        from evaluator_app.pki.validation_cache import DEFAULT_VALIDATION_CACHE

        policy = self._policy
        if policy is None:  # one object: the cache knows its digest by it
            policy = self._policy = RevocationPolicy(
                mode=self.mode,
                crls=self.crls,
                ocsps=self.ocsps,
                fetch=self.fetch,
            )
        p: Literal["timestamp", "sign"] = "timestamp" if purpose == "timestamping" else "sign"
        # remembered while it provably holds (pki.validation_cache), not per hour
        res = await DEFAULT_VALIDATION_CACHE.validate(
            cert_der(cert),
            p,
            self.trust_list,
            at,
            policy,
            require_identity=p == "sign",
        )
        codes = {r.code for r in res.reasons}
        if res.ok:
            trust = Trust.TRUSTED
        elif codes & {ReasonCode.REVOKED, ReasonCode.CA_REVOKED}:
            trust = Trust.REVOKED
        elif codes == {ReasonCode.REVOCATION_UNKNOWN}:  # the path holds; its status is unknown
            trust = Trust.UNKNOWN
        else:
            trust = Trust.UNTRUSTED
        ident = f"{res.identity.name} ({res.identity.person_id})" if res.identity else None
        return CertStatus(trust, res.ca_name, ident, tuple(res.reasons))
