"""Writes the demo PKI directory (see docs/pki-layout.md); called by demo_pki.create_demo_pki."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509

from evaluator_app.pki import sm2, sm2_x509
from evaluator_app.pki import x509_build as xb
from evaluator_app.pki.credentials.sm2_file import plain_pkcs8_pem, write_key_file
from evaluator_app.pki.demo_roster import (
    CA_SPECS,
    OID_ID_NUMBER,
    OID_UID,
    PEOPLE,
    SM2_CAS,
    VENUES,
    WORKSTATIONS,
)
from evaluator_app.pki.trust_list import sign_trust_list, trust_list_from_config

log = logging.getLogger(__name__)

Key = xb.PrivateKey | sm2.PrivateKey


@dataclass
class _Ca:
    id: str
    name: str
    cert: x509.Certificate
    key: Key
    root: x509.Certificate
    root_key: Key
    crl_url: str
    ocsp_url: str
    root_crl_url: str
    revoked: list[tuple[int, datetime]] = field(default_factory=list)


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root

    def cert_and_key(self, rel: str, cert: x509.Certificate, key: Key) -> dict[str, str]:
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        xb.write_cert(self.root / f"{rel}.pem", cert)
        if isinstance(key, sm2.PrivateKey):
            path = self.root / f"{rel}.key"
            path.write_bytes(plain_pkcs8_pem(key))
            path.chmod(0o600)
        else:
            xb.write_key(self.root / f"{rel}.key", key)
        return {"cert": f"{rel}.pem", "key": f"{rel}.key"}

    def p12(self, rel: str, name: str, key: Key, cert: x509.Certificate, ca: _Ca) -> dict[str, str]:
        """The person's certificate file: PKCS#12, or for an SM2 key an SM2 key file (PEM)."""
        password = xb.random_password()
        if isinstance(key, sm2.PrivateKey):
            certs = [sm2_x509.to_asn1(c) for c in (cert, ca.cert, ca.root)]
            path = self.root / f"{rel}.sm2.pem"
            path.write_bytes(write_key_file(key, certs, password.encode(), iterations=20_000))
            path.chmod(0o600)
            return {"p12": f"{rel}.sm2.pem", "password": password}
        xb.write_p12(self.root / f"{rel}.p12", name, key, cert, [ca.cert, ca.root], password)
        return {"p12": f"{rel}.p12", "password": password}


def _person_name(
    ca_id: str, name: str, person_id: str, unit: str
) -> tuple[x509.Name, list[x509.OtherName]]:
    """Each CA puts the identifier where its identity rule says."""
    if ca_id == "nca":
        return xb.make_name(name, org="国家数字证书 NCA 个人用户", unit=unit), [
            xb.utf8_other_name(OID_ID_NUMBER, person_id)
        ]
    if ca_id == "oldca":
        return xb.make_name(name, org="OldCA 个人用户", unit=unit, extra=[(OID_UID, person_id)]), []
    return xb.make_name(name, org="个人用户", unit=unit, serial_number=person_id), []


def _build(*, subject_key: Key, issuer_key: Key, **kw: Any) -> x509.Certificate:
    """An ECDSA certificate, or an SM2 one where the issuing CA is SM2 (keys match the CA)."""
    if isinstance(issuer_key, sm2.PrivateKey):
        assert isinstance(subject_key, sm2.PrivateKey)
        return sm2_x509.build_cert(public_key=subject_key.public, issuer_key=issuer_key, **kw)
    assert not isinstance(subject_key, sm2.PrivateKey)
    return xb.build_cert(public_key=subject_key.public_key(), issuer_key=issuer_key, **kw)


YEAR = timedelta(days=365)


