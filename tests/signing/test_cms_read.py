"""The one reading of a CMS (pki.cms_read, pki.cms_check) agrees with the generic path.

A signature the reading accepts is judged exactly as asn1crypto and pyHanko's integrity check
judge it; whatever it declines (malformed, tampered, a wrong digest) gets a typed reason from
the reader and today's verdict from the generic path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from asn1crypto import cms as asn1_cms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator_app.pki import cms, cms_check
from evaluator_app.pki.cms_read import CmsReadError, CmsReadProblem, read_signed_data
from evaluator_app.pki.credentials import open_pkcs12
from evaluator_app.pki.reasons import SignatureProblem
from evaluator_app.pki.sig_check import DEFAULT_CHECKER
from evaluator_app.pki.signature_verify import RootsChecker, SignatureVerdict
from tests.signing.pki_helpers import Person, TsaServer
from tests.signing.test_cms import SHEET


@pytest.fixture(scope="module")
def stamped(alice: Person, tsa: TsaServer) -> tuple[bytes, bytes]:
    with open_pkcs12(alice.p12, alice.password) as signer:
        return cms.sign_canonical(SHEET, signer, tsa_url=tsa.url)


@pytest.fixture(scope="module")
def plain(alice: Person) -> tuple[bytes, bytes]:
    with open_pkcs12(alice.p12, alice.password) as signer:
        return cms.sign_canonical(SHEET, signer)


def both(
    data: bytes, sig: bytes, checker: RootsChecker
) -> tuple[SignatureVerdict, SignatureVerdict]:
    async def run() -> tuple[SignatureVerdict, SignatureVerdict]:
        return (
            await cms.async_verify_detached(data, sig, checker),
            await cms.async_verify_generic(data, sig, checker),
        )

    return asyncio.run(run())


def test_read_once_is_what_asn1crypto_reads(stamped: tuple[bytes, bytes]) -> None:
    _, sig = stamped
    got = read_signed_data(sig)
    sd = asn1_cms.ContentInfo.load(sig)["content"]
    si = sd["signer_infos"][0]
    (mine,) = got.signers
    assert mine.signed_attrs == si["signed_attrs"].untag().dump()  # the bytes signed
    assert mine.signature == si["signature"].native
    assert mine.serial == si["sid"].chosen["serial_number"].native
    assert mine.issuer == si["sid"].chosen["issuer"].dump()
    assert got.certificates == tuple(c.chosen.dump() for c in sd["certificates"])
    assert got.encap_content is None
    token = si["unsigned_attrs"][0]["values"][0]
    assert read_signed_data(token.dump()).encap_content == bytes(
        token["content"]["encap_content_info"]["content"].contents
    )


def test_an_intact_signature_takes_the_one_reading(
    stamped: tuple[bytes, bytes], plain: tuple[bytes, bytes], checker: RootsChecker
) -> None:
    for data, sig in (stamped, plain):
        read = cms_check.check_read(data, sig, DEFAULT_CHECKER)  # no fallback taken
        assert (read.stamp is not None) == (sig is stamped[1])
        fast, generic = both(data, sig, checker)
        assert fast.valid and fast == generic


def _ber(sig: bytes) -> bytes:
    """The outer SEQUENCE with an indefinite length (BER, not DER)."""
    n = sig[1] & 0x7F
    return b"\x30\x80" + sig[2 + n :] + b"\x00\x00"


def _as_data(sig: bytes) -> bytes:
    """The ContentInfo's type made id-data (1.2.840.113549.1.7.1)."""
    return sig.replace(bytes.fromhex("2a864886f70d010702"), bytes.fromhex("2a864886f70d010701"), 1)


