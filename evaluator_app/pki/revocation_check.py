"""Is one certificate revoked at a moment, by the CRLs and OCSP answers at hand.

A CRL counts for a certificate when its issuer's name and key are the certificate's issuer's,
its signature verifies under that key (which may sign CRLs), it is a complete CRL whose scope
includes the certificate, and it is current at the moment judged — whether or not the
certificate names a distribution point. An OCSP answer counts when it is signed by the issuer
or by a responder the issuer delegated to, names this certificate, and is current. Anything
else that does not parse, verify or apply is set aside with a note, never raised.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from cryptography import x509
from cryptography.x509 import ocsp
from cryptography.x509.oid import CRLEntryExtensionOID, ExtendedKeyUsageOID, ExtensionOID

from evaluator_app.pki.cert_parse import Cert, MalformedCertificateError, parse_certificate
from evaluator_app.pki.path_build import check_signature
from evaluator_app.pki.sig_check import DEFAULT_CHECKER, SignatureChecker, verified_once

MAX_REVOCATION_BYTES = 16 * 1024 * 1024
# an OCSP answer without nextUpdate is taken as current for this long after thisUpdate
OCSP_DEFAULT_VALIDITY = timedelta(hours=1)
_CRL_EXTENSIONS = frozenset(
    o.dotted_string
    for o in (
        ExtensionOID.CRL_NUMBER,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.ISSUER_ALTERNATIVE_NAME,
        ExtensionOID.ISSUING_DISTRIBUTION_POINT,
        ExtensionOID.FRESHEST_CRL,
        ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
    )
)
_ENTRY_EXTENSIONS = frozenset(
    o.dotted_string for o in (CRLEntryExtensionOID.CRL_REASON, CRLEntryExtensionOID.INVALIDITY_DATE)
)


class Status(enum.StrEnum):
    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Answer:
    status: Status
    revoked_at: datetime | None = None
    source: bytes = b""  # the CRL or OCSP response that decided, DER
    notes: tuple[str, ...] = ()  # why other data did not count


@dataclass(frozen=True)
class Crl:
    der: bytes
    crypto: x509.CertificateRevocationList
    asn1: asn1_crl.CertificateList
    extensions: dict[str, x509.Extension[Any]]


@dataclass(frozen=True)
class OcspResponse:
    der: bytes
    crypto: ocsp.OCSPResponse
    asn1: asn1_ocsp.BasicOCSPResponse


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_crl(der: bytes) -> Crl:
    """A CRL, fully parsed, or ValueError saying what is wrong."""
    if len(der) > MAX_REVOCATION_BYTES:
        raise ValueError("CRL too large")
    try:
        asn1 = asn1_crl.CertificateList.load(der, strict=True)
        crypto = x509.load_der_x509_crl(der)
        extensions = {e.oid.dotted_string: e for e in crypto.extensions}
        for entry in crypto:
            list(entry.extensions)
        crypto.last_update_utc  # noqa: B018 - parse the times now
        asn1["signature_algorithm"]["algorithm"].dotted  # noqa: B018
    except (ValueError, TypeError, KeyError, IndexError, x509.DuplicateExtension) as exc:
        raise ValueError(f"malformed CRL: {str(exc)[:120]}") from None
    return Crl(der, crypto, asn1, extensions)


def parse_ocsp(der: bytes) -> OcspResponse:
    """A successful OCSP response, fully parsed, or ValueError."""
    if len(der) > MAX_REVOCATION_BYTES:
        raise ValueError("OCSP response too large")
    try:
        crypto = ocsp.load_der_ocsp_response(der)
        if crypto.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise ValueError(f"OCSP status {crypto.response_status.name}")
        list(crypto.responses)
        list(crypto.extensions)
        outer = asn1_ocsp.OCSPResponse.load(der, strict=True)
        basic = outer["response_bytes"]["response"].parsed
        basic["signature_algorithm"]["algorithm"].dotted  # noqa: B018
    except (ValueError, TypeError, KeyError, IndexError, x509.DuplicateExtension) as exc:
        raise ValueError(f"malformed OCSP response: {str(exc)[:120]}") from None
    return OcspResponse(der, crypto, basic)


def _covers(crl: Crl, cert: Cert) -> str | None:
    """Why this CRL's scope excludes ``cert`` (None: it covers it)."""
    if ExtensionOID.DELTA_CRL_INDICATOR.dotted_string in crl.extensions:
        return "a delta CRL"
    idp_ext = crl.extensions.get(ExtensionOID.ISSUING_DISTRIBUTION_POINT.dotted_string)
    if idp_ext is None:
        return None
    idp = idp_ext.value
    if idp.indirect_crl or idp.only_contains_attribute_certs or idp.only_some_reasons:
        return "a partial or indirect CRL"
    if idp.only_contains_user_certs and cert.is_ca:
        return "a CRL for end-entity certificates only"
    if idp.only_contains_ca_certs and not cert.is_ca:
        return "a CRL for CA certificates only"
    cdp = cert.ext(ExtensionOID.CRL_DISTRIBUTION_POINTS)
    if idp.full_name and cdp is not None:
        names = {n for dp in cdp for n in (dp.full_name or ())}
        if names and not names.intersection(idp.full_name):
            return "a CRL for another distribution point"
    return None


