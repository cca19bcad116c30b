"""SM2 certificates through the same trust list, path validation, revocation and signatures
as ECDSA: an SM2 CA beside the demo's ECDSA CAs, SM2-signed CRLs and OCSP answers, CMS
(CAdES) and PAdES signed with SM3/SM2 from a key file and from the software SKF key."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.pki import sm2, sm2_x509
from evaluator_app.pki.cms import sign_detached, verify_detached
from evaluator_app.pki.credentials.sm2_file import open_sm2_file, write_key_file
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.reasons import ReasonCode
from evaluator_app.pki.signature_verify import Trust, TrustListChecker
from evaluator_app.pki.trust_list import (
    CaStatus,
    IdentityRule,
    IdentityRuleKind,
    Service,
    TrustedCa,
    TrustList,
    parse_body,
)
from evaluator_app.pki.validation import RevocationPolicy, validate_certificate
from tests.skf_fixtures import Sm2Holder, sm2_holder

NOW = datetime.now(UTC)


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture(scope="module")
def holder() -> Sm2Holder:
    return sm2_holder()


@pytest.fixture(scope="module")
def mixed_list(trust_list: TrustList, holder: Sm2Holder) -> TrustList:
    """The demo's (ECDSA) trust list plus one SM2 CA, as a venue would have it."""
    sm2_ca = TrustedCa(
        name="SM2 测试 CA",
        certificates=(holder.ca_cert,),
        status=CaStatus.GRANTED,
        status_since=NOW - timedelta(days=10),
        services=frozenset({Service.AUTH, Service.SIGN}),
        identity_rule=IdentityRule(IdentityRuleKind.SUBJECT_SERIAL_NUMBER),
    )
    return replace(trust_list, cas=(*trust_list.cas, sm2_ca))


def _crl(holder: Sm2Holder, revoked: list[int]) -> bytes:
    crl = sm2_x509.build_crl(
        issuer_cert=holder.ca_cert,
        issuer_key=holder.ca_key,
        revoked=[(s, NOW - timedelta(hours=1)) for s in revoked],
        this_update=NOW - timedelta(minutes=5),
        next_update=NOW + timedelta(days=1),
    )
    return crl.public_bytes(serialization.Encoding.DER)


def test_trust_list_carries_the_sm2_signer_id(mixed_list: TrustList) -> None:
    body = mixed_list.body()
    entries = {c["name"]: c for c in body["trust_list"]["cas"]} if "trust_list" in body else None
    raw = entries or {c["name"]: c for c in _cas(body)}
    assert raw["SM2 测试 CA"]["sm2_signer_id"] == "1234567812345678"
    # SDCA's hierarchy is SM2 in the demo too; the ECDSA entries are written as before
    assert raw["山东省数字证书认证中心 SDCA"]["sm2_signer_id"] == "1234567812345678"
    assert "sm2_signer_id" not in raw["国家数字证书 NCA"]
    again = parse_body(body)
    assert again.ca("SM2 测试 CA").sm2_signer_id == "1234567812345678"


def _cas(body: dict) -> list[dict]:  # type: ignore[type-arg]
    for value in body.values():
        if isinstance(value, dict) and "cas" in value:
            return list(value["cas"])
    return list(body["cas"])


def test_sm2_certificate_validates_with_an_sm2_crl(
    mixed_list: TrustList, holder: Sm2Holder
) -> None:
    policy = RevocationPolicy.offline(crls=[_crl(holder, [])])
    result = validate_certificate(holder.sign_cert, "sign", mixed_list, revocation=policy)
    assert result.ok, result.reasons
    assert result.ca_name == "SM2 测试 CA"
    assert result.identity is not None and result.identity.person_id == "370102198001010022"


def test_revoked_by_an_sm2_crl(mixed_list: TrustList, holder: Sm2Holder) -> None:
    policy = RevocationPolicy.offline(crls=[_crl(holder, [holder.sign_cert.serial_number])])
    result = validate_certificate(holder.sign_cert, "sign", mixed_list, revocation=policy)
    assert result.codes == (ReasonCode.REVOKED,)


def test_an_sm2_crl_with_a_bad_signature_does_not_count(
    mixed_list: TrustList, holder: Sm2Holder
) -> None:
    good = bytearray(_crl(holder, [holder.sign_cert.serial_number]))
    good[-5] ^= 0x01  # inside the SM2 signature value
    policy = RevocationPolicy.offline(crls=[bytes(good)])
    result = validate_certificate(holder.sign_cert, "sign", mixed_list, revocation=policy)
    assert result.codes == (ReasonCode.REVOCATION_UNKNOWN,)


def test_a_wrong_signer_id_breaks_the_chain(mixed_list: TrustList, holder: Sm2Holder) -> None:
    entry = mixed_list.ca("SM2 测试 CA")
    other = replace(
        mixed_list,
        cas=tuple(replace(c, sm2_signer_id="ALICE123@YAHOO.COM") if c is entry else c
                  for c in mixed_list.cas),
    )  # fmt: skip
    policy = RevocationPolicy.offline(crls=[_crl(holder, [])])
    result = validate_certificate(holder.sign_cert, "sign", other, revocation=policy)
    assert not result.ok
    assert result.codes[0] in (ReasonCode.BAD_SIGNATURE, ReasonCode.BROKEN_CHAIN)


