"""Any flipped bit in signed bytes is refused, and never crashes the verifier."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator_app.pki import cms, pades
from evaluator_app.pki.credentials import open_pkcs12
from tests.signing.test_cms import SHEET
from tests.signing.test_pades import report_pdf

_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def signed_sheet(alice):
    with open_pkcs12(alice.p12, alice.password) as signer:
        return cms.sign_canonical(SHEET, signer)


@pytest.fixture(scope="module")
def signed_pdf(alice):
    with open_pkcs12(alice.p12, alice.password) as signer:
        return pades.sign_pdf(report_pdf(), signer)


@_settings
@given(data=st.data())
def test_any_bit_flip_in_sheet_refused(signed_sheet, checker, data):
    sheet, sig = signed_sheet
    pos = data.draw(st.integers(0, len(sheet) - 1))
    bit = data.draw(st.integers(0, 7))
    bad = bytearray(sheet)
    bad[pos] ^= 1 << bit
    assert not cms.verify_detached(bytes(bad), sig, checker).valid


@_settings
@given(data=st.data())
def test_any_bit_flip_in_cms_never_crashes(signed_sheet, checker, data):
    sheet, sig = signed_sheet
    pos = data.draw(st.integers(0, len(sig) - 1))
    bad = bytearray(sig)
    bad[pos] ^= 1 << data.draw(st.integers(0, 7))
    v = cms.verify_detached(sheet, bytes(bad), checker)
    # A flip in an unsigned part (e.g. a certificate's unused bits) may leave it valid only
    # if the signed content and signature still verify; it must never raise.
    assert isinstance(v.valid, bool)


@_settings
@given(data=st.data())
def test_any_bit_flip_in_signed_pdf_range_refused(signed_pdf, checker, data):
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed_pdf)
    assert m
    a, b, c, d = (int(x) for x in m.groups())
    ranges = [(a, a + b), (c, c + d)]
    which = data.draw(st.sampled_from(ranges))
    pos = data.draw(st.integers(which[0], which[1] - 1))
    bad = bytearray(signed_pdf)
    bad[pos] ^= 1 << data.draw(st.integers(0, 7))
    vs = pades.verify_pdf(bytes(bad), checker)
    assert not any(v.valid for v in vs)
