"""The demo PKI: a read-only view of ``DIR/index.json`` (layout in docs/pki-layout.md).

``create_demo_pki`` (in demo_build) writes the directory; ``load_demo_pki`` reads it back with
absolute paths. Keys and PKCS#12 passwords are generated at run time and stay in DIR.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from evaluator_app.pki import sm2
from evaluator_app.pki.errors import DemoPkiError
from evaluator_app.pki.sm2_x509 import load_private_key
from evaluator_app.pki.x509_build import PrivateKey, load_cert

# SDCA's keys are SM2 (demo_build.SM2_CAS), the others ECDSA
AnyKey = PrivateKey | sm2.PrivateKey

INDEX_NAME = "index.json"


@dataclass(frozen=True)
class DemoCa:
    id: str
    name: str
    status: str  # granted | withdrawn | unrecognised
    cert: Path  # the issuing CA certificate
    key: Path
    root_cert: Path
    root_key: Path
    crl: Path
    crl_url: str
    ocsp_url: str
    withdrawn_at: datetime | None
    identity_rule: dict[str, str]
    root_crl: Path | None = None  # the root's CRL, which covers the issuing CA
    root_crl_url: str | None = None

    def crls(self) -> list[bytes]:
        """This CA's CRLs as files: the issuing CA's, then the root's."""
        return [p.read_bytes() for p in (self.crl, self.root_crl) if p is not None]

    def load_root_key(self) -> AnyKey:
        return load_private_key(self.root_key)

    def load_cert(self) -> x509.Certificate:
        return load_cert(self.cert)

    def load_key(self) -> AnyKey:
        return load_private_key(self.key)

    def load_root(self) -> x509.Certificate:
        return load_cert(self.root_cert)


@dataclass(frozen=True)
class DemoPerson:
    id: str  # index key, e.g. "expert-sd-1"
    person_id: str  # the unique identifier the CA's identity rule reads
    name: str
    role: str  # expert | supervisor | centre
    ca: str  # DemoCa.id
    cert: Path
    key: Path
    p12: Path
    password: str
    status: str  # valid | expired | revoked | wrong-key-usage
    revoked_at: datetime | None = None

    def load_cert(self) -> x509.Certificate:
        return load_cert(self.cert)

    def load_key(self) -> AnyKey:
        return load_private_key(self.key)


@dataclass(frozen=True)
class DemoEntity:
    """A venue, workstation, the TSA or the trust-list signer: a certificate and its key."""

    id: str
    name: str
    cert: Path
    key: Path
    ca: str | None = None
    p12: Path | None = None
    password: str | None = None
    url: str | None = None

    def load_cert(self) -> x509.Certificate:
        return load_cert(self.cert)

    def load_key(self) -> AnyKey:
        return load_private_key(self.key)


@dataclass(frozen=True)
class DemoPki:
    root: Path
    services_url: str
    created_at: datetime
    trust_list: Path
    trust_list_config: Path
    trust_list_signer: DemoEntity
    tsa: DemoEntity
    cas: tuple[DemoCa, ...]
    people: tuple[DemoPerson, ...]
    venues: tuple[DemoEntity, ...]
    workstations: tuple[DemoEntity, ...]
    centre: DemoEntity | None = None  # the centre's own key: it witnesses the venues' logs

    def ca(self, name_or_id: str) -> DemoCa:
        for ca in self.cas:
            if name_or_id in (ca.id, ca.name):
                return ca
        raise KeyError(name_or_id)

    def person(self, person_key: str) -> DemoPerson:
        for p in self.people:
            if p.id == person_key:
                return p
        raise KeyError(person_key)

    def find_people(
        self, *, role: str | None = None, status: str | None = None, ca: str | None = None
    ) -> list[DemoPerson]:
        return [
            p
            for p in self.people
            if (role is None or p.role == role)
            and (status is None or p.status == status)
            and (ca is None or p.ca == ca)
        ]

    def venue(self, venue_id: str) -> DemoEntity:
        for v in self.venues:
            if venue_id in (v.id, v.name):
                return v
        raise KeyError(venue_id)

    def party(self, party_id: str) -> DemoEntity:
        """A venue or the centre: a party the trust list names by its own key."""
        if self.centre is not None and party_id == self.centre.id:
            return self.centre
        return self.venue(party_id)

    def workstation(self, ws_id: str) -> DemoEntity:
        for w in self.workstations:
            if w.id == ws_id:
                return w
        raise KeyError(ws_id)

    def chain_for(self, ca_id: str) -> list[x509.Certificate]:
        """Issuing CA then root: what a signer embeds next to its own certificate."""
        ca = self.ca(ca_id)
        return [ca.load_cert(), ca.load_root()]