@pytest.mark.parametrize(
    "mangle, problem",
    [
        (lambda s: s[: len(s) // 2], CmsReadProblem.TRUNCATED),
        (_ber, CmsReadProblem.NOT_DER),
        (lambda s: s + b"\x00", CmsReadProblem.TRAILING_DATA),
        (_as_data, CmsReadProblem.NOT_SIGNED_DATA),
        (lambda s: s[:4] + b"\x31" + s[5:], CmsReadProblem.UNEXPECTED_TAG),
    ],
)
def test_malformed_cms_is_a_typed_refusal_and_todays_verdict(
    stamped: tuple[bytes, bytes],
    checker: RootsChecker,
    mangle: Callable[[bytes], bytes],
    problem: CmsReadProblem,
) -> None:
    data, sig = stamped
    bad = mangle(sig)
    with pytest.raises(CmsReadError) as info:
        read_signed_data(bad)
    assert info.value.problem is problem
    fast, generic = both(data, bad, checker)
    assert fast == generic
    # asn1crypto reads BER's indefinite length and ignores bytes after the ContentInfo: the
    # generic path accepts those two, signed bytes intact, as it did
    lenient = (CmsReadProblem.NOT_DER, CmsReadProblem.TRAILING_DATA)
    assert fast.valid is (problem in lenient)


def test_a_padded_object_identifier_is_not_der() -> None:
    # 1.2.840.113549.1.7.2 with its 113549 written 0x80 0x86 0xf7 0x0d: the same number to
    # asn1crypto, another byte string to a reader comparing encodings
    oid = bytes.fromhex("06 0a 2a 86 48 80 86 f7 0d 01 07 02".replace(" ", ""))
    der = b"\x30" + bytes([len(oid) + 4]) + oid + b"\xa0\x02\x30\x00"
    with pytest.raises(CmsReadError) as info:
        read_signed_data(der)
    assert info.value.problem is CmsReadProblem.NOT_DER


def test_tampered_signed_attributes_are_refused_in_todays_words(
    stamped: tuple[bytes, bytes], checker: RootsChecker
) -> None:
    data, sig = stamped
    (si,) = read_signed_data(sig).signers
    assert si.signed_attrs is not None
    at = sig.index(si.signed_attrs[20:40])  # inside the signed attributes, not their header
    bad = sig[:at] + bytes([sig[at] ^ 0x01]) + sig[at + 1 :]
    with pytest.raises(cms_check.Generic):
        cms_check.check_read(data, bad, DEFAULT_CHECKER)
    fast, generic = both(data, bad, checker)
    assert not fast.valid and fast == generic and fast.codes


def test_a_wrong_digest_is_a_content_mismatch(
    stamped: tuple[bytes, bytes], checker: RootsChecker
) -> None:
    data, sig = stamped
    other = data.replace(b"87.50", b"97.50")
    with pytest.raises(cms_check.Generic):
        cms_check.check_read(other, sig, DEFAULT_CHECKER)
    fast, generic = both(other, sig, checker)
    assert fast == generic and fast.codes == {SignatureProblem.CONTENT_MISMATCH}


def test_a_broken_timestamp_is_judged_as_before(
    stamped: tuple[bytes, bytes], checker: RootsChecker
) -> None:
    data, sig = stamped
    (si,) = read_signed_data(sig).signers
    token = next(iter(si.unsigned.values()))[0]
    tsi = read_signed_data(token).signers[0]
    at = sig.index(tsi.signature)
    bad = sig[:at] + bytes([sig[at] ^ 0x01]) + sig[at + 1 :]  # the TSA's signature value
    fast, generic = both(data, bad, checker)
    assert fast == generic and SignatureProblem.TIMESTAMP_BROKEN in fast.codes


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_bit_flip_is_judged_as_the_generic_path_judges_it(
    stamped: tuple[bytes, bytes], checker: RootsChecker, data: st.DataObject
) -> None:
    sheet, sig = stamped
    pos = data.draw(st.integers(0, len(sig) - 1))
    bad = bytearray(sig)
    bad[pos] ^= 1 << data.draw(st.integers(0, 7))
    fast, generic = both(sheet, bytes(bad), checker)
    assert fast == generic
