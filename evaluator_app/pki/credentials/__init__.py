"""Signing credentials behind one :class:`Signer` interface: PKCS#12 or SM2 key file, PKCS#11
token, SKF USB key (pki/credentials/skf.py)."""

from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.credentials.pkcs11 import Pkcs11Signer, open_token
from evaluator_app.pki.credentials.pkcs12 import Pkcs12Signer, open_pkcs12
from evaluator_app.pki.credentials.sm2_file import Sm2FileSigner, open_key_file, open_sm2_file
from evaluator_app.pki.credentials.tokens import TokenCertificate, TokenInfo, list_tokens

__all__ = [
    "Pkcs11Signer",
    "Pkcs12Signer",
    "Signer",
    "Sm2FileSigner",
    "TokenCertificate",
    "TokenInfo",
    "list_tokens",
    "open_key_file",
    "open_pkcs12",
    "open_sm2_file",
    "open_token",
]
