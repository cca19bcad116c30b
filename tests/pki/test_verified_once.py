"""Signatures checked once (sig_check.verified_once): a CA link or a CRL's signature that held
is not checked again; a refusal, another key, another signer ID or a changed CRL always is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization

from evaluator_app.pki import sm2
from evaluator_app.pki.cert_parse import parse_certificate
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.path_build import issued_by
from evaluator_app.pki.reasons import Reason, ReasonCode
from evaluator_app.pki.revocation_check import Status, crl_answer, parse_crl
from evaluator_app.pki.sig_check import SignatureChecker, verified_once
from evaluator_app.pki.trust_list import TrustList

DER = serialization.Encoding.DER


class _Counted:
    def __init__(self, answer: Reason | None) -> None:
        self.calls, self.answer = 0, answer

    def __call__(self) -> Reason | None:
        self.calls += 1
        return self.answer


def test_a_signature_that_held_is_checked_once() -> None:
    checker = SignatureChecker()
    check = _Counted(None)
    for _ in range(3):
        assert verified_once(b"held-once" * 4, b"key-a", checker, check) is None
    assert check.calls == 1
    assert verified_once(b"held-once" * 4, b"key-b", checker, check) is None  # another key
    assert check.calls == 2


def test_a_refusal_is_never_kept() -> None:
    checker = SignatureChecker()
    check = _Counted(Reason(ReasonCode.BAD_SIGNATURE))
    for _ in range(2):
        assert verified_once(b"refused" * 4, b"key", checker, check) == check.answer
    assert check.calls == 2


def test_another_sm2_signer_id_is_another_check() -> None:
    check = _Counted(None)
    verified_once(b"sm2-link" * 4, b"sm2-key", SignatureChecker(), check)
    verified_once(b"sm2-link" * 4, b"sm2-key", SignatureChecker({b"sm2-key": b"CA-ID"}), check)
    verified_once(b"sm2-link" * 4, b"sm2-key", SignatureChecker({b"x": sm2.DEFAULT_ID}), check)
    assert check.calls == 2  # the last gives the key the default ID: the first's answer


def test_a_checker_of_another_class_is_asked_every_time() -> None:
    class Stricter(SignatureChecker):
        pass

    check = _Counted(None)
    for _ in range(2):
        verified_once(b"subclass" * 4, b"key", Stricter(), check)
    assert check.calls == 2


def test_a_link_to_another_key_with_the_same_name_is_refused_after_a_good_one(
    demo_pki: DemoPki, trust_list: TrustList
) -> None:
    ca = demo_pki.ca("nca")
    leaf = parse_certificate(demo_pki.person("expert-nca-2").load_cert().public_bytes(DER))
    issuer = parse_certificate(ca.load_cert().public_bytes(DER))
    root = parse_certificate(ca.load_root().public_bytes(DER))  # another key
    checker = trust_list.signature_checker()
    assert issued_by(leaf, issuer, checker) is None
    assert issued_by(leaf, issuer, checker) is None
    bad = issued_by(leaf, root, checker)
    assert bad is not None and bad.code is ReasonCode.BAD_SIGNATURE


def test_a_crl_with_a_broken_signature_is_refused_after_the_good_one(
    demo_pki: DemoPki, trust_list: TrustList
) -> None:
    ca = demo_pki.ca("nca")
    leaf = parse_certificate(demo_pki.person("expert-nca-2").load_cert().public_bytes(DER))
    issuer = parse_certificate(ca.load_cert().public_bytes(DER))
    good = next(c for c in map(parse_crl, ca.crls()) if c.crypto.issuer == issuer.subject)
    at = datetime.now(UTC) + timedelta(minutes=1)
    checker = trust_list.signature_checker()
    assert trust_list.signature_checker() is checker  # one per list
    for _ in range(2):
        answer = crl_answer(good, leaf, issuer, at, checker)
        assert answer is not None and answer.status is Status.GOOD
    broken = parse_crl(good.der[:-3] + bytes([good.der[-3] ^ 0x01]) + good.der[-2:])
    answer = crl_answer(broken, leaf, issuer, at, checker)
    assert answer is not None and answer.status is Status.UNKNOWN
    assert any("CRL signature" in note for note in answer.notes)
