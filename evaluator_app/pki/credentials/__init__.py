"""Signing credentials: PKCS#12 file or PKCS#11 token behind one :class:`Signer` interface."""

from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.credentials.pkcs11 import Pkcs11Signer, open_token
from evaluator_app.pki.credentials.pkcs12 import Pkcs12Signer, open_pkcs12
from evaluator_app.pki.credentials.tokens import TokenCertificate, TokenInfo, list_tokens

__all__ = [
    "Pkcs11Signer",
    "Pkcs12Signer",
    "Signer",
    "TokenCertificate",
    "TokenInfo",
    "list_tokens",
    "open_pkcs12",
    "open_token",
]
