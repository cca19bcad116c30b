"""The integrity of one CMS SignerInfo: pyHanko's ``validate_sig_integrity``, minus a slow path.

pyHanko matches the ESS signing-certificate attribute's issuer against the certificate's by
DER first, but dumps the GeneralName's explicitly tagged Name ([4] wrapper included), so the
bytes never match and every check falls through to asn1crypto's RFC 4518 string preparation:
40 % of verifying a timestamped sheet. Here the bytes compared are the Name's own; when they
differ, the same asn1crypto comparison decides, so what is accepted and refused is unchanged.
Every other step (algorithm protection, content type, message digest, the signature) is
pyHanko's, in its order, with its errors; the signed attributes are read once, not per lookup.
"""

from __future__ import annotations

from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.general import CMSStructuralError
from pyhanko.sign.validation.errors import CMSAlgorithmProtectionError, SignatureValidationError
from pyhanko.sign.validation.generic_cms import (
    get_signing_cert_attr,
    validate_algorithm_protection,
    validate_sig_integrity,
)
from pyhanko_certvalidator.sig_validate import SignatureValidationContext, SignatureValidator
from pyhanko_certvalidator.util import get_pyca_cryptography_hash


def _issuer_matches(expected: asn1_x509.Name, cert: asn1_x509.Certificate) -> bool:
    try:
        return expected.untag().dump() == cert.issuer.dump() or expected == cert.issuer
    except ValueError:  # a name the string preparation refuses, and other bytes: no match
        return False


def ess_certid_matches(
    cert: asn1_x509.Certificate, certid: asn1_tsp.ESSCertID | asn1_tsp.ESSCertIDv2
) -> bool:
    """pyHanko's ``check_ess_certid``: the certificate's hash, then its issuer and serial."""
    algo = "sha1" if isinstance(certid, asn1_tsp.ESSCertID) else None
    algo = algo or certid["hash_algorithm"]["algorithm"].native
    md = hashes.Hash(get_pyca_cryptography_hash(algo))
    md.update(cert.dump())
    if md.finalize() != certid["cert_hash"].native:
        return False
    issuer_serial = certid["issuer_serial"]
    if not issuer_serial:
        return True
    names = issuer_serial["issuer"]
    if len(names) != 1 or names[0].name != "directory_name":
        return False
    return issuer_serial["serial_number"] == cert["tbs_certificate"]["serial_number"] and (
        _issuer_matches(names[0].chosen, cert)
    )


def _index(attrs: asn1_cms.CMSAttributes) -> dict[str, list[Any]]:
    """Every attribute's values by type name, read once (pyHanko walks the set per lookup)."""
    index: dict[str, list[Any]] = {}
    for attr in attrs:
        index.setdefault(attr["type"].native, []).extend(attr["values"])
    return index


def _unique(index: dict[str, list[Any]], name: str, error: str) -> Any:
    values = index.get(name, [])
    if len(values) != 1:
        raise SignatureValidationError(error, ades_subindication=AdESFailure.FORMAT_FAILURE)
    return values[0]


def _check_signing_certificate(
    cert: asn1_x509.Certificate, attrs: asn1_cms.CMSAttributes, index: dict[str, list[Any]]
) -> None:
    v2, v1 = index.get("signing_certificate_v2", []), index.get("signing_certificate", [])
    if len(v2) > 1 or (not v2 and len(v1) > 1):
        get_signing_cert_attr(attrs)  # raises pyHanko's own cardinality error
    attr = v2[0] if v2 else v1[0] if v1 else None
    if attr is not None and not ess_certid_matches(cert, attr["certs"][0]):
        raise SignatureValidationError(
            "Signing certificate attribute does not match selected signer's certificate for "
            f'subject "{cert.subject.human_friendly}".',
            ades_subindication=AdESIndeterminate.NO_SIGNING_CERTIFICATE_FOUND,
        )


def sig_integrity(
    signer_info: asn1_cms.SignerInfo,
    cert: asn1_x509.Certificate,
    expected_content_type: str,
    actual_digest: bytes,
    validator: SignatureValidator,
) -> tuple[bool, bool]:
    """(digest matches the signed attributes, signature valid), as ``validate_sig_integrity``."""
    if signer_info["signed_attrs"] is asn1_core.VOID:  # no signed attributes: pyHanko as is
        return validate_sig_integrity(
            signer_info, cert, expected_content_type, actual_digest, validator
        )
    algorithm = signer_info["signature_algorithm"]
    digest_algorithm = signer_info["digest_algorithm"]
    signed_attrs = signer_info["signed_attrs"].untag()
    signed_data = signed_attrs.dump()  # before anything can disturb the parsed state
    index = _index(signed_attrs)
    if "cms_algorithm_protection" in index:
        try:
            validate_algorithm_protection(signed_attrs, digest_algorithm, algorithm, None)
        except CMSStructuralError as exc:
            raise SignatureValidationError(
                exc.failure_message, ades_subindication=AdESFailure.FORMAT_FAILURE
            ) from exc
        except CMSAlgorithmProtectionError as exc:
            raise SignatureValidationError(
                exc.failure_message, ades_subindication=AdESIndeterminate.GENERIC
            ) from exc
    _check_signing_certificate(cert, signed_attrs, index)
    content_type = _unique(
        index,
        "content_type",
        "Content type not found in signature, or multiple content-type attributes present.",
    ).native
    if content_type != expected_content_type:
        raise SignatureValidationError(
            f"Content type {content_type} did not match expected value {expected_content_type}",
            ades_subindication=AdESFailure.FORMAT_FAILURE,
        )
    embedded_digest = _unique(
        index,
        "message_digest",
        "Message digest not found in signature, or multiple message digest attributes present.",
    ).native
    try:
        validator.validate_signature(
            signer_info["signature"].native,
            signed_data,
            cert.public_key,
            algorithm,
            context=SignatureValidationContext(
                contextual_md_algorithm=digest_algorithm["algorithm"].native, prehashed=False
            ),
        )
        valid = True
    except InvalidSignature:
        valid = False
    return actual_digest == embedded_digest, valid
