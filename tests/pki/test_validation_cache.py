"""The validation cache never accepts what a fresh validation would refuse.

Each case warms the cache with an accepted certificate, changes one thing a validation depends
on (a revocation, a new CRL, the trust list, the moment judged past an expiry, the revocation
cache), and checks the cached answer against a fresh ``avalidate_certificate``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.pki import x509_build as xb
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.reasons import ReasonCode
from evaluator_app.pki.revocation import RevocationCache
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.trusted_ca import CaStatus
from evaluator_app.pki.validation import RevocationPolicy, ValidationResult, avalidate_certificate
from evaluator_app.pki.validation_cache import ValidationCache

PERSON = "expert-nca-2"  # an ECDSA CA, so that the test can sign its CRLs with cryptography


def _run(coro: Coroutine[Any, Any, ValidationResult]) -> ValidationResult:
    return asyncio.run(coro)


def _crl(demo: DemoPki, revoked: list[tuple[int, datetime]], number: int, days: int = 7) -> bytes:
    ca = demo.ca(demo.person(PERSON).ca)
    now = datetime.now(UTC)
    crl = xb.build_crl(
        issuer_cert=ca.load_cert(),
        issuer_key=ca.load_key(),  # type: ignore[arg-type]  # NCA's key is ECDSA
        revoked=revoked,
        this_update=now - timedelta(minutes=5),
        next_update=now + timedelta(days=days),
        number=number,
    )
    return crl.public_bytes(serialization.Encoding.DER)


def _policy(demo: DemoPki, issuing_crl: bytes | None = None) -> RevocationPolicy:
    ca = demo.ca(demo.person(PERSON).ca)
    crls = ca.crls()
    return RevocationPolicy.offline(crls=[issuing_crl or crls[0], *crls[1:]])


def _both(
    cache: ValidationCache,
    cert: x509.Certificate,
    tl: TrustList,
    at: datetime,
    policy: RevocationPolicy,
) -> tuple[ValidationResult, ValidationResult]:
    cached = _run(cache.validate(cert, "sign", tl, at, policy))
    fresh = _run(avalidate_certificate(cert, "sign", tl, at, policy))
    assert cached.codes == fresh.codes and cached.ok == fresh.ok
    return cached, fresh


@pytest.fixture
def cert(demo_pki: DemoPki) -> x509.Certificate:
    return demo_pki.person(PERSON).load_cert()


def test_a_warm_cache_answers_as_a_fresh_validation(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    cache, policy, now = ValidationCache(), _policy(demo_pki), datetime.now(UTC)
    first, _ = _both(cache, cert, trust_list, now, policy)
    later = now + timedelta(minutes=3)
    again, fresh = _both(cache, cert, trust_list, later, policy)
    assert first.ok and again.ok and cache.hits == 1 and cache.misses == 1
    assert again.at == later and again.identity == fresh.identity and again.chain == fresh.chain
    assert again.crls == fresh.crls


def test_a_new_crl_revoking_the_certificate_is_seen(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    cache, now = ValidationCache(), datetime.now(UTC)
    assert _both(cache, cert, trust_list, now, _policy(demo_pki))[0].ok
    newer = _crl(demo_pki, [(cert.serial_number, now - timedelta(minutes=1))], number=99)
    refused, _ = _both(cache, cert, trust_list, now, _policy(demo_pki, newer))
    assert refused.codes == (ReasonCode.REVOKED,)


def test_one_policy_object_and_an_equal_new_one_share_an_entry_a_new_crl_does_not(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    # the revocation data's digest is remembered per policy object (a checker keeps one)
    cache, now = ValidationCache(), datetime.now(UTC)
    policy = _policy(demo_pki)
    for _ in range(3):
        assert _both(cache, cert, trust_list, now, policy)[0].ok
    assert _both(cache, cert, trust_list, now, _policy(demo_pki))[0].ok  # equal, not the same
    assert (cache.hits, cache.misses) == (3, 1)
    newer = _crl(demo_pki, [(cert.serial_number, now - timedelta(minutes=1))], number=98)
    refused, _ = _both(cache, cert, trust_list, now, _policy(demo_pki, newer))
    assert refused.codes == (ReasonCode.REVOKED,) and cache.misses == 2


def test_a_revocation_dated_later_ends_the_window(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    now = datetime.now(UTC)
    # listed as revoked from now + 1 h: good before, revoked after, with the same CRL
    listed = _crl(demo_pki, [(cert.serial_number, now + timedelta(hours=1))], number=98)
    cache, policy = ValidationCache(), _policy(demo_pki, listed)
    assert _both(cache, cert, trust_list, now, policy)[0].ok
    refused, _ = _both(cache, cert, trust_list, now + timedelta(hours=2), policy)
    assert refused.codes == (ReasonCode.REVOKED,)


def test_a_trust_list_that_withdraws_the_ca_is_seen(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    cache, policy, now = ValidationCache(), _policy(demo_pki), datetime.now(UTC)
    assert _both(cache, cert, trust_list, now, policy)[0].ok
    ca = trust_list.issuer_of(cert)
    assert ca is not None
    withdrawn = replace(ca, status=CaStatus.WITHDRAWN, status_since=now - timedelta(minutes=1))
    newer = replace(
        trust_list,
        sequence_number=trust_list.sequence_number + 1,
        cas=tuple(withdrawn if c.name == ca.name else c for c in trust_list.cas),
    )
    refused, _ = _both(cache, cert, newer, now, policy)
    assert ReasonCode.CA_WITHDRAWN in refused.codes


def test_a_withdrawal_announced_for_later_ends_the_window(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    now = datetime.now(UTC)
    ca = trust_list.issuer_of(cert)
    assert ca is not None
    later = replace(ca, status=CaStatus.WITHDRAWN, status_since=now + timedelta(hours=1))
    tl = replace(trust_list, cas=tuple(later if c.name == ca.name else c for c in trust_list.cas))
    cache, policy = ValidationCache(), _policy(demo_pki)
    assert _both(cache, cert, tl, now, policy)[0].ok
    assert not _both(cache, cert, tl, now + timedelta(hours=2), policy)[0].ok


def test_past_the_crl_next_update_it_is_validated_again(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    now = datetime.now(UTC)
    short = _crl(demo_pki, [], number=97, days=1)
    cache, policy = ValidationCache(), _policy(demo_pki, short)
    assert _both(cache, cert, trust_list, now, policy)[0].ok
    stale, _ = _both(cache, cert, trust_list, now + timedelta(days=2), policy)
    assert stale.codes == (ReasonCode.REVOCATION_UNKNOWN,) and cache.hits == 0


def test_past_the_certificate_expiry_it_is_validated_again(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    cache, policy, now = ValidationCache(), _policy(demo_pki), datetime.now(UTC)
    assert _both(cache, cert, trust_list, now, policy)[0].ok
    after = cert.not_valid_after_utc + timedelta(seconds=1)
    assert not _both(cache, cert, trust_list, after, policy)[0].ok and cache.hits == 0


def test_before_the_moment_first_validated_it_is_validated_again(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate
) -> None:
    cache, policy, now = ValidationCache(), _policy(demo_pki), datetime.now(UTC)
    assert _both(cache, cert, trust_list, now, policy)[0].ok
    before = cert.not_valid_before_utc - timedelta(seconds=1)
    assert not _both(cache, cert, trust_list, before, policy)[0].ok and cache.hits == 0


def test_a_refusal_is_never_kept(demo_pki: DemoPki, trust_list: TrustList) -> None:
    revoked = demo_pki.person("expert-revoked").load_cert()
    ca = demo_pki.ca(demo_pki.person("expert-revoked").ca)
    policy, cache = RevocationPolicy.offline(crls=ca.crls()), ValidationCache()
    for _ in range(2):
        assert not _run(cache.validate(revoked, "sign", trust_list, None, policy)).ok
    assert cache.hits == 0 and cache.misses == 2


def test_a_cleared_revocation_cache_is_asked_again(
    demo_pki: DemoPki, trust_list: TrustList, cert: x509.Certificate, pki_services: object
) -> None:
    fetched = RevocationCache()
    policy, cache = RevocationPolicy(cache=fetched), ValidationCache()
    for _ in range(3):  # the first fills the revocation cache, the second is kept
        assert _run(cache.validate(cert, "sign", trust_list, None, policy)).ok
    assert cache.hits == 1
    fetched.clear()  # e.g. a revocation pushed to the venue
    assert _run(cache.validate(cert, "sign", trust_list, None, policy)).ok
    assert cache.hits == 1 and cache.misses == 3