def _crl_problem(
    crl: Crl, cert: Cert, issuer: Cert, at: datetime, checker: SignatureChecker
) -> str | None:
    """Why this CRL (whose issuer name is right) does not count; None: it decides."""
    aki = crl.extensions.get(ExtensionOID.AUTHORITY_KEY_IDENTIFIER.dotted_string)
    if aki is not None and issuer.ski is not None and aki.value.key_identifier != issuer.ski:
        return "CRL of another key of the same CA"
    for oid, ext in crl.extensions.items():
        if ext.critical and oid not in _CRL_EXTENSIONS:
            return f"CRL with an unknown critical extension {oid}"
    number = crl.extensions.get(ExtensionOID.CRL_NUMBER.dotted_string)
    if number is None:
        return "CRL without a CRL number"
    if number.critical:
        return "CRL with a critical CRL number"
    ku = issuer.key_usage
    if ku is not None and "crl_sign" not in ku:
        return f"{issuer.label} may not sign CRLs (no cRLSign)"
    scope = _covers(crl, cert)
    if scope:
        return scope
    bad = verified_once(
        hashlib.sha256(crl.der).digest(),
        issuer.spki_der,
        checker,
        lambda: check_signature(
            crl.asn1["signature"].native,
            crl.asn1["tbs_cert_list"].dump(),
            crl.asn1["signature_algorithm"],
            issuer.spki,
            checker,
        ),
    )
    if bad is not None:
        return f"CRL signature: {bad.message_en}"
    next_update = _utc(crl.crypto.next_update_utc)
    if next_update is None or next_update < at:
        return "CRL out of date for the moment judged"
    return None


def crl_answer(
    crl: Crl, cert: Cert, issuer: Cert, at: datetime, checker: SignatureChecker
) -> Answer | None:
    """GOOD or REVOKED if this CRL decides for ``cert``; UNKNOWN with a note; None if foreign."""
    if crl.crypto.issuer != issuer.subject:
        return None
    problem = _crl_problem(crl, cert, issuer, at, checker)
    if problem:
        return Answer(Status.UNKNOWN, notes=(problem,))
    entry = crl.crypto.get_revoked_certificate_by_serial_number(cert.serial)
    if entry is None:
        return Answer(Status.GOOD, source=crl.der)
    for ext in entry.extensions:
        if ext.oid == CRLEntryExtensionOID.CERTIFICATE_ISSUER:
            return Answer(Status.UNKNOWN, notes=("an indirect CRL entry",))
        if ext.critical and ext.oid.dotted_string not in _ENTRY_EXTENSIONS:
            return Answer(
                Status.UNKNOWN, notes=(f"CRL entry with critical {ext.oid.dotted_string}",)
            )
    when = _utc(entry.revocation_date_utc)
    if when is not None and when > at:
        return Answer(Status.GOOD, source=crl.der)  # revoked later than the moment judged
    return Answer(Status.REVOKED, when, crl.der)


def _subject_der(cert: Cert) -> bytes:
    return bytes(cert.asn1["tbs_certificate"]["subject"].dump())


