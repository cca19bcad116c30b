from __future__ import annotations

import json

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID

from evaluator_app.pki.demo_pki import DemoPki, load_demo_pki


def test_index_layout(demo_pki: DemoPki) -> None:
    index = json.loads((demo_pki.root / "index.json").read_text(encoding="utf-8"))
    for key in (
        "trust_list",
        "cas",
        "people",
        "tsa",
        "venues",
        "workstations",
        "trust_list_signer",
        "services_url",
    ):
        assert key in index
    assert {c["status"] for c in index["cas"]} == {"granted", "withdrawn", "unrecognised"}
    assert {p["status"] for p in index["people"]} == {
        "valid",
        "expired",
        "revoked",
        "wrong-key-usage",
    }
    assert {p["role"] for p in index["people"]} == {"expert", "supervisor", "centre"}
    for p in index["people"]:
        for rel in (p["cert"], p["key"], p["p12"]):
            assert not rel.startswith("/") and (demo_pki.root / rel).is_file()


def test_load_round_trip(demo_pki: DemoPki) -> None:
    again = load_demo_pki(demo_pki.root)
    assert again == demo_pki
    assert demo_pki.person("expert-sd-1").cert.is_absolute()
    assert demo_pki.ca("sdca") is demo_pki.ca(demo_pki.ca("sdca").name)


def test_p12_opens_with_its_random_password(demo_pki: DemoPki) -> None:
    person = demo_pki.person("expert-nca-1")
    key, cert, chain = pkcs12.load_key_and_certificates(
        person.p12.read_bytes(), person.password.encode()
    )
    assert cert == person.load_cert() and key is not None and len(chain) == 2
    assert person.password != demo_pki.person("expert-nca-2").password


def test_person_certificates(demo_pki: DemoPki) -> None:
    cert = demo_pki.person("expert-sd-1").load_cert()
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in eku
    cdp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert cdp[0].full_name[0].value.startswith(demo_pki.services_url)
    bad = demo_pki.find_people(status="wrong-key-usage")[0].load_cert()
    bad_ku = bad.extensions.get_extension_for_class(x509.KeyUsage).value
    assert not bad_ku.digital_signature and not bad_ku.content_commitment


def test_venue_and_tsa_certificates(demo_pki: DemoPki) -> None:
    assert {v.name for v in demo_pki.venues} == {"济南", "淄博"}
    san = (
        demo_pki.venue("济南")
        .load_cert()
        .extensions.get_extension_for_class(x509.SubjectAlternativeName)
        .value
    )
    assert "localhost" in san.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    eku = demo_pki.tsa.load_cert().extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_dual_certified_expert_uses_two_fields(demo_pki: DemoPki) -> None:
    sd, nca = demo_pki.person("expert-dual-sd"), demo_pki.person("expert-dual-nca")
    assert sd.person_id == nca.person_id and sd.ca != nca.ca
    assert sd.load_cert().subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)
    assert not nca.load_cert().subject.get_attributes_for_oid(x509.NameOID.SERIAL_NUMBER)