def build_demo(out: Path, *, services_url: str, now: datetime | None = None) -> None:
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    out.mkdir(parents=True, exist_ok=True)
    w = _Writer(out)
    index: dict[str, Any] = {
        "schema": {"kind": "demo-pki", "version": 1},
        "created_at": now.isoformat(),
        "services_url": services_url,
        "cas": [],
        "people": [],
        "venues": [],
        "workstations": [],
    }
    cas: dict[str, _Ca] = {}
    for spec in CA_SPECS:
        ca, entry = _ca(w, spec, services_url, now)
        cas[ca.id] = ca
        index["cas"].append(entry)
    index["people"] = [_person(w, cas, spec, now) for spec in PEOPLE]
    _machines(w, index, cas, services_url, now)
    for ca in cas.values():  # after the people: the revoked one is on its CA's list
        _write_crls(out, ca, now)
    _trust_list(w, index, now)
    (out / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    log.info("demo PKI written to %s (%d people)", out, len(index["people"]))


def _ca(
    w: _Writer,
    spec: tuple[str, str, str, dict[str, str], list[str]],
    services_url: str,
    now: datetime,
) -> tuple[_Ca, dict[str, Any]]:
    """One CA: its root and issuing CA (SM2 or ECDSA), with its index entry."""
    ca_id, ca_name, status, rule, services = spec
    use_sm2 = ca_id in SM2_CAS
    root_key: Key = sm2.PrivateKey.generate() if use_sm2 else xb.new_key()
    ca_key: Key = sm2.PrivateKey.generate() if use_sm2 else xb.new_key()
    root = _build(
        subject=xb.make_name(f"{ca_name} Root", org=ca_name),
        subject_key=root_key,
        issuer_cert=None,
        issuer_key=root_key,
        not_before=now - 5 * YEAR,
        not_after=now + 15 * YEAR,
        ca=True,
        path_length=1,
        key_usage=("key_cert_sign", "crl_sign"),
    )
    # The issuing CA points at its root's CRL: hard-fail needs an answer for every
    # certificate of the path but the root, the issuing CA's included.
    root_crl_url = f"{services_url}/crl/{ca_id}-root.crl"
    issuing = _build(
        subject=xb.make_name(f"{ca_name} Issuing CA", org=ca_name),
        subject_key=ca_key,
        issuer_cert=root,
        issuer_key=root_key,
        not_before=now - 4 * YEAR,
        not_after=now + 10 * YEAR,
        ca=True,
        path_length=0,
        key_usage=("key_cert_sign", "crl_sign", "digital_signature"),
        crl_url=root_crl_url,
    )
    ca = _Ca(
        ca_id,
        ca_name,
        issuing,
        ca_key,
        root,
        root_key,
        f"{services_url}/crl/{ca_id}.crl",
        f"{services_url}/ocsp/{ca_id}",
        root_crl_url,
    )
    entry: dict[str, Any] = {
        "id": ca_id,
        "name": ca_name,
        "status": status,
        "identity_rule": rule,
        "services": services,
        **w.cert_and_key(f"ca/{ca_id}", issuing, ca_key),
        "crl": f"ca/{ca_id}.crl",
        "crl_url": ca.crl_url,
        "root_crl": f"ca/{ca_id}-root.crl",
        "root_crl_url": root_crl_url,
        "ocsp_url": ca.ocsp_url,
    }
    root_files = w.cert_and_key(f"ca/{ca_id}-root", root, root_key)
    entry["root_cert"], entry["root_key"] = root_files["cert"], root_files["key"]
    entry["withdrawn_at"] = (
        (now - timedelta(days=30)).isoformat() if status == "withdrawn" else None
    )
    return ca, entry


def _issue(ca: _Ca, subject: x509.Name, key: Key, now: datetime, **kw: Any) -> x509.Certificate:
    """An end-entity certificate from ``ca``, valid a year back and two ahead unless told."""
    kw.setdefault("not_before", now - YEAR)
    kw.setdefault("not_after", now + 2 * YEAR)
    return _build(
        subject=subject,
        subject_key=key,
        issuer_cert=ca.cert,
        issuer_key=ca.key,
        crl_url=ca.crl_url,
        ocsp_url=ca.ocsp_url,
        **kw,
    )


def _person(
    w: _Writer, cas: dict[str, _Ca], spec: tuple[str, str, str, str, str, str], now: datetime
) -> dict[str, Any]:
    """One person's key, certificate and certificate file; the revoked one goes on its CA's list."""
    pid, name, role, ca_id, status, person_id = spec
    ca = cas[ca_id]
    key: Key = sm2.PrivateKey.generate() if ca_id in SM2_CAS else xb.new_key()
    subject, other_names = _person_name(
        ca_id,
        name,
        person_id,
        {"expert": "评标专家", "supervisor": "监督", "centre": "交易中心"}[role],
    )
    kw: dict[str, Any] = {
        "key_usage": ("digital_signature", "content_commitment"),
        "eku": [xb.EKU_CLIENT_AUTH, xb.EKU_EMAIL],
    }
    if status == "expired":
        kw.update(not_before=now - 800 * timedelta(days=1), not_after=now - timedelta(days=30))
    if status == "wrong-key-usage":
        kw["key_usage"] = ("key_encipherment",)
    cert = _issue(ca, subject, key, now, other_names=other_names, **kw)
    entry = {
        "id": pid,
        "person_id": person_id,
        "name": name,
        "role": role,
        "ca": ca_id,
        "status": status,
        **w.cert_and_key(f"people/{pid}", cert, key),
        **w.p12(f"people/{pid}", name, key, cert, ca),
    }
    if status == "revoked":
        revoked_at = now - timedelta(days=10)
        ca.revoked.append((cert.serial_number, revoked_at))
        entry["revoked_at"] = revoked_at.isoformat()
    return entry


def _machines(
    w: _Writer, index: dict[str, Any], cas: dict[str, _Ca], services_url: str, now: datetime
) -> None:
    """The venues' TLS certificates, the workstations' and the timestamp authority's."""
    for vid, vname, ca_id, port in VENUES:
        ca, key = cas[ca_id], xb.new_key()
        cert = _issue(
            ca,
            xb.make_name(f"{vname}评标场地 venue {vid}", org=f"{vname}市公共资源交易中心"),
            key,
            now,
            key_usage=("digital_signature", "content_commitment"),
            eku=[xb.EKU_SERVER_AUTH],
            dns_names=["localhost"],
            ip_addresses=["127.0.0.1"],
        )
        index["venues"].append(
            {
                "id": vid,
                "name": vname,
                "ca": ca_id,
                "url": f"https://127.0.0.1:{port}",
                **w.cert_and_key(f"venues/{vid}", cert, key),
                **w.p12(f"venues/{vid}", vid, key, cert, ca),
            }
        )
    for ws_id, ca_id in WORKSTATIONS:
        ca, key = cas[ca_id], xb.new_key()
        cert = _issue(
            ca,
            xb.make_name(ws_id, org="评标室工作站 workstation"),
            key,
            now,
            key_usage=("digital_signature",),
            eku=[xb.EKU_CLIENT_AUTH],
        )
        index["workstations"].append(
            {
                "id": ws_id,
                "name": ws_id,
                "ca": ca_id,
                **w.cert_and_key(f"workstations/{ws_id}", cert, key),
            }
        )
    # the centre witnesses the venues' logs (issue 12, item 2): its own key, served over TLS
    centre_ca, centre_key = cas["nca"], xb.new_key()
    centre_cert = _issue(
        centre_ca,
        xb.make_name("省交易中心日志见证 centre log witness", org="省公共资源交易中心"),
        centre_key,
        now,
        key_usage=("digital_signature", "content_commitment"),
        eku=[xb.EKU_SERVER_AUTH],
        dns_names=["localhost"],
        ip_addresses=["127.0.0.1"],
    )
    index["centre"] = {
        "id": "centre",
        "name": "省交易中心",
        "ca": "nca",
        **w.cert_and_key("centre/centre", centre_cert, centre_key),
        **w.p12("centre/centre", "centre", centre_key, centre_cert, centre_ca),
    }
    tsa_ca, tsa_key = cas["nca"], xb.new_key()
    tsa_cert = _issue(
        tsa_ca,
        xb.make_name("NCA 时间戳服务 TSA", org=tsa_ca.name),
        tsa_key,
        now,
        key_usage=("digital_signature", "content_commitment"),
        eku=[xb.EKU_TIME_STAMPING],
        eku_critical=True,
    )
    index["tsa"] = {
        "id": "tsa",
        "name": "NCA TSA",
        "ca": "nca",
        "url": f"{services_url}/tsa",
        **w.cert_and_key("tsa/tsa", tsa_cert, tsa_key),
    }


def _write_crls(out: Path, ca: _Ca, now: datetime) -> None:
    """The issuing CA's CRL (with its revoked people) and its root's (empty)."""
    crl = (sm2_x509.build_crl if isinstance(ca.key, sm2.PrivateKey) else xb.build_crl)(
        issuer_cert=ca.cert,
        issuer_key=ca.key,  # type: ignore[arg-type]  # the builder is the key's, chosen above
        revoked=ca.revoked,
        this_update=now - timedelta(hours=1),
        next_update=now + timedelta(days=7),
    )
    (out / "ca" / f"{ca.id}.crl").write_bytes(crl.public_bytes(xb.serialization.Encoding.DER))
    root_crl = (sm2_x509.build_crl if isinstance(ca.root_key, sm2.PrivateKey) else xb.build_crl)(
        issuer_cert=ca.root,
        issuer_key=ca.root_key,  # type: ignore[arg-type]  # the builder is the key's
        revoked=[],
        this_update=now - timedelta(hours=1),
        next_update=now + timedelta(days=7),
    )
    (out / "ca" / f"{ca.id}-root.crl").write_bytes(
        root_crl.public_bytes(xb.serialization.Encoding.DER)
    )


def _trust_list(w: _Writer, index: dict[str, Any], now: datetime) -> None:
    """The centre's trust-list signer (self-signed, pinned in the application) and the signed
    trust list of the recognised CAs."""
    out = w.root
    tl_key = xb.new_key()
    tl_cert = xb.build_cert(
        subject=xb.make_name("交易中心信任列表签名 Trust list signer", org="省公共资源交易中心"),
        public_key=tl_key.public_key(),
        issuer_cert=None,
        issuer_key=tl_key,
        not_before=now - YEAR,
        not_after=now + 10 * YEAR,
        key_usage=("digital_signature",),
    )
    index["trust_list_signer"] = {
        "id": "trust-list-signer",
        "name": "交易中心信任列表签名",
        **w.cert_and_key("centre/trust-list-signer", tl_cert, tl_key),
    }
    config = {
        "operator": "省公共资源交易中心 Provincial public resource trading centre",
        "sequence_number": 1,
        "issued_at": (now - timedelta(hours=1)).isoformat(),
        "next_update": (now + timedelta(days=30)).isoformat(),
        "cas": [
            {
                "name": e["name"],
                "certificates": [e["root_cert"], e["cert"]],
                "status": e["status"],
                "status_since": e["withdrawn_at"] or (now - 3 * YEAR).isoformat(),
                "services": e["services"],
                "identity_rule": e["identity_rule"],
                "crl_urls": [e["crl_url"], e["root_crl_url"]],
                "ocsp_urls": [e["ocsp_url"]],
                **({"sm2_signer_id": sm2.DEFAULT_ID.decode()} if e["id"] in SM2_CAS else {}),
            }
            for e in index["cas"]
            if e["status"] != "unrecognised"
        ],
        # each venue's own key: its tree heads and receipts count only when signed with it
        "parties": [
            {"id": v["id"], "name": v["name"], "role": "venue", "certificates": [v["cert"]]}
            for v in index["venues"]
        ]
        + [
            {
                "id": "centre",
                "name": index["centre"]["name"],
                "role": "centre",
                "certificates": [index["centre"]["cert"]],
            }
        ],
    }
    (out / "trust-list-config.json").write_text(
        json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    tl = trust_list_from_config(config, out)
    (out / "trust-list.json").write_bytes(sign_trust_list(tl, tl_key, tl_cert))
    index["trust_list"] = "trust-list.json"
    index["trust_list_config"] = "trust-list-config.json"
