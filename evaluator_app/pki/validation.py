"""Path validation against the trust list, with revocation, for a purpose at a moment.

The path is built and judged by :mod:`pki.path_build` (strict RFC 5280: no time tolerance,
name constraints of anchors and CAs, no unknown critical extension, an end entity that is no
CA); revocation by :mod:`pki.revocation_check` for every certificate of the path but the
anchor. On top, what CA互认 needs: the CA must be on the trust list, recognised for the
service, and not withdrawn at the moment of use. Every refusal is a typed, bilingual Reason;
nothing a certificate, a CRL or an OCSP answer contains makes this module raise.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from evaluator_app.pki.cert_parse import Cert, MalformedCertificateError, parse_certificate
from evaluator_app.pki.errors import IdentityError
from evaluator_app.pki.identity import Identity, identify
from evaluator_app.pki.path_build import build_path
from evaluator_app.pki.path_checks import PathPolicy
from evaluator_app.pki.reasons import Reason, ReasonCode
from evaluator_app.pki.revocation import Fetcher, RevocationCache, crl_urls, ocsp_urls
from evaluator_app.pki.revocation_check import (
    Answer,
    Crl,
    OcspResponse,
    Status,
    decide,
    parse_crl,
    parse_ocsp,
)
from evaluator_app.pki.sig_check import DEFAULT_CHECKER, SignatureChecker
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.trusted_ca import Service

log = logging.getLogger(__name__)

Purpose = Literal["auth", "sign", "timestamp", "server"]

_EKU = {
    "client_auth": ExtendedKeyUsageOID.CLIENT_AUTH.dotted_string,
    "server_auth": ExtendedKeyUsageOID.SERVER_AUTH.dotted_string,
    "time_stamping": ExtendedKeyUsageOID.TIME_STAMPING.dotted_string,
}

# purpose -> (key usage all required, extended key usage required or None, trust-list service)
_PURPOSES: dict[str, tuple[set[str], str | None, Service]] = {
    "auth": ({"digital_signature"}, "client_auth", Service.AUTH),
    "sign": ({"non_repudiation"}, None, Service.SIGN),
    "timestamp": ({"digital_signature"}, "time_stamping", Service.TIMESTAMP),
    "server": ({"digital_signature"}, "server_auth", Service.AUTH),
}


def path_policy(purpose: str) -> PathPolicy:
    key_usage, eku, _ = _PURPOSES[purpose]
    return PathPolicy(
        purpose,
        frozenset(key_usage),
        _EKU[eku] if eku else None,
        eku_required=eku is not None,
    )


@dataclass(frozen=True)
class RevocationPolicy:
    """How revocation is decided, for every certificate of the path but the trust anchor.

    mode: 'hard-fail' (no answer = refused) or 'soft-fail' (no answer = accepted).
    crls/ocsps: DER responses supplied by the caller (e.g. embedded in a signature or --crl);
      a supplied CRL counts for every certificate its issuer issued, pointer or not.
    fetch: also ask the OCSP responder / CRL distribution points the certificate names and
      the CRL locations the trust list gives for its CA.
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


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@functools.lru_cache(maxsize=512)
def parsed(der: bytes, anchor: bool = False) -> Cert:
    """Trust-list and bundle certificates are parsed once (raises MalformedCertificateError)."""
    return parse_certificate(der, anchor=anchor)


@functools.lru_cache(maxsize=256)
def _crl(der: bytes) -> Crl | None:
    try:
        return parse_crl(der)
    except ValueError as exc:
        log.info("supplied CRL set aside: %s", exc)
        return None


@functools.lru_cache(maxsize=1024)
def _ocsp(der: bytes) -> OcspResponse | None:
    try:
        return parse_ocsp(der)
    except ValueError as exc:
        log.info("supplied OCSP response set aside: %s", exc)
        return None


def _der(cert: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.DER)


def _pool(certs: Sequence[x509.Certificate], anchor: bool) -> list[Cert]:
    out = []
    for cert in certs:
        try:
            out.append(parsed(_der(cert), anchor))
        except MalformedCertificateError as exc:
            log.warning("certificate %s set aside: %s", cert.subject, exc.reason.message_en)
    return out


