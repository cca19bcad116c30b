"""One CA of the trust list (CA互认): its certificates, status, recognised services, revocation
sources and the identity rule naming the certificate field that carries the holder's id."""

from __future__ import annotations

import base64
import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.pki import sm2


class CaStatus(enum.StrEnum):
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class Service(enum.StrEnum):
    AUTH = "auth"
    SIGN = "sign"
    TIMESTAMP = "timestamp"


class IdentityRuleKind(enum.StrEnum):
    SUBJECT_SERIAL_NUMBER = "subject-serial-number"
    SUBJECT_ATTRIBUTE = "subject-attribute"  # needs ``oid``
    SAN_OTHER_NAME = "san-other-name"  # needs ``oid``; value is a string type


@dataclass(frozen=True)
class IdentityRule:
    kind: IdentityRuleKind
    oid: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind.value}
        if self.oid:
            out["oid"] = self.oid
        return out


SM2_DEFAULT_ID = sm2.DEFAULT_ID.decode("ascii")


def public_key_info(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)).public_key


def _is_sm2(cert: x509.Certificate) -> bool:
    return sm2.is_sm2_key(public_key_info(cert))


def _ski(cert: x509.Certificate) -> bytes | None:
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return None


def _aki(cert: x509.Certificate) -> bytes | None:
    try:
        return cert.extensions.get_extension_for_class(
            x509.AuthorityKeyIdentifier
        ).value.key_identifier
    except x509.ExtensionNotFound:
        return None


@dataclass(frozen=True)
class TrustedCa:
    name: str
    certificates: tuple[x509.Certificate, ...]
    status: CaStatus
    status_since: datetime
    services: frozenset[Service]
    identity_rule: IdentityRule
    crl_urls: tuple[str, ...] = ()
    ocsp_urls: tuple[str, ...] = ()
    # the ID an SM2 CA signs its certificates, CRLs and OCSP answers with (GM/T 0009 default)
    sm2_signer_id: str = SM2_DEFAULT_ID

    @property
    def uses_sm2(self) -> bool:
        return any(_is_sm2(c) for c in self.certificates)

    @property
    def withdrawn_at(self) -> datetime | None:
        return self.status_since if self.status is CaStatus.WITHDRAWN else None

    def recognised_at(self, at: datetime) -> bool:
        """Withdrawal is not retroactive: before the date the CA still counts."""
        return self.withdrawn_at is None or at < self.withdrawn_at

    def is_issuer_of(self, cert: x509.Certificate) -> bool:
        """True if one of this CA's certificates has the cert's issuer name (and key id)."""
        aki = _aki(cert)
        for ca_cert in self.certificates:
            if ca_cert.subject != cert.issuer:
                continue
            ski = _ski(ca_cert)
            if aki is None or ski is None or aki == ski:
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "certificates": [
                base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii")
                for c in self.certificates
            ],
            "status": self.status.value,
            "status_since": self.status_since,
            "services": sorted(s.value for s in self.services),
            "identity_rule": self.identity_rule.to_json(),
            "crl_urls": list(self.crl_urls),
            "ocsp_urls": list(self.ocsp_urls),
            # only where it matters, so that the bodies of ECDSA/RSA-only lists do not change
            **(
                {"sm2_signer_id": self.sm2_signer_id}
                if self.uses_sm2 or self.sm2_signer_id != SM2_DEFAULT_ID
                else {}
            ),
        }
