"""The CRL/OCSP/TSA services over real HTTP on loopback."""

from __future__ import annotations

import dataclasses
import hashlib
import urllib.request
from datetime import UTC

import aiohttp
from asn1crypto import core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext

from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.reasons import ReasonCode
from evaluator_app.pki.revocation import DEFAULT_CACHE, RevocationCache
from evaluator_app.pki.trust_list import TrustList, load_trust_list
from evaluator_app.pki.validation import (
    RevocationPolicy,
    avalidate_certificate,
    validate_certificate,
)
from tests.pki_fixtures import ServicesThread


def test_ocsp_good_and_revoked(
    demo_pki: DemoPki, trust_list: TrustList, pki_services: ServicesThread
) -> None:
    good = validate_certificate(demo_pki.person("expert-nca-1").load_cert(), "auth", trust_list)
    # OCSP for the person, the root's CRL (the issuing CA's pointer) for the issuing CA
    assert good.ok and len(good.ocsps) == 1 and len(good.crls) == 1
    assert x509.load_der_x509_crl(good.crls[0]).issuer == demo_pki.ca("nca").load_root().subject
    status = ocsp.load_der_ocsp_response(good.ocsps[0]).certificate_status
    assert status == ocsp.OCSPCertStatus.GOOD
    person = demo_pki.person("expert-revoked")
    revoked = validate_certificate(person.load_cert(), "sign", trust_list)
    assert revoked.codes == (ReasonCode.REVOKED,) and revoked.reason.when == person.revoked_at  # type: ignore[union-attr]
    assert revoked.ocsps, "decided by OCSP"


async def test_crl_served_and_revoked_detected(
    demo_pki: DemoPki, trust_list: TrustList, pki_services: ServicesThread
) -> None:
    async with aiohttp.ClientSession() as session, session.get(demo_pki.ca("nca").crl_url) as resp:
        assert resp.status == 200
        crl = x509.load_der_x509_crl(await resp.read())
    person = demo_pki.person("expert-revoked")
    assert (
        crl.get_revoked_certificate_by_serial_number(person.load_cert().serial_number) is not None
    )
    result = await avalidate_certificate(
        person.load_cert(),
        "sign",
        trust_list,
        revocation=RevocationPolicy.offline(
            crls=[crl.public_bytes(serialization.Encoding.DER), *demo_pki.ca("nca").crls()[1:]]
        ),
    )
    assert result.codes == (ReasonCode.REVOKED,)


async def test_responses_are_cached(
    demo_pki: DemoPki, trust_list: TrustList, pki_services: ServicesThread
) -> None:
    cache = RevocationCache()
    policy = RevocationPolicy(cache=cache)
    cert = demo_pki.person("expert-sd-2").load_cert()
    for _ in range(3):
        assert (await avalidate_certificate(cert, "auth", trust_list, revocation=policy)).ok
    # one OCSP answer for the person, one root CRL for the issuing CA, each fetched once
    assert cache.misses == 2 and cache.hits == 4
    assert not DEFAULT_CACHE.entries


async def test_hard_fail_vs_soft_fail_when_service_down(down_pki: DemoPki) -> None:
    tl = load_trust_list(down_pki.trust_list, down_pki.trust_list_signer.cert)
    cert = down_pki.person("expert-sd-1").load_cert()
    hard = await avalidate_certificate(
        cert, "auth", tl, revocation=RevocationPolicy("hard-fail", timeout=2)
    )
    assert set(hard.codes) == {ReasonCode.REVOCATION_UNKNOWN}
    soft = await avalidate_certificate(
        cert, "auth", tl, revocation=RevocationPolicy("soft-fail", timeout=2)
    )
    assert soft.ok
    # soft-fail never hides a revocation that is known
    revoked = down_pki.person("expert-revoked")
    crls = down_pki.ca("nca").crls()
    result = await avalidate_certificate(
        revoked.load_cert(),
        "auth",
        tl,
        revocation=RevocationPolicy("soft-fail", crls=tuple(crls), timeout=2),
    )
    assert result.codes == (ReasonCode.REVOKED,)


async def test_tsa_answers_rfc3161(
    demo_pki: DemoPki, trust_list: TrustList, pki_services: ServicesThread
) -> None:
    digest = hashlib.sha256(b"score sheet").digest()
    async with aiohttp.ClientSession() as session:
        stamper = HTTPTimeStamper(demo_pki.tsa.url, session=session)  # type: ignore[arg-type]
        token = await stamper.async_timestamp(digest, "sha256")
    signed_data = token["content"]
    tst_info = signed_data["encap_content_info"]["content"].parsed
    assert tst_info["message_imprint"]["hashed_message"].native == digest
    root = asn1_x509.Certificate.load(
        demo_pki.ca("nca").load_root().public_bytes(serialization.Encoding.DER)
    )
    context = ValidationContext(trust_roots=[root], revocation_mode="soft-fail")
    status = await validate_tst_signed_data(signed_data, context, lambda _alg: digest)
    assert status["intact"] and status["valid"]
    signer = x509.load_der_x509_certificate(status["signing_cert"].dump())
    assert signer == demo_pki.tsa.load_cert()
    assert (await avalidate_certificate(signer, "timestamp", trust_list)).ok