class _Revocation:
    """The revocation answers for one path, from supplied data first, then fetched."""

    def __init__(
        self, policy: RevocationPolicy, crl_locations: Sequence[str], checker: SignatureChecker
    ) -> None:
        self.policy = policy
        self.crls = [c for c in map(_crl, policy.crls) if c is not None]
        self.ocsps = [o for o in map(_ocsp, policy.ocsps) if o is not None]
        self.extra_urls = tuple(crl_locations)
        self.checker = checker
        self.used_crls: list[bytes] = []
        self.used_ocsps: list[bytes] = []

    async def answer(self, cert: Cert, issuer: Cert, at: datetime, fetch: Fetcher) -> Answer:
        answer = decide(cert, issuer, at, self.crls, self.ocsps, self.checker)
        if answer.status is Status.UNKNOWN and self.policy.fetch:
            answer = await self._fetch(cert, issuer, at, fetch) or answer
        self._keep(answer)
        return answer

    async def _fetch(self, cert: Cert, issuer: Cert, at: datetime, fetch: Fetcher) -> Answer | None:
        from evaluator_app.pki.revocation import ocsp_request

        request = ocsp_request(
            cert.serial,
            bytes(issuer.asn1["tbs_certificate"]["subject"].dump()),
            bytes(issuer.spki["public_key"].contents[1:]),
        )
        for url in ocsp_urls(cert.crypto):
            data = await fetch.ocsp(url, cert.serial, request)
            resp = _ocsp(data) if data else None
            if resp is not None:
                answer = decide(cert, issuer, at, (), (resp,), self.checker)
                if answer.status is not Status.UNKNOWN:
                    return answer
        urls = [*crl_urls(cert.crypto), *self.extra_urls]
        for url in dict.fromkeys(urls):
            data = await fetch.crl(url)
            crl = _crl(data) if data else None
            if crl is not None and crl.crypto.issuer == issuer.subject:
                answer = decide(cert, issuer, at, (crl,), (), self.checker)
                if answer.status is not Status.UNKNOWN:
                    return answer
        return None

    def _keep(self, answer: Answer) -> None:
        if not answer.source:
            return
        kept = self.used_crls if _crl(answer.source) is not None else self.used_ocsps
        if answer.source not in kept:
            kept.append(answer.source)


async def _revocation_reasons(
    path: Sequence[Cert], at: datetime, revocation: _Revocation, policy: RevocationPolicy
) -> list[Reason]:
    """Reasons from every certificate of the path but the anchor, the CAs' first."""
    fetch = Fetcher(policy.cache, policy.timeout)
    revoked: list[Reason] = []
    unknown: list[Reason] = []
    try:
        for index in range(len(path) - 2, -1, -1):
            cert, issuer = path[index], path[index + 1]
            answer = await revocation.answer(cert, issuer, at, fetch)
            if answer.status is Status.REVOKED:
                if index == 0:
                    revoked.append(Reason(ReasonCode.REVOKED, when=answer.revoked_at))
                else:
                    revoked.append(
                        Reason(ReasonCode.CA_REVOKED, when=answer.revoked_at, detail=cert.label)
                    )
            elif answer.status is Status.UNKNOWN and policy.mode == "hard-fail":
                who = cert.label if index else f"{cert.label} ({issuer.label})"
                log.info("revocation unknown for %s: %s", who, "; ".join(answer.notes) or "-")
                unknown.append(Reason(ReasonCode.REVOCATION_UNKNOWN, detail=who))
    finally:
        await fetch.close()
    return revoked + unknown


@dataclass(frozen=True)
class PathCheck:
    """A path judged with its revocation: what :func:`validate_path` found."""

    chain: tuple[x509.Certificate, ...]  # end entity first; only the end entity if no path
    reasons: tuple[Reason, ...]
    crls: tuple[bytes, ...] = ()
    ocsps: tuple[bytes, ...] = ()


