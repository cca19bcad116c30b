"""Who holds a certificate, by the identity rule of the CA that issued it.

Recognised CAs put the holder's unique identifier (a national-ID-like number) in different
fields; the trust list says where for each CA, so the same person gets the same identity
whichever CA's certificate they log in with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from asn1crypto import core as asn1_core
from cryptography import x509
from cryptography.x509.oid import NameOID

from evaluator_app.pki.errors import IdentityError
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.trusted_ca import IdentityRule, IdentityRuleKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """A person. Equality is on ``person_id`` and ``name``: ``ca_name`` only says which CA
    vouched."""

    person_id: str
    name: str
    ca_name: str = field(compare=False)


def _subject_attr(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = cert.subject.get_attributes_for_oid(oid)
    if not values:
        return None
    value = values[0].value
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _san_other_name(cert: x509.Certificate, oid: str) -> str | None:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    for other in san.get_values_for_type(x509.OtherName):
        if other.type_id.dotted_string != oid:
            continue
        try:
            native = asn1_core.load(other.value).native
        except ValueError:
            log.warning("undecodable otherName %s in certificate %x", oid, cert.serial_number)
            return None
        return native if isinstance(native, str) else None
    return None


def read_identifier(cert: x509.Certificate, rule: IdentityRule) -> str | None:
    """The holder's unique identifier under ``rule``, or None if the field is absent."""
    if rule.kind is IdentityRuleKind.SUBJECT_SERIAL_NUMBER:
        value = _subject_attr(cert, NameOID.SERIAL_NUMBER)
    elif rule.kind is IdentityRuleKind.SUBJECT_ATTRIBUTE:
        value = _subject_attr(cert, x509.ObjectIdentifier(rule.oid or ""))
    else:
        value = _san_other_name(cert, rule.oid or "")
    value = value.strip() if value else None
    return value or None


def identify(cert: x509.Certificate, trust_list: TrustList) -> Identity:
    """Apply the issuing CA's identity rule; raise IdentityError if not possible.

    This does not validate the certificate: use ``validation.validate_certificate`` first.
    """
    entry = trust_list.issuer_of(cert)
    if entry is None:
        raise IdentityError(
            "the certificate's issuer is not on the trust list",
            "证书签发机构不在信任列表中",
        )
    person_id = read_identifier(cert, entry.identity_rule)
    if person_id is None:
        where = entry.identity_rule.kind.value + (
            f" {entry.identity_rule.oid}" if entry.identity_rule.oid else ""
        )
        raise IdentityError(
            f"the certificate lacks the holder identifier required by {entry.name} ({where})",
            f"证书缺少 {entry.name} 身份规则要求的持有人唯一标识（{where}）",
        )
    name = _subject_attr(cert, NameOID.COMMON_NAME) or ""
    return Identity(person_id=person_id, name=name, ca_name=entry.name)
