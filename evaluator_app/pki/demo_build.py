"""Writes the demo PKI directory (see docs/pki-layout.md); called by demo_pki.create_demo_pki."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509

from evaluator_app.pki import sm2
from evaluator_app.pki import x509_build as xb
from evaluator_app.pki.demo_cas import (
    YEAR,
    DemoCa,
    DemoFiles,
    Key,
    issue,
    make_ca,
    write_crls,
)
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


def build_demo(out: Path, *, services_url: str, now: datetime | None = None) -> None:
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    out.mkdir(parents=True, exist_ok=True)
    w = DemoFiles(out)
    index: dict[str, Any] = {
        "schema": {"kind": "demo-pki", "version": 1},
        "created_at": now.isoformat(),
        "services_url": services_url,
        "cas": [],
        "people": [],
        "venues": [],
        "workstations": [],
    }
    cas: dict[str, DemoCa] = {}
    for spec in CA_SPECS:
        ca, entry = make_ca(w, spec, services_url, now)
        cas[ca.id] = ca
        index["cas"].append(entry)
    index["people"] = [_person(w, cas, spec, now) for spec in PEOPLE]
    _machines(w, index, cas, services_url, now)
    for ca in cas.values():  # after the people: the revoked one is on its CA's list
        write_crls(out, ca, now)
    _trust_list(w, index, now)
    (out / "index.json").write_text(
        json.dumps(index, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    log.info("demo PKI written to %s (%d people)", out, len(index["people"]))


def _person(
    w: DemoFiles, cas: dict[str, DemoCa], spec: tuple[str, str, str, str, str, str], now: datetime
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
    cert = issue(ca, subject, key, now, other_names=other_names, **kw)
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
    w: DemoFiles, index: dict[str, Any], cas: dict[str, DemoCa], services_url: str, now: datetime
) -> None:
    """The venues' TLS certificates, the workstations' and the timestamp authority's."""
    for vid, vname, ca_id, port in VENUES:
        ca, key = cas[ca_id], xb.new_key()
        cert = issue(
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
        cert = issue(
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
    centre_cert = issue(
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
    tsa_cert = issue(
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


def _trust_list(w: DemoFiles, index: dict[str, Any], now: datetime) -> None:
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
