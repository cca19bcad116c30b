"""One certificate per refusal reason, for both purposes, with offline CRLs (no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.reasons import Reason, ReasonCode
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.validation import RevocationPolicy, validate_certificate
from evaluator_app.pki.x509_build import build_cert, make_name, new_key


@pytest.fixture(scope="module")
def offline(demo_pki: DemoPki) -> RevocationPolicy:
    return RevocationPolicy.offline(crls=[c for ca in demo_pki.cas for c in ca.crls()])


MATRIX = [
    ("expert-sd-1", None),
    ("expert-nca-2", None),
    ("supervisor-zibo", None),
    ("centre-1", None),
    ("expert-expired", ReasonCode.EXPIRED),
    ("expert-revoked", ReasonCode.REVOKED),
    ("expert-wrong-ku", ReasonCode.WRONG_KEY_USAGE),
    ("expert-rogue", ReasonCode.ISSUER_NOT_RECOGNISED),
    ("expert-old", ReasonCode.CA_WITHDRAWN),
]


@pytest.mark.parametrize("purpose", ["auth", "sign"])
@pytest.mark.parametrize(("person_key", "expected"), MATRIX)
def test_matrix(
    demo_pki: DemoPki,
    trust_list: TrustList,
    offline: RevocationPolicy,
    purpose: str,
    person_key: str,
    expected: ReasonCode | None,
) -> None:
    person = demo_pki.person(person_key)
    result = validate_certificate(person.load_cert(), purpose, trust_list, revocation=offline)  # type: ignore[arg-type]
    if expected is None:
        assert result.ok, result.reasons
        assert result.identity is not None and result.identity.person_id == person.person_id
        assert len(result.chain) == 3 and result.chain[-1] == demo_pki.ca(person.ca).load_root()
    else:
        assert not result.ok and result.identity is None
        assert result.reason is not None and result.reason.code is expected
        assert result.reason.message_zh and result.reason.message_en


def test_revoked_reason_carries_the_date(
    demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy
) -> None:
    person = demo_pki.person("expert-revoked")
    result = validate_certificate(person.load_cert(), "sign", trust_list, revocation=offline)
    assert result.reason is not None and result.reason.when == person.revoked_at
    assert f"{person.revoked_at:%Y-%m-%d}" in result.reason.message_zh
    # a signature made before the revocation still validates at its own time
    before = validate_certificate(
        person.load_cert(),
        "sign",
        trust_list,
        at=person.revoked_at - timedelta(days=1),
        revocation=offline,
    )  # type: ignore[operator]
    assert before.ok, before.reasons


def test_withdrawn_ca_is_fine_before_the_withdrawal(
    demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy
) -> None:
    withdrawn_at = demo_pki.ca("oldca").withdrawn_at
    assert withdrawn_at is not None
    cert = demo_pki.person("expert-old").load_cert()
    before = validate_certificate(
        cert, "sign", trust_list, at=withdrawn_at - timedelta(days=1), revocation=offline
    )
    assert before.ok and before.identity is not None
    after = validate_certificate(cert, "sign", trust_list, at=withdrawn_at, revocation=offline)
    assert after.codes == (ReasonCode.CA_WITHDRAWN,) and after.reason.when == withdrawn_at  # type: ignore[union-attr]


def test_not_yet_valid(demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy) -> None:
    cert = demo_pki.person("expert-sd-2").load_cert()
    result = validate_certificate(
        cert,
        "auth",
        trust_list,
        at=cert.not_valid_before_utc - timedelta(days=1),
        revocation=offline,
    )
    assert result.codes == (ReasonCode.NOT_YET_VALID,)


def test_bad_signature(demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy) -> None:
    der = bytearray(
        demo_pki.person("expert-sd-3").load_cert().public_bytes(serialization.Encoding.DER)
    )
    der[-6] ^= 0x01  # inside the ECDSA signature value
    result = validate_certificate(
        x509.load_der_x509_certificate(bytes(der)), "auth", trust_list, revocation=offline
    )
    assert result.codes == (ReasonCode.BAD_SIGNATURE,)


def test_broken_chain_for_a_recognised_name_with_another_key(
    demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy
) -> None:
    """A forger copies the SDCA issuing CA's name but signs with their own key."""
    now = datetime.now(UTC)
    real_ca = demo_pki.ca("sdca").load_cert()
    fake_ca_key, key = new_key(), new_key()
    fake_ca = build_cert(
        subject=real_ca.subject,
        public_key=fake_ca_key.public_key(),
        issuer_cert=None,
        issuer_key=fake_ca_key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=9),
        ca=True,
        key_usage=("key_cert_sign",),
    )
    cert = build_cert(
        subject=make_name("假冒", serial_number="370000199001010011"),
        public_key=key.public_key(),
        issuer_cert=fake_ca,
        issuer_key=fake_ca_key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=9),
        key_usage=("digital_signature", "content_commitment"),
    )
    result = validate_certificate(cert, "sign", trust_list, revocation=offline)
    assert result.codes == (ReasonCode.BROKEN_CHAIN,)