def _key_hash(cert: Cert, algorithm: Any) -> bytes:
    return hashlib.new(algorithm.name, cert.spki["public_key"].contents[1:]).digest()


def _responder_key(
    resp: OcspResponse, issuer: Cert, at: datetime, checker: SignatureChecker
) -> Any:
    """The key that must have signed the answer: the issuer's, or its delegated responder's."""
    by_key = resp.crypto.responder_key_hash
    if by_key == hashlib.sha1(issuer.spki["public_key"].contents[1:]).digest():
        return issuer.spki
    if by_key is None and resp.crypto.responder_name == issuer.subject:
        return issuer.spki
    for der in (c.dump() for c in resp.asn1["certs"] or []):
        try:
            responder = parse_certificate(der)
        except MalformedCertificateError:
            continue
        named = (
            by_key == hashlib.sha1(responder.spki["public_key"].contents[1:]).digest()
            if by_key is not None
            else resp.crypto.responder_name == responder.subject
        )
        eku = responder.ext_key_usage or frozenset()
        if (
            named
            and responder.issuer == issuer.subject
            and ExtendedKeyUsageOID.OCSP_SIGNING.dotted_string in eku
            and responder.not_before <= at.replace(microsecond=0) <= responder.not_after
            and check_signature(
                responder.signature,
                responder.tbs,
                responder.signature_algorithm,
                issuer.spki,
                checker,
            )
            is None
        ):
            return responder.spki
    return None


def ocsp_answer(
    resp: OcspResponse, cert: Cert, issuer: Cert, at: datetime, checker: SignatureChecker
) -> Answer | None:
    """GOOD or REVOKED if this OCSP answer decides for ``cert``; None if it is about another."""
    single = None
    for candidate in resp.crypto.responses:
        if (
            candidate.serial_number == cert.serial
            and candidate.issuer_key_hash == _key_hash(issuer, candidate.hash_algorithm)
            and candidate.issuer_name_hash
            == hashlib.new(candidate.hash_algorithm.name, _subject_der(issuer)).digest()
        ):
            single = candidate
            break
    if single is None:
        return None
    key = _responder_key(resp, issuer, at, checker)
    if key is None:
        return Answer(Status.UNKNOWN, notes=("OCSP answer from an unauthorised responder",))
    tbs = resp.asn1["tbs_response_data"].dump()
    bad = check_signature(
        resp.asn1["signature"].native, tbs, resp.asn1["signature_algorithm"], key, checker
    )
    if bad is not None:
        return Answer(Status.UNKNOWN, notes=(f"OCSP signature: {bad.message_en}",))
    this_update = _utc(single.this_update_utc)
    next_update = _utc(single.next_update_utc) or (
        this_update + OCSP_DEFAULT_VALIDITY if this_update else None
    )
    if next_update is None or next_update < at:
        return Answer(Status.UNKNOWN, notes=("OCSP answer out of date for the moment judged",))
    if single.certificate_status == ocsp.OCSPCertStatus.GOOD:
        return Answer(Status.GOOD, source=resp.der)
    if single.certificate_status == ocsp.OCSPCertStatus.REVOKED:
        when = _utc(single.revocation_time_utc)
        if when is not None and when > at:
            return Answer(Status.GOOD, source=resp.der)
        return Answer(Status.REVOKED, when, resp.der)
    return Answer(Status.UNKNOWN, notes=("OCSP says unknown",))


def decide(
    cert: Cert,
    issuer: Cert,
    at: datetime,
    crls: Sequence[Crl],
    ocsps: Sequence[OcspResponse],
    checker: SignatureChecker = DEFAULT_CHECKER,
) -> Answer:
    """REVOKED if any valid source says so, else GOOD if one does, else UNKNOWN with notes."""
    notes: list[str] = []
    good: Answer | None = None
    answers = [crl_answer(c, cert, issuer, at, checker) for c in crls]
    answers += [ocsp_answer(o, cert, issuer, at, checker) for o in ocsps]
    for answer in answers:
        if answer is None:
            continue
        if answer.status is Status.REVOKED:
            return answer
        if answer.status is Status.GOOD and good is None:
            good = answer
        notes.extend(answer.notes)
    return good or Answer(Status.UNKNOWN, notes=tuple(notes))
