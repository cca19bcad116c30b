"""The one place a signature is checked against a public key, dispatched by algorithm.

pyhanko-certvalidator and pyHanko take a ``SignatureValidator``: certificate links, CRLs,
OCSP responses, CMS and PAdES signatures all come through here. RSA and ECDSA go to
``cryptography`` (pyHanko's default); SM2 goes to :mod:`pki.sm2` with the signer ID of the key
that signed — a CA's from the trust list, else the GM/T 0009 default "1234567812345678".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import TypeVar

from asn1crypto import algos as asn1_algos
from asn1crypto import keys as asn1_keys
from cryptography.exceptions import InvalidSignature
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_VALIDATION_CONTEXT,
    DefaultSignatureValidator,
    SignatureValidationContext,
)

from evaluator_app.pki import sm2

logger = logging.getLogger(__name__)
T = TypeVar("T")


class SignatureChecker(DefaultSignatureValidator):
    """RSA/ECDSA as pyHanko does, plus SM2; ``signer_ids`` maps a key (SPKI DER) to its ID."""

    def __init__(self, signer_ids: Mapping[bytes, bytes] | None = None) -> None:
        self._ids = dict(signer_ids or {})

    def signer_id(self, public_key_info: asn1_keys.PublicKeyInfo) -> bytes:
        return self._ids.get(public_key_info.dump(), sm2.DEFAULT_ID)

    def signer_id_of(self, spki_der: bytes) -> bytes:
        return self._ids.get(spki_der, sm2.DEFAULT_ID)

    def validate_signature(
        self,
        signature: bytes,
        signed_data: bytes,
        public_key_info: asn1_keys.PublicKeyInfo,
        signature_algorithm: asn1_algos.SignedDigestAlgorithm,
        context: SignatureValidationContext = DEFAULT_VALIDATION_CONTEXT,
    ) -> None:
        sm2_key = sm2.is_sm2_key(public_key_info)
        if not sm2_key and not sm2.is_sm2_signature(signature_algorithm):
            super().validate_signature(
                signature, signed_data, public_key_info, signature_algorithm, context
            )
            return
        if not sm2_key:
            raise InvalidSignature("an SM2 signature needs an SM2 key")
        if not sm2.is_sm2_signature(signature_algorithm):
            raise InvalidSignature("an SM2 key signs only with SM2")
        if context.prehashed:
            # SM2 signs SM3(Z ‖ M): a bare digest of M (CMS without signed attributes) cannot be
            # checked, and we never write one.
            raise InvalidSignature("SM2 without signed attributes is not supported")
        try:
            public = sm2.PublicKey.from_spki(public_key_info)
        except sm2.SM2Error as exc:
            raise InvalidSignature(str(exc)) from exc
        if not sm2.verify(public, signed_data, signature, self.signer_id(public_key_info)):
            raise InvalidSignature("SM2 signature does not verify")


_VERIFIED: dict[tuple[bytes, bytes, bytes], None] = {}
_VERIFIED_LOCK = threading.Lock()


def verified_once(
    signed: bytes, key_der: bytes, checker: SignatureChecker, check: Callable[[], T]
) -> T | None:
    """``check()`` (None when the signature holds, else why not), remembered when it holds.

    ``signed`` names the signed object and its signature exactly (a certificate's or CRL's
    SHA-256); with the key's DER and the signer ID this checker gives it, the answer cannot
    change: the CA links and CRL signatures every validation of the same CA's people repeats
    are checked once. Refusals are not kept; a checker of another class is not trusted to
    decide by those alone and is asked every time."""
    if type(checker) is not SignatureChecker:
        return check()
    key = (signed, key_der, checker.signer_id_of(key_der))
    if key in _VERIFIED:
        return None
    problem = check()
    if problem is None:
        with _VERIFIED_LOCK:
            if len(_VERIFIED) >= 4096:
                _VERIFIED.pop(next(iter(_VERIFIED)))
            _VERIFIED[key] = None
    return problem


#: for checks with no CA-specific signer IDs (the GM/T 0009 default for every SM2 key)
DEFAULT_CHECKER = SignatureChecker()