def test_revocation_unknown_without_crl_in_hard_fail(
    demo_pki: DemoPki, trust_list: TrustList
) -> None:
    cert = demo_pki.person("expert-sd-1").load_cert()
    hard = validate_certificate(cert, "auth", trust_list, revocation=RevocationPolicy(fetch=False))
    # one answer missing per certificate of the path but the root: the issuing CA's first
    assert hard.codes == (ReasonCode.REVOCATION_UNKNOWN, ReasonCode.REVOCATION_UNKNOWN)
    issuing = demo_pki.ca("sdca").load_cert().subject.rfc4514_string().split(",")[0][3:]
    assert hard.reasons[0].message_en == f"revocation unknown for {issuing}"
    assert hard.reasons[0].message_zh == f"无法确定 {issuing} 的吊销状态"
    soft = validate_certificate(
        cert, "auth", trust_list, revocation=RevocationPolicy("soft-fail", fetch=False)
    )
    assert soft.ok


def test_service_not_recognised_and_timestamp_purpose(
    demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy
) -> None:
    tsa = validate_certificate(
        demo_pki.tsa.load_cert(), "timestamp", trust_list, revocation=offline
    )
    assert tsa.ok and tsa.identity is None
    # SDCA (SM2) is recognised for auth and sign only
    sd = validate_certificate(
        demo_pki.person("expert-sd-1").load_cert(), "timestamp", trust_list, revocation=offline
    )
    assert ReasonCode.SERVICE_NOT_RECOGNISED in sd.codes
    # a person certificate has no timeStamping EKU
    nca = validate_certificate(
        demo_pki.person("expert-nca-1").load_cert(), "timestamp", trust_list, revocation=offline
    )
    assert nca.codes == (ReasonCode.WRONG_KEY_USAGE,)


def test_identity_required_for_people_not_for_venues(
    demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy
) -> None:
    venue = demo_pki.venue("zibo").load_cert()
    assert validate_certificate(venue, "sign", trust_list, revocation=offline).codes == (
        ReasonCode.IDENTITY_MISSING,
    )
    assert validate_certificate(
        venue, "sign", trust_list, revocation=offline, require_identity=False
    ).ok
    assert validate_certificate(venue, "server", trust_list, revocation=offline).ok


def test_every_reason_has_distinct_bilingual_messages() -> None:
    seen_zh, seen_en = set(), set()
    for code in ReasonCode:
        reason = Reason(code, when=datetime(2026, 1, 2, tzinfo=UTC), purpose="sign")
        assert reason.message_zh and reason.message_en and reason.message_zh != reason.message_en
        seen_zh.add(reason.message_zh)
        seen_en.add(reason.message_en)
    assert len(seen_zh) == len(seen_en) == len(ReasonCode)


def test_same_person_through_both_cas_validates_to_one_identity(
    demo_pki: DemoPki, trust_list: TrustList, offline: RevocationPolicy
) -> None:
    via_sd = validate_certificate(
        demo_pki.person("expert-dual-sd").load_cert(), "auth", trust_list, revocation=offline
    )
    via_nca = validate_certificate(
        demo_pki.person("expert-dual-nca").load_cert(), "auth", trust_list, revocation=offline
    )
    assert via_sd.ok and via_nca.ok
    assert via_sd.identity == via_nca.identity and via_sd.ca_name != via_nca.ca_name


def test_unknown_purpose_and_mode_are_programming_errors(
    demo_pki: DemoPki, trust_list: TrustList
) -> None:
    with pytest.raises(ValueError):
        validate_certificate(demo_pki.person("expert-sd-1").load_cert(), "login", trust_list)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        RevocationPolicy("maybe")  # type: ignore[arg-type]
