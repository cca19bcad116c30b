"""Path validation against the trust list, with revocation, for a purpose at a moment.

pyhanko-certvalidator does the path work (chain, signatures, validity, key usage,
revocation); this module adds what CA互认 needs on top: the CA must be on the trust list,
recognised for the service, and not withdrawn at the moment of use, and it turns every
refusal into a typed, bilingual Reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from evaluator_app.pki.errors import IdentityError
from evaluator_app.pki.identity import Identity, identify
from evaluator_app.pki.reasons import Reason, ReasonCode
from evaluator_app.pki.revocation import RevocationCache, fetch_revocation
from evaluator_app.pki.trust_list import Service, TrustList

log = logging.getLogger(__name__)

Purpose = Literal["auth", "sign", "timestamp", "server"]

# purpose -> (key usage all required, extended key usage required or None, trust-list service)
_PURPOSES: dict[str, tuple[set[str], set[str] | None, Service]] = {
    "auth": ({"digital_signature"}, {"client_auth"}, Service.AUTH),
    "sign": ({"non_repudiation"}, None, Service.SIGN),
    "timestamp": ({"digital_signature"}, {"time_stamping"}, Service.TIMESTAMP),
    "server": ({"digital_signature"}, {"server_auth"}, Service.AUTH),
}


@dataclass(frozen=True)
class RevocationPolicy:
    """How revocation is decided.

    mode: 'hard-fail' (no answer = refused) or 'soft-fail' (no answer = accepted).
    crls/ocsps: DER responses supplied by the caller (e.g. embedded in a signature or --crl).
    fetch: also ask the OCSP responder / CRL distribution point named in the certificate.
    """

    mode: Literal["hard-fail", "soft-fail"] = "hard-fail"
    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()
    fetch: bool = True
    timeout: float = 5.0
    cache: RevocationCache | None = field(default=None, compare=False, repr=False)  # None: shared

    def __post_init__(self) -> None:
        if self.mode not in ("hard-fail", "soft-fail"):
            raise ValueError(
                f"revocation mode must be 'hard-fail' or 'soft-fail', not {self.mode!r}"
            )

    @classmethod
    def offline(cls, crls: Sequence[bytes] = (), ocsps: Sequence[bytes] = ()) -> RevocationPolicy:
        return cls(mode="hard-fail", crls=tuple(crls), ocsps=tuple(ocsps), fetch=False)


@dataclass(frozen=True)
class ValidationResult:
    ok: bool
    purpose: str
    at: datetime
    identity: Identity | None
    ca_name: str | None
    chain: tuple[x509.Certificate, ...]  # end entity first, trust anchor last
    reasons: tuple[Reason, ...]
    # what was used to decide revocation, for embedding in signatures (PAdES-LT, CAdES)
    crls: tuple[bytes, ...] = field(default=(), repr=False)
    ocsps: tuple[bytes, ...] = field(default=(), repr=False)

    @property
    def reason(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None

    @property
    def codes(self) -> tuple[ReasonCode, ...]:
        return tuple(r.code for r in self.reasons)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _crypto(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _map_error(exc: Exception, purpose: str) -> Reason:
    """Turn a certvalidator exception into a typed reason (order matters: subclasses first)."""
    detail = str(exc)
    if isinstance(exc, cv_errors.ExpiredError):
        return Reason(ReasonCode.EXPIRED, when=_utc(exc.expired_dt))
    if isinstance(exc, cv_errors.NotYetValidError):
        return Reason(ReasonCode.NOT_YET_VALID, when=_utc(exc.valid_from))
    if isinstance(exc, cv_errors.RevokedError):
        return Reason(ReasonCode.REVOKED, when=_utc(exc.revocation_dt))
    if isinstance(exc, cv_errors.InsufficientRevinfoError):
        return Reason(ReasonCode.REVOCATION_UNKNOWN, detail=detail)
    if isinstance(exc, cv_errors.PathBuildingError):
        return Reason(ReasonCode.BROKEN_CHAIN, detail=detail)
    if isinstance(exc, cv_errors.InvalidCertificateError) and "purpose" in detail:
        return Reason(ReasonCode.WRONG_KEY_USAGE, purpose=purpose, detail=detail)
    if isinstance(exc, cv_errors.PathValidationError) and "signature" in detail:
        return Reason(ReasonCode.BAD_SIGNATURE, detail=detail)
    return Reason(ReasonCode.OTHER, detail=detail)


async def avalidate_certificate(
    cert: x509.Certificate,
    purpose: Purpose,
    trust_list: TrustList,
    at: datetime | None = None,
    revocation: RevocationPolicy | None = None,
    *,
    require_identity: bool | None = None,
) -> ValidationResult:
    """Validate ``cert`` for ``purpose`` at moment ``at`` (default now); never raises for a bad cert.

    ``require_identity`` (default: True for auth and sign) refuses a certificate whose holder
    identifier cannot be read by its CA's identity rule; venue, TSA and machine certificates
    carry none, so pass False when validating those for signing.
    """
    if purpose not in _PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    at = _utc(at) or datetime.now(UTC)
    policy = revocation or RevocationPolicy()
    key_usage, ext_key_usage, service = _PURPOSES[purpose]
    reasons: list[Reason] = []

    def result(
        chain: Sequence[x509.Certificate] = (),
        identity: Identity | None = None,
        ca_name: str | None = None,
        crls: Sequence[bytes] = (),
        ocsps: Sequence[bytes] = (),
    ) -> ValidationResult:
        ok = not reasons
        if not ok:
            log.info(
                "certificate %x refused for %s: %s",
                cert.serial_number,
                purpose,
                reasons[0].message_en,
            )
        return ValidationResult(
            ok,
            purpose,
            at,
            identity if ok else None,
            ca_name,
            tuple(chain or (cert,)),
            tuple(reasons),
            tuple(crls),
            tuple(ocsps),
        )

    entry = trust_list.issuer_of(cert)
    if entry is None:
        same_name = any(c.subject == cert.issuer for c in trust_list.all_certificates())
        # A recognised CA's name with another key is a forged or broken chain, not an unknown CA.
        reasons.append(
            Reason(ReasonCode.BROKEN_CHAIN if same_name else ReasonCode.ISSUER_NOT_RECOGNISED)
        )
        return result()
    if not entry.recognised_at(at):
        reasons.append(Reason(ReasonCode.CA_WITHDRAWN, when=entry.withdrawn_at))
    if service not in entry.services:
        reasons.append(Reason(ReasonCode.SERVICE_NOT_RECOGNISED, purpose=purpose))

    crls, ocsps = list(policy.crls), list(policy.ocsps)
    if policy.fetch:
        issuer = next(c for c in entry.certificates if c.subject == cert.issuer)
        fetched_crls, fetched_ocsps = await fetch_revocation(
            cert, issuer, cache=policy.cache, timeout=policy.timeout
        )
        crls += fetched_crls
        ocsps += fetched_ocsps

    context = ValidationContext(
        trust_roots=[_asn1(c) for c in trust_list.roots()],
        other_certs=[_asn1(c) for c in trust_list.intermediates()],
        moment=at,
        crls=crls,
        ocsps=ocsps,
        allow_fetching=False,
        revocation_mode=policy.mode,
        # revocation data fetched now may judge a past moment (a signature made last week)
        retroactive_revinfo=True,
        # SM2 links are checked with each CA's signer ID from the trust list
        signature_validator=trust_list.signature_checker(),
    )
    validator = CertificateValidator(_asn1(cert), validation_context=context)
    chain: list[x509.Certificate] = []
    try:
        path = await validator.async_validate_usage(key_usage, ext_key_usage)
        chain = [_crypto(c) for c in reversed(list(path.iter_certs(include_root=True)))]
    except (cv_errors.PathError, cv_errors.ValidationError) as exc:
        reasons.append(_map_error(exc, purpose))
        return result(ca_name=entry.name, crls=crls, ocsps=ocsps)

    if require_identity is None:
        require_identity = purpose in ("auth", "sign")
    identity = None
    try:
        identity = identify(cert, trust_list)
    except IdentityError as exc:
        if require_identity:
            reasons.append(Reason(ReasonCode.IDENTITY_MISSING, detail=exc.message_en))
    return result(chain, identity, entry.name, crls, ocsps)


def validate_certificate(
    cert: x509.Certificate,
    purpose: Purpose,
    trust_list: TrustList,
    at: datetime | None = None,
    revocation: RevocationPolicy | None = None,
    *,
    require_identity: bool | None = None,
) -> ValidationResult:
    """Blocking form of :func:`avalidate_certificate` (not from inside a running event loop)."""
    return asyncio.run(
        avalidate_certificate(
            cert, purpose, trust_list, at, revocation, require_identity=require_identity
        )
    )
