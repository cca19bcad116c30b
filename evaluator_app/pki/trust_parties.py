"""The parties of the evaluation the trust list names by key: venues and the centre.

A venue's tree heads and receipts, and a witness's cosignatures, count only when signed with a
certificate the centre's signed trust list lists for that party (``parties`` in the body:
``{"id": "jinan", "name": "济南", "role": "venue", "certificates": ["<base64 DER>"]}``).
Pinning the certificate, not just its CA, means a CA cannot make a second "jinan" key.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.pki.errors import TrustListError
from evaluator_app.pki.x509_build import load_cert


class PartyRole(enum.StrEnum):
    VENUE = "venue"
    CENTRE = "centre"


@dataclass(frozen=True)
class TrustedParty:
    id: str
    name: str
    role: PartyRole
    certificates: tuple[x509.Certificate, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "certificates": [
                base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii")
                for c in self.certificates
            ],
        }


def party_from_json(raw: Mapping[str, Any]) -> TrustedParty:
    try:
        role = PartyRole(raw["role"])
        certs = tuple(
            x509.load_der_x509_certificate(base64.b64decode(c, validate=True))
            for c in raw["certificates"]
        )
        party = TrustedParty(str(raw["id"]), str(raw.get("name", raw["id"])), role, certs)
    except (KeyError, ValueError, TypeError) as exc:
        raise TrustListError(
            f"a party of the trust list is unreadable: {exc}", f"信任列表中的参与方无法读取：{exc}"
        ) from None
    if not party.id or not certs:
        raise TrustListError(
            "a party of the trust list needs an id and a certificate",
            "信任列表中的参与方须有标识和证书",
        )
    return party


def parties_from_config(raw: Sequence[Mapping[str, Any]], base_dir: Path) -> list[TrustedParty]:
    """``trust-list build`` input: certificates given as file paths."""
    out = []
    for entry in raw:
        certs = [load_cert(base_dir / p) for p in entry["certificates"]]
        der = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in certs]
        out.append(party_from_json({**entry, "certificates": der}))
    return out
