"""The software SKF token for any test directory: build it once, provision keys per test.

The library is the real C one (evaluator_app/pki/softskf/softskf.c, gcc + libcrypto 3); the
backend reaches it through its real ctypes binding. Skipped, with the reason, where gcc or
OpenSSL's headers are missing (.ci/run installs both).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.pki import sm2, sm2_x509, softskf
from evaluator_app.pki import x509_build as xb


def build_softskf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    try:
        return softskf.build(tmp_path_factory.mktemp("softskf-lib"))
    except softskf.SoftSkfError as exc:
        pytest.skip(exc.message_en)


def set_root(library: Path, root: Path) -> None:
    """Point the (process-wide) token library at this test's token directory."""
    ctypes.CDLL(str(library)).SOFTSKF_SetRoot(str(root).encode())


@dataclass(frozen=True)
class Sm2Holder:
    ca_key: sm2.PrivateKey
    ca_cert: x509.Certificate
    key: sm2.PrivateKey
    sign_cert: x509.Certificate
    enc_key: sm2.PrivateKey
    enc_cert: x509.Certificate

    def der(self, cert: x509.Certificate) -> bytes:
        return cert.public_bytes(serialization.Encoding.DER)


def sm2_holder(cn: str = "王芳", serial_number: str = "370102198001010022") -> Sm2Holder:
    """A small SM2 CA and one holder's signing/encryption certificate pair."""
    now = datetime.now(UTC)
    ca_key = sm2.PrivateKey.generate()
    ca = sm2_x509.build_cert(
        subject=xb.make_name("Test SM2 CA", org="Test"),
        public_key=ca_key.public,
        issuer_cert=None,
        issuer_key=ca_key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=365),
        ca=True,
        key_usage=("key_cert_sign", "crl_sign"),
    )
    name = xb.make_name(cn, org="Test", serial_number=serial_number)
    key, enc_key = sm2.PrivateKey.generate(), sm2.PrivateKey.generate()

    def issue(pub: sm2.PublicKey, usage: tuple[str, ...]) -> x509.Certificate:
        return sm2_x509.build_cert(
            subject=name,
            public_key=pub,
            issuer_cert=ca,
            issuer_key=ca_key,
            not_before=now - timedelta(days=1),
            not_after=now + timedelta(days=90),
            key_usage=usage,
            crl_url="http://127.0.0.1:9/sm2-test-ca.crl",  # never fetched: tests pass CRLs
        )

    sign = issue(key.public, ("digital_signature", "content_commitment"))
    enc = issue(enc_key.public, ("key_encipherment", "data_encipherment", "key_agreement"))
    return Sm2Holder(ca_key, ca, key, sign, enc_key, enc)