def test_a_certificate_signed_by_another_sm2_key_is_refused(
    mixed_list: TrustList, holder: Sm2Holder
) -> None:
    forger = sm2.PrivateKey.generate()
    fake = sm2_x509.build_cert(
        subject=holder.sign_cert.subject,
        public_key=holder.key.public,
        issuer_cert=holder.ca_cert,
        issuer_key=forger,
        not_before=NOW - timedelta(days=1),
        not_after=NOW + timedelta(days=30),
        key_usage=("digital_signature", "content_commitment"),
    )
    policy = RevocationPolicy.offline(crls=[_crl(holder, [])])
    result = validate_certificate(fake, "sign", mixed_list, revocation=policy)
    assert not result.ok


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory, holder: Sm2Holder) -> Path:
    from asn1crypto import x509 as asn1_x509

    path = tmp_path_factory.mktemp("sm2key") / "wangfang.sm2.pem"
    certs = [asn1_x509.Certificate.load(_der(holder.sign_cert)),
             asn1_x509.Certificate.load(_der(holder.ca_cert))]  # fmt: skip
    path.write_bytes(write_key_file(holder.key, certs, "密码".encode(), iterations=2048))
    return path


def test_cms_sm2_side_by_side_with_ecdsa(
    mixed_list: TrustList, holder: Sm2Holder, key_file: Path, demo_pki: DemoPki
) -> None:
    from evaluator_app.pki.credentials import open_pkcs12

    checker = TrustListChecker(mixed_list, crls=[_crl(holder, []), *_demo_crls(demo_pki)])
    data = b'{"sheet":"B2","score":"90.63"}'
    with open_sm2_file(key_file, "密码") as sm2_signer:
        sm2_cms = sign_detached(data, sm2_signer)
    expert = demo_pki.find_people(role="expert", status="valid", ca="nca")[0]
    with open_pkcs12(expert.p12, expert.password) as ec_signer:
        ec_cms = sign_detached(data, ec_signer)
    for cms_der, alg in ((sm2_cms, "sm2_sm3"), (ec_cms, "sha256_ecdsa")):
        si = asn1_cms.ContentInfo.load(cms_der)["content"]["signer_infos"][0]
        assert si["signature_algorithm"]["algorithm"].native == alg
        verdict = verify_detached(data, cms_der, checker)
        assert verdict.valid, verdict.line()
    si = asn1_cms.ContentInfo.load(sm2_cms)["content"]["signer_infos"][0]
    assert si["digest_algorithm"]["algorithm"].dotted == sm2.OID_SM3
    assert si["signature_algorithm"]["algorithm"].dotted == sm2.OID_SM2_WITH_SM3
    assert asn1_cms.ContentInfo.load(sm2_cms)["content_type"].native == "signed_data"
    tampered = verify_detached(data.replace(b"90.63", b"99.63"), sm2_cms, checker)
    assert not tampered.integrity_ok and not tampered.valid


def _demo_crls(demo_pki: DemoPki) -> list[bytes]:
    out = []
    for data in (c for ca in demo_pki.cas for c in ca.crls()):
        out.append(x509.load_pem_x509_crl(data).public_bytes(serialization.Encoding.DER)
                   if data.startswith(b"-----") else data)  # fmt: skip
    return out


def test_cms_in_gmt_0010_form_is_read(
    mixed_list: TrustList, holder: Sm2Holder, key_file: Path
) -> None:
    """The same signature relabelled with GM/T 0010's content types (signed attributes, which
    name the content type, re-signed to match) is accepted."""
    data = b"declaration"
    with open_sm2_file(key_file, "密码") as signer:
        ci = asn1_cms.ContentInfo.load(sign_detached(data, signer))
        sd = ci["content"]
        sd["encap_content_info"] = {"content_type": "gm_data"}
        si = sd["signer_infos"][0]
        attrs = si["signed_attrs"]
        for attr in attrs:
            if attr["type"].native == "content_type":
                attr["values"] = [asn1_cms.ContentType("gm_data")]
        si["signed_attrs"] = attrs
        si["signature"] = signer.sign(asn1_cms.CMSAttributes(list(attrs)).dump(force=True))
        gm = asn1_cms.ContentInfo({"content_type": "gm_signed_data", "content": sd}).dump(
            force=True
        )
    assert asn1_cms.ContentInfo.load(gm)["content_type"].dotted == sm2.OID_GM_SIGNED_DATA
    checker = TrustListChecker(mixed_list, crls=[_crl(holder, [])])
    verdict = verify_detached(data, gm, checker)
    assert verdict.valid, verdict.line()


def test_pades_with_sm2(mixed_list: TrustList, holder: Sm2Holder, key_file: Path) -> None:
    import io

    from reportlab.pdfgen import canvas

    from evaluator_app.pki.pades import PadesOptions, async_sign_pdf, async_verify_pdf

    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    page.drawString(72, 750, "score sheet / 评分表")
    page.showPage()
    page.save()
    checker = TrustListChecker(mixed_list, crls=[_crl(holder, [])])
    with open_sm2_file(key_file, "密码") as signer:
        signed = asyncio.run(async_sign_pdf(buf.getvalue(), signer, PadesOptions()))
    verdicts = asyncio.run(async_verify_pdf(signed, checker))
    assert len(verdicts) == 1 and verdicts[0].valid, verdicts[0].line()
    assert verdicts[0].trust is Trust.TRUSTED
    broken = bytearray(signed)
    broken[12] ^= 0x01  # in the header comment: inside the signed byte range
    assert not asyncio.run(async_verify_pdf(bytes(broken), checker))[0].valid
