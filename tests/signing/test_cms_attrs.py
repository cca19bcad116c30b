"""Signed attributes with the signing certificate built once are pyHanko's, byte for byte."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from asn1crypto import cms as asn1_cms

from evaluator_app.pki import cms
from evaluator_app.pki.credentials import open_pkcs12
from tests.signing.pki_helpers import Person


def _signed_attrs(der: bytes) -> bytes:
    si = asn1_cms.ContentInfo.load(der)["content"]["signer_infos"][0]
    return bytes(si["signed_attrs"].untag().dump())


def test_the_signed_attributes_are_pyhankos(alice: Person) -> None:
    signer = open_pkcs12(alice.p12, alice.password)
    moment = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    ours = [cms.sign_detached(b"sheet", signer, signing_time=moment) for _ in range(2)]
    theirs = asyncio.run(
        signer.pyhanko_signer().async_sign_general_data(
            b"sheet",
            "sha256",
            detached=True,
            use_cades=True,
            signed_attr_settings=cms.PdfCMSSignedAttributes(signing_time=moment),
        )
    ).dump()
    assert _signed_attrs(ours[0]) == _signed_attrs(ours[1]) == _signed_attrs(theirs)
    assert signer.pyhanko_signer().signed_attr_prov_spec is None  # the shared one untouched
    assert cms.verify_detached(b"sheet", ours[1]).integrity_ok


def test_each_signer_gets_its_own_certificate(alice: Person, bob: Person) -> None:
    moment = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    a, b = (
        cms.sign_detached(b"sheet", open_pkcs12(p.p12, p.password), signing_time=moment)
        for p in (alice, bob)
    )
    assert _signed_attrs(a) != _signed_attrs(b)
    for der, person in ((a, alice), (b, bob)):
        verdict = cms.verify_detached(b"sheet", der)
        assert verdict.integrity_ok and person.name in verdict.subject
