from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.errors import IdentityError, PkiError, TrustListError
from evaluator_app.pki.identity import identify
from evaluator_app.pki.trust_list import (
    CaStatus,
    IdentityRuleKind,
    Service,
    TrustList,
    load_trust_list,
    sign_trust_list,
    trust_list_from_config,
)
from evaluator_app.pki.x509_build import build_cert, load_key, make_name, new_key


def _copy_doc(demo: DemoPki, tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    doc = json.loads(demo.trust_list.read_text(encoding="utf-8"))
    edit(doc)
    out = tmp_path / "tl.json"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


def test_loads_and_describes_cas(trust_list: TrustList, demo_pki: DemoPki) -> None:
    names = {c.name for c in trust_list.cas}
    assert demo_pki.ca("sdca").name in names and demo_pki.ca("rogue").name not in names
    old = trust_list.ca(demo_pki.ca("oldca").name)
    assert (
        old.status is CaStatus.WITHDRAWN and old.withdrawn_at == demo_pki.ca("oldca").withdrawn_at
    )
    assert Service.TIMESTAMP in trust_list.ca(demo_pki.ca("nca").name).services
    assert (
        trust_list.ca(demo_pki.ca("nca").name).identity_rule.kind is IdentityRuleKind.SAN_OTHER_NAME
    )
    assert trust_list.signer_cert == demo_pki.trust_list_signer.load_cert()


def test_unsigned_refused(demo_pki: DemoPki, tmp_path: Path) -> None:
    path = _copy_doc(demo_pki, tmp_path, lambda d: d.pop("signature"))
    with pytest.raises(TrustListError) as info:
        load_trust_list(path, demo_pki.trust_list_signer.cert)
    assert "未签名" in info.value.message_zh and "not signed" in info.value.message_en


def test_tampered_refused(demo_pki: DemoPki, tmp_path: Path) -> None:
    def edit(doc: dict) -> None:  # type: ignore[type-arg]
        doc["trust_list"]["cas"][2]["status"] = "granted"  # quietly re-admit the withdrawn CA

    with pytest.raises(TrustListError) as info:
        load_trust_list(_copy_doc(demo_pki, tmp_path, edit), demo_pki.trust_list_signer.cert)
    assert "篡改" in info.value.message_zh


def test_wrong_key_refused(demo_pki: DemoPki, tmp_path: Path) -> None:
    key = new_key()
    now = datetime.now(UTC)
    cert = build_cert(
        subject=make_name("impostor"),
        public_key=key.public_key(),
        issuer_cert=None,
        issuer_key=key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=1),
    )
    tl = load_trust_list(demo_pki.trust_list, demo_pki.trust_list_signer.cert)
    forged = tmp_path / "forged.json"
    forged.write_bytes(sign_trust_list(tl, key, cert))
    with pytest.raises(TrustListError, match="pinned"):
        load_trust_list(forged, demo_pki.trust_list_signer.cert)
    # even without the embedded certificate, the pinned key decides
    doc = json.loads(forged.read_text(encoding="utf-8"))
    del doc["signature"]["signer_certificate"]
    forged.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TrustListError):
        load_trust_list(forged, demo_pki.trust_list_signer.cert)


def test_out_of_date_refused(trust_list: TrustList, demo_pki: DemoPki) -> None:
    with pytest.raises(TrustListError) as info:
        load_trust_list(
            demo_pki.trust_list, demo_pki.trust_list_signer.cert, now=trust_list.next_update
        )
    assert "过期" in info.value.message_zh and "out of date" in info.value.message_en
    with pytest.raises(TrustListError, match="future"):
        load_trust_list(
            demo_pki.trust_list,
            demo_pki.trust_list_signer.cert,
            now=trust_list.issued_at - timedelta(minutes=1),
        )


def test_build_from_config_round_trip(
    demo_pki: DemoPki, tmp_path: Path, trust_list: TrustList
) -> None:
    config = json.loads(demo_pki.trust_list_config.read_text(encoding="utf-8"))
    config["sequence_number"] = 2
    tl = trust_list_from_config(config, demo_pki.root)
    out = tmp_path / "tl2.json"
    signer = demo_pki.trust_list_signer
    out.write_bytes(sign_trust_list(tl, load_key(signer.key), signer.load_cert()))
    again = load_trust_list(out, signer.cert)
    assert again.sequence_number == 2 and again.cas == trust_list.cas


def test_each_identity_rule(demo_pki: DemoPki, trust_list: TrustList) -> None:
    for key in (
        "expert-sd-1",
        "expert-nca-1",
        "expert-old",
    ):  # serialNumber, otherName, subject attribute
        person = demo_pki.person(key)
        who = identify(person.load_cert(), trust_list)
        assert (who.person_id, who.name) == (person.person_id, person.name)
        assert who.ca_name == demo_pki.ca(person.ca).name


def test_same_person_through_both_cas(demo_pki: DemoPki, trust_list: TrustList) -> None:
    a = identify(demo_pki.person("expert-dual-sd").load_cert(), trust_list)
    b = identify(demo_pki.person("expert-dual-nca").load_cert(), trust_list)
    assert a == b and a.person_id == b.person_id and a.ca_name != b.ca_name


def test_identify_refuses_unknown_issuer_and_missing_field(
    demo_pki: DemoPki, trust_list: TrustList
) -> None:
    with pytest.raises(IdentityError):
        identify(demo_pki.person("expert-rogue").load_cert(), trust_list)
    with pytest.raises(PkiError) as info:
        identify(
            demo_pki.venue("zibo").load_cert(), trust_list
        )  # NCA rule: no otherName on a venue
    assert info.value.message_zh != info.value.message_en
