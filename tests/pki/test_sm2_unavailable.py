"""Where gmssl-pyx has no wheel (Linux aarch64, macOS arm64) the app runs without SM2: SM2 work is
refused in words (SM2UnavailableError, a typed reason), never mistaken for a bad or malformed
signature, and ECDSA keeps working. Simulated here by making ``import gmssl_pyx`` fail."""

from __future__ import annotations

import sys

import pytest
from asn1crypto import x509 as asn1_x509

from evaluator_app.client.explain import explain
from evaluator_app.pki import cms, sm2
from evaluator_app.pki.credentials.sm2_file import Sm2FileSigner
from evaluator_app.pki.path_build import check_signature
from evaluator_app.pki.reasons import ReasonCode, SignatureProblem
from tests.skf_fixtures import Sm2Holder, sm2_holder


@pytest.fixture(scope="module")
def holder() -> Sm2Holder:
    return sm2_holder()


@pytest.fixture
def no_sm2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gmssl_pyx", None)  # import fails, as where it is missing
    monkeypatch.setattr(sm2, "_lib", None)
    assert not sm2.available()


def _asn1(holder: Sm2Holder, cert) -> asn1_x509.Certificate:  # type: ignore[no-untyped-def]
    return asn1_x509.Certificate.load(holder.der(cert))


def test_an_sm2_certificate_link_says_sm2_is_unavailable_not_bad(holder, no_sm2):
    cert, ca = _asn1(holder, holder.sign_cert), _asn1(holder, holder.ca_cert)
    reason = check_signature(
        cert["signature_value"].native,
        cert["tbs_certificate"].dump(),
        cert["signature_algorithm"],
        ca.public_key,
    )
    assert reason is not None and reason.code is ReasonCode.SM2_UNAVAILABLE
    assert "本机不支持 SM2" in reason.message_zh and "gmssl-pyx" in reason.message_en


def test_signing_with_an_sm2_key_is_refused_in_words(holder, no_sm2):
    signer = Sm2FileSigner(holder.key, _asn1(holder, holder.sign_cert))
    with pytest.raises(sm2.SM2UnavailableError) as caught:
        cms.sign_detached(b"score sheet", signer)
    words = explain(caught.value)
    assert words.zh == "本机不支持 SM2（请安装 gmssl-pyx）"
    assert words.en == "SM2 is not available here: install gmssl-pyx"


def test_an_sm2_signature_is_not_called_malformed(holder, monkeypatch):
    signature = cms.sign_detached(
        b"score sheet", Sm2FileSigner(holder.key, _asn1(holder, holder.sign_cert))
    )
    monkeypatch.setitem(sys.modules, "gmssl_pyx", None)
    monkeypatch.setattr(sm2, "_lib", None)
    verdict = cms.verify_detached(b"score sheet", signature)
    assert not verdict.valid
    assert [r.code for r in verdict.reasons] == [SignatureProblem.SM2_UNAVAILABLE]
    assert "本机不支持 SM2" in verdict.reasons[0].message_zh
