"""Detached CMS over score sheets: sign with a PKCS#12 file, verify, refuse tampering."""

from __future__ import annotations

import subprocess
from decimal import Decimal

import pytest

from evaluator_app.pki import cms
from evaluator_app.pki.credentials import open_pkcs12
from evaluator_app.pki.errors import CredentialError, WrongPasswordError
from evaluator_app.pki.reasons import SignatureProblem
from evaluator_app.pki.signature_verify import RootsChecker, Trust

SHEET = {
    "schema": {"kind": "score_sheet", "version": 1},
    "session": "S-2026-001",
    "expert": "alice",
    "scores": {"bidder-1": Decimal("87.50"), "bidder-2": Decimal("91.25")},
}


def test_p12_sign_and_verify_canonical_sheet(alice, checker, tsa):
    with open_pkcs12(alice.p12, alice.password) as signer:
        data, sig = cms.sign_canonical(SHEET, signer, tsa_url=tsa.url)
    v = cms.verify_detached(data, sig, checker)
    assert v.valid, v.reasons
    assert v.integrity_ok and v.trust is Trust.TRUSTED
    assert "alice" in v.signer
    assert v.signing_time is not None and v.timestamp_time is not None
    assert abs((v.timestamp_time - v.signing_time).total_seconds()) < 60


def test_wrong_password_is_typed(alice, tmp_path):
    with pytest.raises(WrongPasswordError):
        open_pkcs12(alice.p12, "not-the-password")
    junk = tmp_path / "junk.p12"
    junk.write_bytes(b"not a pfx")
    with pytest.raises(CredentialError) as info:
        open_pkcs12(junk, "x")
    assert not isinstance(info.value, WrongPasswordError)


def test_flipped_byte_in_sheet_is_refused(alice, checker):
    with open_pkcs12(alice.p12, alice.password) as signer:
        data, sig = cms.sign_canonical(SHEET, signer)
    bad = bytearray(data)
    bad[len(bad) // 2] ^= 0x01
    v = cms.verify_detached(bytes(bad), sig, checker)
    assert not v.valid and not v.integrity_ok


def test_flipped_byte_in_signature_is_refused(alice, checker):
    with open_pkcs12(alice.p12, alice.password) as signer:
        data, sig = cms.sign_canonical(SHEET, signer)
    bad = bytearray(sig)
    bad[-10] ^= 0x01  # inside the signature value
    v = cms.verify_detached(data, bytes(bad), checker)
    assert not v.valid


def test_signature_moved_to_another_sheet_is_refused(alice, checker):
    other = dict(SHEET, expert="bob")
    with open_pkcs12(alice.p12, alice.password) as signer:
        _, sig = cms.sign_canonical(SHEET, signer)
    from evaluator_app.core.canonical import canonical_bytes

    v = cms.verify_detached(canonical_bytes(other), sig, checker)
    assert not v.valid and not v.integrity_ok


def test_untrusted_ca_is_refused(pki, checker):
    rogue = pki.person("mallory", rogue=True)
    with open_pkcs12(rogue.p12, rogue.password) as signer:
        data, sig = cms.sign_canonical(SHEET, signer)
    v = cms.verify_detached(data, sig, checker)
    assert v.integrity_ok and v.trust is Trust.UNTRUSTED and not v.valid
    # the reason is typed, with the certificate's own typed reasons inside, in both languages
    (why,) = v.reasons
    assert why.code is SignatureProblem.SIGNER_NOT_TRUSTED and why.certificate
    assert why.message_zh.startswith("签名人证书无效：") and why.message_en


def test_altered_content_is_a_typed_reason(alice, checker):
    with open_pkcs12(alice.p12, alice.password) as signer:
        data, sig = cms.sign_canonical(SHEET, signer)
    v = cms.verify_detached(data.replace(b"87.50", b"97.50"), sig, checker)
    assert not v.integrity_ok and v.codes == {SignatureProblem.CONTENT_MISMATCH}
    assert v.reasons_zh == ("内容与签名不符（内容被改动，或签名属于其他文件）",)


def test_garbage_signature_gives_verdict_not_exception(checker):
    v = cms.verify_detached(b"data", b"\x30\x03\x02\x01\x01", checker)
    assert not v.valid and v.codes == {SignatureProblem.MALFORMED}


def test_openssl_verifies_our_cms(alice, pki, openssl, tmp_path, tsa):
    f = tmp_path / "sheet.json"
    f.write_bytes(b'{"score":"90.5"}')
    with open_pkcs12(alice.p12, alice.password) as signer:
        p7s = cms.sign_file(f, signer, tsa_url=tsa.url)
    cmd = [
        openssl,
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        str(p7s),
        "-content",
        str(f),
        "-CAfile",
        str(pki.root_pem),
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    f.write_bytes(b'{"score":"99.5"}')
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert res.returncode != 0


def test_revocation_required_uses_cached_crl(pki, alice):
    dave = pki.person("dave-cms")
    sheets = {}
    for p in (alice, dave):
        with open_pkcs12(p.p12, p.password) as signer:
            sheets[p.name] = cms.sign_canonical(dict(SHEET, expert=p.name), signer)
    no_data = RootsChecker([pki.root], revocation="require")
    assert cms.verify_detached(*sheets["alice"], no_data).trust is Trust.UNKNOWN
    crl = pki.crl(revoked=(dave.cert,))
    with_crl = RootsChecker([pki.root], crls=[crl], revocation="require")
    assert cms.verify_detached(*sheets["alice"], with_crl).valid
    v = cms.verify_detached(*sheets["dave-cms"], with_crl)
    assert v.trust is Trust.REVOKED and not v.valid


def test_cades_b_attributes_present(alice):
    from asn1crypto import cms as asn1_cms

    with open_pkcs12(alice.p12, alice.password) as signer:
        _, sig = cms.sign_canonical(SHEET, signer)
    si = asn1_cms.ContentInfo.load(sig)["content"]["signer_infos"][0]
    names = {a["type"].native for a in si["signed_attrs"]}
    assert {"content_type", "message_digest", "signing_time", "signing_certificate_v2"} <= names
    assert asn1_cms.ContentInfo.load(sig)["content"]["encap_content_info"]["content"].native is None


def test_unreachable_tsa_is_a_timestamp_error(alice):
    from evaluator_app.pki.errors import TimestampError

    with open_pkcs12(alice.p12, alice.password) as signer, pytest.raises(TimestampError):
        cms.sign_detached(b"x", signer, tsa_url="http://127.0.0.1:9/tsa")
