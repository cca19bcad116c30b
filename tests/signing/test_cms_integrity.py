"""The fast ESS signing-certificate match answers exactly as pyHanko's ``check_ess_certid``."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.general import check_ess_certid

from evaluator_app.pki.cms_integrity import ess_certid_matches
from tests.signing.pki_helpers import Person


def _asn1(person: Person) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(person.cert.public_bytes(serialization.Encoding.DER))


def _certid(
    cert: asn1_x509.Certificate,
    *,
    issuer: Any = None,
    serial: int | None = None,
    digest: bytes = b"",
) -> tsp.ESSCertIDv2:
    names = [asn1_x509.GeneralName({"directory_name": issuer or cert.issuer})]
    return tsp.ESSCertIDv2(
        {
            "hash_algorithm": {"algorithm": "sha256"},
            "cert_hash": digest or hashlib.sha256(cert.dump()).digest(),
            "issuer_serial": {
                "issuer": names,
                "serial_number": cert.serial_number if serial is None else serial,
            },
        }
    )


def _case(alice: Person, bob: Person, which: str) -> tuple[asn1_x509.Certificate, Any]:
    cert, other = _asn1(alice), _asn1(bob)
    reloaded = lambda c: tsp.ESSCertIDv2.load(c.dump())  # noqa: E731 - as read from a signature
    if which == "right":
        return cert, reloaded(_certid(cert))
    if which == "another issuer":
        assert other.subject != cert.issuer
        return cert, reloaded(_certid(cert, issuer=other.subject))
    if which == "another serial":
        return cert, reloaded(_certid(cert, serial=cert.serial_number + 1))
    if which == "another certificate's hash":
        return cert, reloaded(_certid(cert, digest=hashlib.sha256(other.dump()).digest()))
    if which == "two issuer names":
        two = _certid(cert)
        two["issuer_serial"]["issuer"] = [
            asn1_x509.GeneralName({"directory_name": cert.issuer}),
            asn1_x509.GeneralName({"directory_name": cert.issuer}),
        ]
        return cert, reloaded(two)
    if which == "no issuer and serial":
        bare = tsp.ESSCertIDv2(
            {"hash_algorithm": {"algorithm": "sha256"}, "cert_hash": cert.sha256}
        )
        return cert, reloaded(bare)
    raise AssertionError(which)


@pytest.mark.parametrize(
    ("which", "expected"),
    [
        ("right", True),
        ("another issuer", False),
        ("another serial", False),
        ("another certificate's hash", False),
        ("two issuer names", False),
        ("no issuer and serial", True),
    ],
)
def test_the_match_is_pyhankos(alice: Person, bob: Person, which: str, expected: bool) -> None:
    cert, certid = _case(alice, bob, which)
    assert ess_certid_matches(cert, certid) is expected
    assert check_ess_certid(cert, certid) is expected


def test_the_issuer_compared_is_the_name_not_its_tagged_wrapper(alice: Person) -> None:
    """pyHanko's DER comparison includes the GeneralName's [4] tag, so it never matches."""
    cert = _asn1(alice)
    name = tsp.ESSCertIDv2.load(_certid(cert).dump())["issuer_serial"]["issuer"][0].chosen
    assert name.dump() != cert.issuer.dump() and name.untag().dump() == cert.issuer.dump()
