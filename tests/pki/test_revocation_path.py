"""Revocation counts for every certificate of the path (issue 12, item 3).

The findings: a root CRL that revokes an issuing CA (SDCA's then; NCA's here, an ECDSA CA that
openssl can check), given with ``--crl``, still gave VALID for its expert where
``openssl verify -crl_check_all`` says "certificate revoked"; supplied revocation data was
ignored for a certificate that names no CRL or OCSP location; the demo's CA certificates carried
no CRL pointers.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from asn1crypto import crl as asn1_crl
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.cli.main import main
from evaluator_app.pki.cert_parse import parse_certificate
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.path_build import check_signature
from evaluator_app.pki.reasons import ReasonCode
from evaluator_app.pki.revocation import crl_urls
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.validation import RevocationPolicy, validate_certificate
from evaluator_app.pki.x509_build import (
    build_cert,
    build_crl,
    make_name,
    new_key,
    utf8_other_name,
)
from tests.pki_fixtures import ServicesThread

DER = serialization.Encoding.DER


def _root_crl_revoking_issuing_ca(demo_pki: DemoPki, when: datetime) -> bytes:
    ca = demo_pki.ca("nca")
    now = datetime.now(UTC)
    crl = build_crl(
        issuer_cert=ca.load_root(),
        issuer_key=ca.load_root_key(),
        revoked=[(ca.load_cert().serial_number, when)],
        this_update=now - timedelta(minutes=5),
        next_update=now + timedelta(days=1),
        number=7,
    )
    return crl.public_bytes(DER)


@pytest.fixture(scope="module")
def revoked_at() -> datetime:
    return (datetime.now(UTC) - timedelta(days=2)).replace(microsecond=0)


def test_a_ca_revoked_by_its_root_is_refused(
    demo_pki: DemoPki, trust_list: TrustList, revoked_at: datetime
) -> None:
    ca = demo_pki.ca("nca")
    crls = [ca.crl.read_bytes(), _root_crl_revoking_issuing_ca(demo_pki, revoked_at)]
    cert = demo_pki.person("expert-nca-1").load_cert()
    result = validate_certificate(
        cert, "auth", trust_list, revocation=RevocationPolicy.offline(crls)
    )
    assert result.codes == (ReasonCode.CA_REVOKED,)
    reason = result.reasons[0]
    assert reason.when == revoked_at
    stamp = revoked_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert reason.message_en.startswith(f"issuing CA revoked at {stamp}")
    assert reason.message_zh.startswith(f"签发 CA 已于 {stamp} 被吊销")
    # before the CA's revocation its certificates still counted
    before = validate_certificate(
        cert,
        "sign",
        trust_list,
        at=revoked_at - timedelta(hours=1),
        revocation=RevocationPolicy.offline(crls),
    )
    assert before.ok, before.reasons


def test_cert_check_with_the_root_crl_says_revoked_like_openssl(
    demo_pki: DemoPki, tmp_path: Path, revoked_at: datetime, capsys: pytest.CaptureFixture[str]
) -> None:
    ca = demo_pki.ca("nca")
    root_crl = tmp_path / "root.crl"
    root_crl.write_bytes(_root_crl_revoking_issuing_ca(demo_pki, revoked_at))
    person = demo_pki.person("expert-nca-1")
    args = ["cert", "check", str(person.cert), "--demo", str(demo_pki.root)]
    assert main([*args, "--crl", str(ca.crl), "--crl", str(root_crl)]) == 1
    out = capsys.readouterr().out
    assert "[ca-revoked]" in out and "issuing CA revoked at" in out
    # the root's CRL alone: the person's own status is unknown as well, and said so
    assert main([*args, "--crl", str(root_crl)]) == 1
    assert "revocation unknown for" in capsys.readouterr().out
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed")
    pem = tmp_path / "crls.pem"
    pem.write_text(
        "".join(
            x509.load_der_x509_crl(p.read_bytes()).public_bytes(serialization.Encoding.PEM).decode()
            for p in (ca.crl, root_crl)
        )
    )
    verdict = subprocess.run(
        [
            openssl, "verify", "-crl_check_all", "-CAfile", str(ca.root_cert),
            "-untrusted", str(ca.cert), "-CRLfile", str(pem), str(person.cert),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert verdict.returncode != 0 and "certificate revoked" in verdict.stdout + verdict.stderr


def test_supplied_crl_counts_without_a_distribution_point(
    demo_pki: DemoPki, trust_list: TrustList
) -> None:
    ca = demo_pki.ca("nca")
    now = datetime.now(UTC)
    key = new_key()
    cert = build_cert(
        subject=make_name("无指针"),
        public_key=key.public_key(),
        other_names=[utf8_other_name("1.2.156.10260.4.1.1", "370000199001015555")],
        issuer_cert=ca.load_cert(),
        issuer_key=ca.load_key(),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
        key_usage=("digital_signature", "content_commitment"),
        eku=[x509.ExtendedKeyUsageOID.CLIENT_AUTH],
    )
    assert not crl_urls(cert)
    when = (now - timedelta(hours=3)).replace(microsecond=0)
    crl = build_crl(
        issuer_cert=ca.load_cert(),
        issuer_key=ca.load_key(),
        revoked=[(cert.serial_number, when)],
        this_update=now - timedelta(hours=1),
        next_update=now + timedelta(days=1),
        number=9,
    ).public_bytes(DER)
    policy = RevocationPolicy.offline([crl, *ca.crls()[1:]])
    result = validate_certificate(cert, "auth", trust_list, revocation=policy)
    assert result.codes == (ReasonCode.REVOKED,) and result.reason.when == when  # type: ignore[union-attr]
    # and with a CRL that does not list it, it is good
    good = validate_certificate(
        cert, "auth", trust_list, revocation=RevocationPolicy.offline(ca.crls())
    )
    assert good.ok, good.reasons


async def test_demo_ca_certificates_point_at_their_roots_crl_which_is_served(
    demo_pki: DemoPki, pki_services: ServicesThread
) -> None:
    for ca in demo_pki.cas:
        issuing, root = ca.load_cert(), ca.load_root()
        assert crl_urls(issuing) == [ca.root_crl_url]
        async with aiohttp.ClientSession() as http, http.get(ca.root_crl_url) as resp:
            assert resp.status == 200
            der = await resp.read()
        crl = x509.load_der_x509_crl(der)
        assert crl.issuer == root.subject
        assert crl.get_revoked_certificate_by_serial_number(issuing.serial_number) is None
        signed = asn1_crl.CertificateList.load(der)  # SDCA's root signs with SM2
        spki = parse_certificate(root.public_bytes(DER)).spki
        tbs, alg = signed["tbs_cert_list"].dump(), signed["signature_algorithm"]
        assert check_signature(signed["signature"].native, tbs, alg, spki) is None