async def validate_path(
    leaf: Cert,
    anchors: Sequence[Cert],
    intermediates: Sequence[Cert],
    at: datetime,
    path: PathPolicy,
    revocation: RevocationPolicy | None,
    checker: SignatureChecker = DEFAULT_CHECKER,
    crl_locations: Sequence[str] = (),
) -> PathCheck:
    """Build a path for ``leaf`` and decide revocation for it (None: revocation not checked).

    ``crl_locations``: where the trust list says the CA publishes its CRLs.
    """
    outcome = build_path(leaf, anchors, intermediates, at, path, checker)
    if not outcome.ok:
        return PathCheck((leaf.crypto,), (outcome.reason or Reason(ReasonCode.BROKEN_CHAIN),))
    chain = tuple(c.crypto for c in outcome.path)
    if revocation is None:
        return PathCheck(chain, ())
    state = _Revocation(revocation, crl_locations, checker)
    reasons = await _revocation_reasons(outcome.path, at, state, revocation)
    return PathCheck(chain, tuple(reasons), tuple(state.used_crls), tuple(state.used_ocsps))


async def avalidate_certificate(
    cert: x509.Certificate | bytes,
    purpose: Purpose,
    trust_list: TrustList,
    at: datetime | None = None,
    revocation: RevocationPolicy | None = None,
    *,
    require_identity: bool | None = None,
    intermediates: Sequence[x509.Certificate] = (),
) -> ValidationResult:
    """Validate ``cert`` for ``purpose`` at moment ``at`` (default now); a bad cert never raises.

    ``require_identity`` (default: True for auth and sign) refuses a certificate whose holder
    identifier cannot be read by its CA's identity rule; venue, TSA and machine certificates
    carry none, so pass False when validating those for signing. ``intermediates``: CA
    certificates that came with it (a CMS bundle); the trust list's own are always used.
    """
    if purpose not in _PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    at = _utc(at) or datetime.now(UTC)
    policy = revocation or RevocationPolicy()
    service = _PURPOSES[purpose][2]
    reasons: list[Reason] = []
    chain: tuple[x509.Certificate, ...] = ()
    ca_name: str | None = None
    identity: Identity | None = None
    used: tuple[list[bytes], list[bytes]] = ([], [])

    def result() -> ValidationResult:
        ok = not reasons
        if not ok:
            log.info("certificate refused for %s: %s", purpose, reasons[0].message_en)
        return ValidationResult(
            ok,
            purpose,
            at,
            identity if ok else None,
            ca_name,
            chain,
            tuple(reasons),
            tuple(used[0]),
            tuple(used[1]),
        )

    try:
        leaf = parse_certificate(cert if isinstance(cert, bytes) else _der(cert))
    except MalformedCertificateError as exc:
        reasons.append(exc.reason)
        return result()
    chain = (leaf.crypto,)
    entry = trust_list.issuer_of(leaf.crypto)
    if entry is None:
        same_name = any(c.subject == leaf.issuer for c in trust_list.all_certificates())
        # A recognised CA's name with another key is a forged or broken chain, not an unknown CA.
        reasons.append(
            Reason(ReasonCode.BROKEN_CHAIN if same_name else ReasonCode.ISSUER_NOT_RECOGNISED)
        )
        return result()
    ca_name = entry.name
    if not entry.recognised_at(at):
        reasons.append(Reason(ReasonCode.CA_WITHDRAWN, when=entry.withdrawn_at))
    if service not in entry.services:
        reasons.append(Reason(ReasonCode.SERVICE_NOT_RECOGNISED, purpose=purpose))

    checked = await validate_path(
        leaf,
        _pool(trust_list.roots(), True),
        _pool([*trust_list.intermediates(), *intermediates], False),
        at,
        path_policy(purpose),
        policy,
        trust_list.signature_checker(),
        entry.crl_urls,
    )
    reasons.extend(checked.reasons)
    chain = checked.chain or chain
    used = (list(checked.crls), list(checked.ocsps))
    if checked.reasons and not checked.chain[1:]:
        return result()

    if require_identity is None:
        require_identity = purpose in ("auth", "sign")
    try:
        identity = identify(leaf.crypto, trust_list)
    except IdentityError as exc:
        if require_identity:
            reasons.append(Reason(ReasonCode.IDENTITY_MISSING, detail=exc.message_en))
    return result()


def validate_certificate(
    cert: x509.Certificate | bytes,
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
