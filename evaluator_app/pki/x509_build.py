"""Small builders over ``cryptography`` for the demo PKI: keys, names, certificates, CRLs.

Only the demo and the tests create certificates; production certificates come from real CAs.
ECDSA P-256 keeps generation fast (the whole demo PKI is built in well under a second).
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import cast

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = ec.EllipticCurvePrivateKey

# Key usage flag names accepted by build_cert (cryptography's KeyUsage constructor names).
_KU_FLAGS = (
    "digital_signature",
    "content_commitment",  # = nonRepudiation
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)

EKU_CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH
EKU_SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
EKU_EMAIL = ExtendedKeyUsageOID.EMAIL_PROTECTION
EKU_TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING


def new_key() -> PrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def make_name(
    cn: str,
    *,
    org: str | None = None,
    unit: str | None = None,
    serial_number: str | None = None,
    extra: Sequence[tuple[str, str]] = (),
    country: str = "CN",
) -> x509.Name:
    """A subject name; ``extra`` holds (dotted OID, value) attributes, e.g. an ID rule's OID."""
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    if serial_number:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    for oid, value in extra:
        attrs.append(x509.NameAttribute(x509.ObjectIdentifier(oid), value))
    return x509.Name(attrs)


def utf8_other_name(oid: str, value: str) -> x509.OtherName:
    """A subjectAltName otherName whose value is a DER UTF8String."""
    raw = value.encode("utf-8")
    if len(raw) >= 128:
        raise ValueError("otherName value too long for the demo encoder")
    return x509.OtherName(x509.ObjectIdentifier(oid), bytes([0x0C, len(raw)]) + raw)


def build_cert(
    *,
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    issuer_cert: x509.Certificate | None,
    issuer_key: PrivateKey,
    not_before: datetime,
    not_after: datetime,
    ca: bool = False,
    path_length: int | None = None,
    key_usage: Iterable[str] = ("digital_signature",),
    eku: Sequence[x509.ObjectIdentifier] = (),
    eku_critical: bool = False,
    dns_names: Sequence[str] = (),
    ip_addresses: Sequence[str] = (),
    other_names: Sequence[x509.OtherName] = (),
    crl_url: str | None = None,
    ocsp_url: str | None = None,
) -> x509.Certificate:
    """Issue a certificate; ``issuer_cert`` None means self-signed (a root)."""
    issuer_name = subject if issuer_cert is None else issuer_cert.subject
    flags = {f: False for f in _KU_FLAGS}
    for f in key_usage:
        if f not in flags:
            raise ValueError(f"unknown key usage flag {f!r}")
        flags[f] = True
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), True)
        .add_extension(x509.KeyUsage(**flags), True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
    )
    # an issuer's key signs certificates, so it is never an X25519/X448 (key agreement) key
    aki_source = cast(
        CertificateIssuerPublicKeyTypes,
        public_key if issuer_cert is None else issuer_cert.public_key(),
    )
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_source), False
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), eku_critical)
    general_names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns_names]
    general_names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ip_addresses]
    general_names += list(other_names)
    if general_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(general_names), False)
    if crl_url:
        dp = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([dp]), False)
    if ocsp_url:
        ad = x509.AccessDescription(
            x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
        )
        builder = builder.add_extension(x509.AuthorityInformationAccess([ad]), False)
    return builder.sign(issuer_key, hashes.SHA256())


def build_crl(
    *,
    issuer_cert: x509.Certificate,
    issuer_key: PrivateKey,
    revoked: Sequence[tuple[int, datetime]],
    this_update: datetime,
    next_update: datetime,
    number: int = 1,
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                cast(CertificateIssuerPublicKeyTypes, issuer_cert.public_key())  # a CA's: it signs
            ),
            False,
        )
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
    return builder.sign(issuer_key, hashes.SHA256())


def random_password() -> str:
    return secrets.token_urlsafe(12)


def write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def write_key(path: Path, key: PrivateKey) -> None:
    """Unencrypted PKCS#8 PEM (demo only) with owner-only permissions."""
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(data)
    path.chmod(0o600)


def write_p12(
    path: Path,
    name: str,
    key: PrivateKey,
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate],
    password: str,
) -> None:
    data = pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"),
        key,
        cert,
        list(chain) or None,
        serialization.BestAvailableEncryption(password.encode("utf-8")),
    )
    path.write_bytes(data)
    path.chmod(0o600)


def load_cert(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    if data.lstrip().startswith(b"-----"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def load_key(path: Path) -> PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise TypeError(f"{path}: expected an EC private key")
    return key
