"""What each certificate of a path must be, by its place: trust anchor, CA, end entity.

RFC 5280 with the strictness of the CA/Browser Forum profile where it protects a relying
party: no time tolerance, no unknown critical extension anywhere on the path, a CA must say
it is one (critical basicConstraints, keyCertSign, key identifiers), an end entity must not
(no cA=TRUE, no keyCertSign, no name constraints), keys and algorithms from a short list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID

from evaluator_app.pki.algorithms import key_problem
from evaluator_app.pki.cert_parse import Cert
from evaluator_app.pki.names import NameConstraintError, check_san_syntax
from evaluator_app.pki.reasons import Reason, ReasonCode

ANY_EKU = ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string

# extensions this validator understands; a critical one not here refuses the certificate
KNOWN = frozenset(
    o.dotted_string
    for o in (
        ExtensionOID.BASIC_CONSTRAINTS,
        ExtensionOID.KEY_USAGE,
        ExtensionOID.EXTENDED_KEY_USAGE,
        ExtensionOID.SUBJECT_KEY_IDENTIFIER,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
        ExtensionOID.ISSUER_ALTERNATIVE_NAME,
        ExtensionOID.NAME_CONSTRAINTS,
        ExtensionOID.CERTIFICATE_POLICIES,
        ExtensionOID.POLICY_CONSTRAINTS,
        ExtensionOID.POLICY_MAPPINGS,
        ExtensionOID.INHIBIT_ANY_POLICY,
        ExtensionOID.CRL_DISTRIBUTION_POINTS,
        ExtensionOID.FRESHEST_CRL,
        ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
        ExtensionOID.SUBJECT_INFORMATION_ACCESS,
        ExtensionOID.OCSP_NO_CHECK,
        ExtensionOID.PRECERT_SIGNED_CERTIFICATE_TIMESTAMPS,
        ExtensionOID.TLS_FEATURE,
        ExtensionOID.SUBJECT_DIRECTORY_ATTRIBUTES,
    )
)
# RFC 5280: these MUST be non-critical
NEVER_CRITICAL = frozenset(
    o.dotted_string
    for o in (
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.SUBJECT_KEY_IDENTIFIER,
        ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
        ExtensionOID.SUBJECT_INFORMATION_ACCESS,
        ExtensionOID.INHIBIT_ANY_POLICY,
        ExtensionOID.FRESHEST_CRL,
    )
)
# RFC 5280: these MUST be critical
ALWAYS_CRITICAL = frozenset(
    o.dotted_string for o in (ExtensionOID.NAME_CONSTRAINTS, ExtensionOID.POLICY_CONSTRAINTS)
)


@dataclass(frozen=True)
class PathPolicy:
    """What the end entity must allow, and what the path may be.

    key_usage: KeyUsage bits all required (names as in ``cert_parse``; empty: none).
    ext_key_usage: the EKU OID the end entity must list (None: any or none).
    eku_required: the end entity must carry an EKU extension.
    web_pki: the CA/Browser Forum's rules for TLS servers as well: the end entity's EKU not
      critical and without anyExtendedKeyUsage, its SAN not critical beside a subject.
    peer_name: a DNS name or IP address the end entity must name in its SAN.
    max_intermediates: CAs between the end entity and the anchor, self-issued ones aside.
    """

    purpose: str
    key_usage: frozenset[str] = frozenset()
    ext_key_usage: str | None = None
    eku_required: bool = False
    peer_name: str | None = None
    max_intermediates: int = 8
    web_pki: bool = False


def profile(detail: str) -> Reason:
    return Reason(ReasonCode.PROFILE, detail=detail)


def check_validity(cert: Cert, at: datetime) -> Reason | None:
    """No tolerance: the moment (whole seconds, as certificates state time) must be inside."""
    moment = at.replace(microsecond=0)
    if moment < cert.not_before:
        return Reason(ReasonCode.NOT_YET_VALID, when=cert.not_before)
    if moment > cert.not_after:
        return Reason(ReasonCode.EXPIRED, when=cert.not_after)
    return None


def check_extensions(cert: Cert) -> Reason | None:
    """Criticality and presence rules every certificate on the path follows."""
    for oid, ext in cert.extensions.items():
        if ext.critical and oid not in KNOWN:
            return Reason(ReasonCode.UNKNOWN_CRITICAL_EXTENSION, detail=f"{oid} ({cert.label})")
        if ext.critical and oid in NEVER_CRITICAL:
            return profile(f"{ext.oid._name} must not be critical ({cert.label})")
        if not ext.critical and oid in ALWAYS_CRITICAL:
            return profile(f"{ext.oid._name} must be critical ({cert.label})")
    eku = cert.ext(ExtensionOID.EXTENDED_KEY_USAGE)
    if eku is not None and len(list(eku)) == 0:
        return profile(f"empty extended key usage ({cert.label})")
    san = cert.ext(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    if san is not None:
        if not list(san):
            return profile(f"empty subject alternative name ({cert.label})")
        if not len(cert.subject.rdns) and not cert.critical(ExtensionOID.SUBJECT_ALTERNATIVE_NAME):
            return profile(f"empty subject with a non-critical alternative name ({cert.label})")
        try:
            check_san_syntax(san)
        except NameConstraintError as exc:
            return profile(exc.detail)
    elif not len(cert.subject.rdns):
        return profile("empty subject and no subject alternative name")
    problem = key_problem(cert.spki)
    if problem:
        return Reason(ReasonCode.UNSUPPORTED_KEY, detail=f"{problem} ({cert.label})")
    return None


def check_ca(cert: Cert, *, anchor: bool) -> Reason | None:
    """A certificate that issues others: the anchor, or a CA between it and the end entity."""
    if cert.version != 3:
        return profile(f"version {cert.version} CA certificate ({cert.label})")
    if not len(cert.subject.rdns):
        return profile("CA certificate with an empty subject")
    bc = cert.ext(ExtensionOID.BASIC_CONSTRAINTS)
    if bc is None or not bc.ca:
        return Reason(ReasonCode.NOT_A_CA, detail=cert.label)
    if not cert.critical(ExtensionOID.BASIC_CONSTRAINTS):
        return profile(f"basicConstraints of a CA must be critical ({cert.label})")
    ku = cert.key_usage
    if ku is not None and "key_cert_sign" not in ku:
        return Reason(ReasonCode.NOT_A_CA, detail=f"{cert.label} (no keyCertSign)")
    if cert.ski is None:
        return profile(f"CA certificate without a subject key identifier ({cert.label})")
    aki = cert.aki
    if anchor:
        # configured, not chained: a key identifier is not needed to find its issuer, but a
        # root that names one must name its own key
        foreign = aki is not None and (
            aki.key_id is None or aki.has_issuer or aki.key_id != cert.ski
        )
        if cert.self_issued and foreign:
            return profile(f"a root's authority key identifier is not its own ({cert.label})")
    elif aki is None or aki.key_id is None:
        return profile(f"certificate without an authority key identifier ({cert.label})")
    return None


def check_end_entity(cert: Cert, policy: PathPolicy) -> Reason | None:
    """The certificate being validated, for ``policy.purpose``."""
    if cert.version != 3:
        return profile(f"version {cert.version} certificate")
    if not len(cert.issuer.rdns):
        return profile("empty issuer name")
    aki = cert.aki
    if aki is None or aki.key_id is None:
        return profile("certificate without an authority key identifier")
    ku = cert.key_usage
    if cert.is_ca or (ku is not None and "key_cert_sign" in ku):
        return Reason(ReasonCode.END_ENTITY_IS_CA, purpose=policy.purpose)
    if cert.ext(ExtensionOID.NAME_CONSTRAINTS) is not None:
        return profile("name constraints in an end-entity certificate")
    if policy.key_usage and (ku is None or not policy.key_usage <= ku):
        return Reason(ReasonCode.WRONG_KEY_USAGE, purpose=policy.purpose)
    if policy.ext_key_usage is not None:
        eku = cert.ext_key_usage
        if eku is None and policy.eku_required:
            return Reason(ReasonCode.WRONG_KEY_USAGE, purpose=policy.purpose)
        if eku is not None and policy.ext_key_usage not in eku:
            return Reason(ReasonCode.WRONG_KEY_USAGE, purpose=policy.purpose)
    if policy.web_pki:
        if cert.critical(ExtensionOID.EXTENDED_KEY_USAGE):
            return profile("critical extended key usage")
        if ANY_EKU in (cert.ext_key_usage or ()):
            return profile("anyExtendedKeyUsage in an end-entity certificate")
        if len(cert.subject.rdns) and cert.critical(ExtensionOID.SUBJECT_ALTERNATIVE_NAME):
            return profile("critical subject alternative name beside a subject")
    return None


def check_intermediate_eku(cert: Cert, policy: PathPolicy) -> Reason | None:
    """A CA that lists extended key usages limits the end entities below it to those."""
    eku = cert.ext_key_usage
    if eku is None or policy.ext_key_usage is None:
        return None
    if policy.ext_key_usage in eku or ANY_EKU in eku:
        return None
    return Reason(ReasonCode.WRONG_KEY_USAGE, purpose=policy.purpose, detail=cert.label)