def _opt_dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _entity(root: Path, raw: dict[str, Any]) -> DemoEntity:
    return DemoEntity(
        id=raw["id"],
        name=raw["name"],
        cert=root / raw["cert"],
        key=root / raw["key"],
        ca=raw.get("ca"),
        p12=root / raw["p12"] if raw.get("p12") else None,
        password=raw.get("password"),
        url=raw.get("url"),
    )


def load_demo_pki(directory: Path | str) -> DemoPki:
    root = Path(directory).resolve()
    try:
        index = json.loads((root / INDEX_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        why = f"无法读取 {INDEX_NAME}" if isinstance(exc, OSError) else f"{INDEX_NAME} 内容无效"
        raise DemoPkiError(
            f"no demo PKI in {root}: {exc}", f"{root} 中没有演示 PKI（{why}）"
        ) from exc
    try:
        cas = tuple(
            DemoCa(
                id=c["id"],
                name=c["name"],
                status=c["status"],
                cert=root / c["cert"],
                key=root / c["key"],
                root_cert=root / c["root_cert"],
                root_key=root / c["root_key"],
                crl=root / c["crl"],
                crl_url=c["crl_url"],
                ocsp_url=c["ocsp_url"],
                withdrawn_at=_opt_dt(c.get("withdrawn_at")),
                identity_rule=dict(c["identity_rule"]),
                root_crl=root / c["root_crl"] if c.get("root_crl") else None,
                root_crl_url=c.get("root_crl_url"),
            )
            for c in index["cas"]
        )
        people = tuple(
            DemoPerson(
                id=p["id"],
                person_id=p["person_id"],
                name=p["name"],
                role=p["role"],
                ca=p["ca"],
                cert=root / p["cert"],
                key=root / p["key"],
                p12=root / p["p12"],
                password=p["password"],
                status=p["status"],
                revoked_at=_opt_dt(p.get("revoked_at")),
            )
            for p in index["people"]
        )
        return DemoPki(
            root=root,
            services_url=index["services_url"],
            created_at=datetime.fromisoformat(index["created_at"].replace("Z", "+00:00")),
            trust_list=root / index["trust_list"],
            trust_list_config=root / index["trust_list_config"],
            trust_list_signer=_entity(root, index["trust_list_signer"]),
            tsa=_entity(root, index["tsa"]),
            cas=cas,
            people=people,
            venues=tuple(_entity(root, v) for v in index["venues"]),
            workstations=tuple(_entity(root, w) for w in index["workstations"]),
            centre=_entity(root, index["centre"]) if "centre" in index else None,
        )
    except KeyError as exc:
        raise DemoPkiError(f"index.json lacks {exc}", f"index.json 缺少字段 {exc}") from exc


def create_demo_pki(
    out_dir: Path | str, *, services_url: str = "http://127.0.0.1:8790", now: datetime | None = None
) -> DemoPki:
    """Write a complete demo PKI into ``out_dir`` and return its view (see demo_build)."""
    from evaluator_app.pki.demo_build import build_demo

    build_demo(Path(out_dir), services_url=services_url.rstrip("/"), now=now)
    return load_demo_pki(out_dir)
