"""Choosing and opening a credential, and describing its certificate to the person.

All token and file work is blocking (a USB key can take seconds), so every call here is
``async`` and runs the work in a thread: the window stays responsive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the libraries themselves are loaded on first use (see client.login.warm_up)
    from datetime import datetime

    from cryptography import x509

    from evaluator_app.pki.credentials import Signer, TokenInfo
    from evaluator_app.pki.credentials.skf import SkfKeyInfo
    from evaluator_app.pki.sm2_mechanisms import Sm2Mechanisms
    from evaluator_app.pki.trust_list import TrustList
    from evaluator_app.pki.validation import RevocationPolicy


T = TypeVar("T")


@dataclass(frozen=True)
class CertificateSummary:
    """What the login window shows: holder, CA, validity, recognised or not and why."""

    holder: str
    person_id: str | None
    issuer: str
    ca_name: str | None  # as the trust list names it, when recognised
    not_before: datetime
    not_after: datetime
    recognised: bool
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]
    fingerprint: str
    # "SM2", "ECDSA" or "RSA"; and whether this is the signing certificate of the holder's pair
    # (a Chinese CA's USB key holds a signing and an encryption certificate: only the signing
    # one logs in and signs)
    key_algorithm: str = ""
    signing_certificate: bool = True


def _cn(name: x509.Name) -> str:
    from cryptography.x509.oid import NameOID

    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()


def _algorithm(cert: x509.Certificate) -> str:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    from evaluator_app.pki import sm2

    spki = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)).public_key
    if sm2.is_sm2_key(spki):
        return "SM2"
    return {"ec": "ECDSA", "rsa": "RSA"}.get(spki.algorithm, spki.algorithm.upper())


def _signs(cert: x509.Certificate) -> bool:
    from cryptography import x509

    try:
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return bool(ku.digital_signature or ku.content_commitment)


async def describe_certificate(
    cert: x509.Certificate,
    trust_list: TrustList | None,
    policy: RevocationPolicy,
    at: datetime | None = None,
) -> CertificateSummary:
    import hashlib
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives import serialization

    from evaluator_app.pki.validation import avalidate_certificate

    fingerprint = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    base: dict[str, Any] = dict(
        key_algorithm=_algorithm(cert),
        signing_certificate=_signs(cert),
        holder=_cn(cert.subject),
        issuer=_cn(cert.issuer),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        fingerprint=fingerprint,
    )
    if trust_list is None:
        return CertificateSummary(
            person_id=None,
            ca_name=None,
            recognised=False,
            reasons_zh=("尚未配置信任列表，无法判断证书是否受认可",),
            reasons_en=("no trust list configured: recognition unknown",),
            **base,
        )
    result = await avalidate_certificate(cert, "auth", trust_list, at or datetime.now(UTC), policy)
    return CertificateSummary(
        person_id=result.identity.person_id if result.identity else None,
        ca_name=result.ca_name,
        recognised=result.ok,
        reasons_zh=tuple(r.message_zh for r in result.reasons),
        reasons_en=tuple(r.message_en for r in result.reasons),
        **base,
    )


# One PKCS#11 call at a time from this process: the login window polls for keys plugged in
# while a login may be opening one, and some token libraries crash on concurrent calls.
_TOKEN_LOCK = threading.Lock()


def _serialised(work: Callable[..., T], *args: Any) -> T:
    with _TOKEN_LOCK:
        return work(*args)


async def find_tokens(module_path: str) -> list[TokenInfo]:
    """Tokens present now (a key plugged in after start is found on the next call)."""
    import asyncio  # not at import time: the login window paints before the loop machinery loads

    from evaluator_app.pki.credentials import list_tokens

    return await asyncio.to_thread(_serialised, list_tokens, module_path)


async def open_p12(path: Path, password: str) -> Signer:
    import asyncio  # not at import time: the login window paints before the loop machinery loads

    from evaluator_app.pki.credentials import open_key_file

    # a .p12/.pfx file, or an SM2 key file (PEM) as Chinese CAs issue them
    return await asyncio.to_thread(open_key_file, path, password)


async def open_usb_key(
    module_path: str,
    pin: str,
    token_label: str | None = None,
    slot: int | None = None,
    sm2_mechanisms: Sm2Mechanisms | None = None,
) -> Signer:
    import asyncio  # not at import time: the login window paints before the loop machinery loads
    from functools import partial

    from evaluator_app.pki.credentials import open_token

    work = partial(open_token, sm2_mechanisms=sm2_mechanisms)
    return await asyncio.to_thread(_serialised, work, module_path, pin, token_label, slot)


async def find_skf_keys(library: str) -> list[SkfKeyInfo]:
    """国密 USB keys the SKF library sees now, with their containers (no PIN needed)."""
    import asyncio  # not at import time: the login window paints before the loop machinery loads

    from evaluator_app.pki.credentials.skf import list_skf_keys

    return await asyncio.to_thread(_serialised, list_skf_keys, library)


async def open_skf_key(
    library: str,
    pin: str,
    device: str | None = None,
    application: str | None = None,
    container: str | None = None,
) -> Signer:
    import asyncio  # not at import time: the login window paints before the loop machinery loads

    from evaluator_app.pki.credentials.skf import open_skf

    return await asyncio.to_thread(
        _serialised, open_skf, library, pin, device, application, container
    )


def certificate_of(signer: Signer) -> x509.Certificate:
    from cryptography import x509

    return x509.load_der_x509_certificate(signer.certificate.dump())


@dataclass(frozen=True)
class CredentialRef:
    """Which credential the person logged in with, without the key: every signature asks
    for the PIN (or password) again, and the key is closed right after, as a USB key expects."""

    kind: str  # "pkcs11", "skf" (国密 USB key) or "pkcs12"
    path: str  # the PKCS#11 module, the SKF library or the .p12 file
    token_label: str | None = None  # PKCS#11 token label, or the SKF device name
    slot: int | None = None
    application: str | None = None  # SKF: device → application → container
    container: str | None = None
    sm2_mechanisms: Sm2Mechanisms | None = None  # PKCS#11: the vendor's SM2 codes

    @property
    def usb_key(self) -> bool:
        """A USB key (asks for its PIN), not a certificate file (asks for its password)."""
        return self.kind in ("pkcs11", "skf")

    async def open(self, secret: str) -> Signer:
        if self.kind == "pkcs11":
            return await open_usb_key(
                self.path, secret, self.token_label, self.slot, self.sm2_mechanisms
            )
        if self.kind == "skf":
            return await open_skf_key(
                self.path, secret, self.token_label, self.application, self.container
            )
        return await open_p12(Path(self.path), secret)
