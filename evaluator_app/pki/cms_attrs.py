"""CAdES signed attributes with the signer's ESS signing-certificate-v2 built once per certificate.

pyHanko builds that attribute afresh for every signature, copying the certificate's issuer
Name into a new structure, and asn1crypto re-encodes every level of it as each parent is
built: 85 % of the CPU of a detached CMS over a short text (a venue signs a receipt for every
upload and a checkpoint for every phase change). The attribute depends on the certificate
alone, so it is built by pyHanko's own ``as_signing_certificate_v2`` once and reused as parsed
DER: the signed bytes are the same; only the building is not repeated.
"""

from __future__ import annotations

import copy
import hashlib
import threading
from collections.abc import Iterable
from datetime import datetime

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import (
    CAdESSignedAttributeProviderSpec,
    PdfCMSSignedAttributes,
    Signer,
)
from pyhanko.sign.timestamps.api import TimeStamper

_ESS: dict[bytes, bytes] = {}
_LOCK = threading.Lock()


def signing_certificate_v2_der(cert: asn1_x509.Certificate) -> bytes:
    """pyHanko's SigningCertificateV2 value (SHA-256) for ``cert``, as DER, built once."""
    key = hashlib.sha256(cert.dump()).digest()
    der = _ESS.get(key)
    if der is None:
        der = as_signing_certificate_v2(cert).dump()
        with _LOCK:
            if len(_ESS) >= 256:
                _ESS.pop(next(iter(_ESS)))
            _ESS[key] = der
    return der


class _KnownSigningCertificate(SigningCertificateV2Provider):
    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(signing_certificate_v2_der(self.signing_cert))


class _CadesSpec(CAdESSignedAttributeProviderSpec):
    """pyHanko's CAdES attributes, in its order, with the signing certificate's reused."""

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterable[CMSAttributeProvider]:
        for provider in super().signed_attr_providers(data_digest, digest_algorithm):
            if type(provider) is SigningCertificateV2Provider:
                yield _KnownSigningCertificate(provider.signing_cert)
            else:
                yield provider


def cades_signer(signer: Signer, signing_time: datetime, ts: TimeStamper | None) -> Signer:
    """A copy of ``signer`` for one detached CAdES signature (the shared one is not touched)."""
    attrs = PdfCMSSignedAttributes(signing_time=signing_time)
    one = copy.copy(signer)
    one.signed_attr_prov_spec = _CadesSpec(
        attr_settings=attrs, signing_cert=signer.signing_cert, is_pades=False, timestamper=ts
    )
    return one