async def test_tsa_rejects_garbage(demo_pki: DemoPki, pki_services: ServicesThread) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            demo_pki.tsa.url,
            data=b"not a request",
            headers={"Content-Type": "application/timestamp-query"},
        ) as resp,
    ):
        assert resp.status == 200 and resp.content_type == "application/timestamp-reply"
        outer = core.Sequence.load(await resp.read())
    status = tsp.PKIStatusInfo.load(outer.contents)  # no token in a rejection
    assert status["status"].native == "rejection" and status["fail_info"].native == {"bad_request"}


async def test_ocsp_refuses_questions_about_another_ca(
    demo_pki: DemoPki, pki_services: ServicesThread
) -> None:
    other = demo_pki.person("expert-nca-1").load_cert()  # issued by NCA, asked of SDCA's responder
    req = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(other, demo_pki.ca("nca").load_cert(), hashes.SHA1())
        .build()
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            demo_pki.ca("sdca").ocsp_url, data=req.public_bytes(serialization.Encoding.DER)
        ) as resp,
    ):
        answer = ocsp.load_der_ocsp_response(await resp.read())
    assert answer.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED


async def test_ocsp_unknown_serial_gives_revocation_unknown(
    demo_pki: DemoPki, trust_list: TrustList, pki_services: ServicesThread
) -> None:
    """A certificate the responder never heard of is not taken as good by OCSP.

    OCSP's "unknown" decides nothing; the CA's CRL at the location the trust list gives does
    (a complete CRL that does not list a serial says it is not revoked). Without that CRL the
    status stays unknown.
    """
    from datetime import datetime, timedelta

    from evaluator_app.pki.x509_build import build_cert, make_name, new_key

    ca = demo_pki.ca("nca")  # an ECDSA CA (SDCA's hierarchy is SM2)
    now, key = datetime.now(UTC), new_key()
    cert = build_cert(
        subject=make_name("陌生人", serial_number="370000199001019999"),
        public_key=key.public_key(),
        issuer_cert=ca.load_cert(),
        issuer_key=ca.load_key(),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=9),
        key_usage=("digital_signature", "content_commitment"),
        ocsp_url=ca.ocsp_url,
    )
    req = ocsp.OCSPRequestBuilder().add_certificate(cert, ca.load_cert(), hashes.SHA1()).build()
    async with (
        aiohttp.ClientSession() as session,
        session.post(ca.ocsp_url, data=req.public_bytes(serialization.Encoding.DER)) as resp,
    ):
        answer = ocsp.load_der_ocsp_response(await resp.read())
    assert answer.certificate_status == ocsp.OCSPCertStatus.UNKNOWN
    result = await avalidate_certificate(cert, "sign", trust_list, require_identity=False)
    assert result.ok and not result.ocsps
    assert {x509.load_der_x509_crl(c).issuer for c in result.crls} == {
        ca.load_cert().subject,
        ca.load_root().subject,
    }
    no_crl = dataclasses.replace(
        trust_list,
        cas=tuple(dataclasses.replace(e, crl_urls=()) for e in trust_list.cas),
    )
    unknown = await avalidate_certificate(cert, "sign", no_crl, require_identity=False)
    assert unknown.codes == (ReasonCode.REVOCATION_UNKNOWN,)
    assert "陌生人" in unknown.reason.message_en  # type: ignore[union-attr]


def test_openssl_accepts_ocsp_and_tsa_answers(
    demo_pki: DemoPki, pki_services: ServicesThread, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """Interoperability: the answers verify with OpenSSL, not only with our own code."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    nca = demo_pki.ca("nca")
    chain = tmp_path / "nca-chain.pem"
    chain.write_bytes(nca.cert.read_bytes() + nca.root_cert.read_bytes())
    out = subprocess.run(
        [
            "openssl",
            "ocsp",
            "-issuer",
            str(nca.cert),
            "-cert",
            str(demo_pki.person("expert-revoked").cert),
            "-url",
            nca.ocsp_url,
            "-CAfile",
            str(chain),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Response verify OK" in out.stderr + out.stdout and ": revoked" in out.stdout
    query, reply = tmp_path / "q.tsq", tmp_path / "r.tsr"
    (tmp_path / "data").write_bytes(b"score sheet")
    subprocess.run(
        [
            "openssl",
            "ts",
            "-query",
            "-data",
            str(tmp_path / "data"),
            "-sha256",
            "-cert",
            "-out",
            str(query),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    req = urllib.request.Request(
        demo_pki.tsa.url,
        data=query.read_bytes(),  # type: ignore[arg-type]
        headers={"Content-Type": "application/timestamp-query"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        reply.write_bytes(resp.read())
    tsa_ca = demo_pki.ca(demo_pki.tsa.ca or "nca")
    verify = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-in",
            str(reply),
            "-queryfile",
            str(query),
            "-CAfile",
            str(tsa_ca.root_cert),
            "-untrusted",
            str(tsa_ca.cert),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "Verification: OK" in verify.stdout, verify.stderr
