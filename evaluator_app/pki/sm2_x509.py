"""SM2-signed certificates, CRLs and OCSP responses for the demo PKI and the tests.

``cryptography`` builds every structure (the same extensions as the ECDSA demo CAs) around a
throwaway P-256 key; the SM2 parts are then put in with asn1crypto — the subject's SM2 key,
its key identifiers, the issuer — and the to-be-signed part is signed with SM2-with-SM3 over
Z for the CA's signer ID (GM/T 0009 default "1234567812345678"), as the GM/T 0015 CAs do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from evaluator_app.pki import sm2, x509_build

_ALG = {"algorithm": sm2.SM2_WITH_SM3}


@cache
def _placeholder() -> ec.EllipticCurvePrivateKey:
    # Signs nothing that survives: every signature made with it is replaced below.
    return ec.generate_private_key(ec.SECP256R1())


def placeholder_key() -> ec.EllipticCurvePrivateKey:
    return _placeholder()


@cache
def placeholder_cert() -> x509.Certificate:
    """A certificate for the placeholder key, where a builder insists on one (OCSP responder)."""
    from datetime import UTC, timedelta

    now = datetime.now(UTC)
    return x509_build.build_cert(
        subject=x509_build.make_name("placeholder"),
        public_key=_placeholder().public_key(),
        issuer_cert=None,
        issuer_key=_placeholder(),
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=1),
    )


def key_id(public: sm2.PublicKey) -> bytes:
    """RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey bits."""
    return hashlib.sha1(public.point).digest()


def _asn1(cert: x509.Certificate | asn1_x509.Certificate) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


to_asn1 = _asn1


def load_private_key(path: Path) -> ec.EllipticCurvePrivateKey | sm2.PrivateKey:
    """An unencrypted PEM key of the demo PKI: ECDSA, or SM2 (which cryptography cannot load)."""
    from cryptography.exceptions import UnsupportedAlgorithm

    from evaluator_app.pki.credentials.sm2_file import read_key_file

    data = path.read_bytes()
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except UnsupportedAlgorithm:
        return read_key_file(data, b"", path.name)[0]
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{path}: expected an EC or SM2 private key")
    return key


def _crypto(der: bytes) -> x509.Certificate:
    return x509.load_der_x509_certificate(der)


def issuer_key_id(issuer: x509.Certificate | asn1_x509.Certificate) -> bytes:
    ski = _asn1(issuer).key_identifier
    if ski is None:
        raise ValueError("an SM2 issuer certificate needs a subjectKeyIdentifier")
    return bytes(ski)


def _set_extension(exts: Any, name: str, value: Any) -> None:
    for ext in exts:
        if ext["extn_id"].native == name:
            ext["extn_value"] = value
            return


def build_cert(
    *,
    subject: x509.Name,
    public_key: sm2.PublicKey,
    issuer_cert: x509.Certificate | None,
    issuer_key: sm2.PrivateKey,
    signer_id: bytes = sm2.DEFAULT_ID,
    **kwargs: Any,
) -> x509.Certificate:
    """Like :func:`x509_build.build_cert` (same keyword arguments) for an SM2 key and CA."""
    tmp = _placeholder()
    draft = x509_build.build_cert(
        subject=subject,
        public_key=tmp.public_key(),
        issuer_cert=None,
        issuer_key=tmp,
        **kwargs,
    )
    cert = _asn1(draft)
    tbs = cert["tbs_certificate"]
    tbs["subject_public_key_info"] = public_key.spki()
    tbs["signature"] = _ALG
    if issuer_cert is None:
        aki = key_id(public_key)
    else:
        tbs["issuer"] = _asn1(issuer_cert).subject
        aki = issuer_key_id(issuer_cert)
    exts = tbs["extensions"]
    _set_extension(exts, "key_identifier", key_id(public_key))
    _set_extension(exts, "authority_key_identifier", {"key_identifier": aki})
    tbs_der = tbs.dump(force=True)
    signed = asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs_der),
            "signature_algorithm": _ALG,
            "signature_value": issuer_key.sign(tbs_der, signer_id),
        }
    )
    return _crypto(signed.dump())


def build_crl(
    *,
    issuer_cert: x509.Certificate,
    issuer_key: sm2.PrivateKey,
    revoked: Sequence[tuple[int, datetime]],
    this_update: datetime,
    next_update: datetime,
    number: int = 1,
    signer_id: bytes = sm2.DEFAULT_ID,
) -> x509.CertificateRevocationList:
    """Like :func:`x509_build.build_crl`, signed with SM2."""
    tmp = _placeholder()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), False)
        .add_extension(x509.AuthorityKeyIdentifier(issuer_key_id(issuer_cert), None, None), False)
    )
    for serial, when in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    draft = asn1_crl.CertificateList.load(
        builder.sign(tmp, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    )
    tbs = draft["tbs_cert_list"]
    tbs["signature"] = _ALG
    tbs_der = tbs.dump(force=True)
    signed = asn1_crl.CertificateList(
        {
            "tbs_cert_list": asn1_crl.TbsCertList.load(tbs_der),
            "signature_algorithm": _ALG,
            "signature": issuer_key.sign(tbs_der, signer_id),
        }
    )
    return x509.load_der_x509_crl(signed.dump())


def resign_ocsp_response(
    response_der: bytes,
    *,
    issuer_cert: x509.Certificate,
    issuer_key: sm2.PrivateKey,
    signer_id: bytes = sm2.DEFAULT_ID,
) -> bytes:
    """A successful OCSP response drafted with the placeholder key, re-signed by an SM2 CA:
    the responder is named by its key hash and the CA certificate is not repeated."""
    resp = asn1_ocsp.OCSPResponse.load(response_der)
    if resp["response_status"].native != "successful":
        return response_der
    basic = resp["response_bytes"]["response"].parsed
    data = basic["tbs_response_data"]
    data["responder_id"] = asn1_ocsp.ResponderId(name="by_key", value=key_id_of(issuer_cert))
    data_der = data.dump(force=True)
    new_basic = asn1_ocsp.BasicOCSPResponse(
        {
            "tbs_response_data": asn1_ocsp.ResponseData.load(data_der),
            "signature_algorithm": _ALG,
            "signature": issuer_key.sign(data_der, signer_id),
        }
    )
    return asn1_ocsp.OCSPResponse(
        {
            "response_status": "successful",
            "response_bytes": {"response_type": "basic_ocsp_response", "response": new_basic},
        }
    ).dump()


def key_id_of(cert: x509.Certificate | asn1_x509.Certificate) -> bytes:
    """SHA-1 of a certificate's subjectPublicKey bits (OCSP's byKey responder id)."""
    spki = _asn1(cert).public_key
    return hashlib.sha1(spki["public_key"].contents[1:]).digest()
