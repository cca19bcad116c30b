"""The demo PKI's certificate authorities: each CA's root and issuing CA, the certificates they
issue, their CRLs, and the files everything is written to.

demo_build.py lays out the whole demo PKI directory (people, venues, workstations, the centre's
witness and timestamp keys, the signed trust list); all of it rests on these CAs, SM2 for the
CAs in SM2_CAS and ECDSA for the others, and on one way of writing a certificate with its key
or certificate file. Kept apart so that building a CA and issuing from it reads in one place,
and the directory's layout in the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509

from evaluator_app.pki import sm2, sm2_x509
from evaluator_app.pki import x509_build as xb
from evaluator_app.pki.credentials.sm2_file import plain_pkcs8_pem, write_key_file
from evaluator_app.pki.demo_roster import SM2_CAS

Key = xb.PrivateKey | sm2.PrivateKey


@dataclass
class DemoCa:
    id: str
    name: str
    cert: x509.Certificate
    key: Key
    root: x509.Certificate
    root_key: Key
    crl_url: str
    ocsp_url: str
    root_crl_url: str
    revoked: list[tuple[int, datetime]] = field(default_factory=list)


class DemoFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def cert_and_key(self, rel: str, cert: x509.Certificate, key: Key) -> dict[str, str]:
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        xb.write_cert(self.root / f"{rel}.pem", cert)
        if isinstance(key, sm2.PrivateKey):
            path = self.root / f"{rel}.key"
            path.write_bytes(plain_pkcs8_pem(key))
            path.chmod(0o600)
        else:
            xb.write_key(self.root / f"{rel}.key", key)
        return {"cert": f"{rel}.pem", "key": f"{rel}.key"}

    def p12(
        self, rel: str, name: str, key: Key, cert: x509.Certificate, ca: DemoCa
    ) -> dict[str, str]:
        """The person's certificate file: PKCS#12, or for an SM2 key an SM2 key file (PEM)."""
        password = xb.random_password()
        if isinstance(key, sm2.PrivateKey):
            certs = [sm2_x509.to_asn1(c) for c in (cert, ca.cert, ca.root)]
            path = self.root / f"{rel}.sm2.pem"
            path.write_bytes(write_key_file(key, certs, password.encode(), iterations=20_000))
            path.chmod(0o600)
            return {"p12": f"{rel}.sm2.pem", "password": password}
        xb.write_p12(self.root / f"{rel}.p12", name, key, cert, [ca.cert, ca.root], password)
        return {"p12": f"{rel}.p12", "password": password}


def build_cert(*, subject_key: Key, issuer_key: Key, **kw: Any) -> x509.Certificate:
    """An ECDSA certificate, or an SM2 one where the issuing CA is SM2 (keys match the CA)."""
    if isinstance(issuer_key, sm2.PrivateKey):
        assert isinstance(subject_key, sm2.PrivateKey)
        return sm2_x509.build_cert(public_key=subject_key.public, issuer_key=issuer_key, **kw)
    assert not isinstance(subject_key, sm2.PrivateKey)
    return xb.build_cert(public_key=subject_key.public_key(), issuer_key=issuer_key, **kw)


YEAR = timedelta(days=365)


def make_ca(
    w: DemoFiles,
    spec: tuple[str, str, str, dict[str, str], list[str]],
    services_url: str,
    now: datetime,
) -> tuple[DemoCa, dict[str, Any]]:
    """One CA: its root and issuing CA (SM2 or ECDSA), with its index entry."""
    ca_id, ca_name, status, rule, services = spec
    use_sm2 = ca_id in SM2_CAS
    root_key: Key = sm2.PrivateKey.generate() if use_sm2 else xb.new_key()
    ca_key: Key = sm2.PrivateKey.generate() if use_sm2 else xb.new_key()
    root = build_cert(
        subject=xb.make_name(f"{ca_name} Root", org=ca_name),
        subject_key=root_key,
        issuer_cert=None,
        issuer_key=root_key,
        not_before=now - 5 * YEAR,
        not_after=now + 15 * YEAR,
        ca=True,
        path_length=1,
        key_usage=("key_cert_sign", "crl_sign"),
    )
    # The issuing CA points at its root's CRL: hard-fail needs an answer for every
    # certificate of the path but the root, the issuing CA's included.
    root_crl_url = f"{services_url}/crl/{ca_id}-root.crl"
    issuing = build_cert(
        subject=xb.make_name(f"{ca_name} Issuing CA", org=ca_name),
        subject_key=ca_key,
        issuer_cert=root,
        issuer_key=root_key,
        not_before=now - 4 * YEAR,
        not_after=now + 10 * YEAR,
        ca=True,
        path_length=0,
        key_usage=("key_cert_sign", "crl_sign", "digital_signature"),
        crl_url=root_crl_url,
    )
    ca = DemoCa(
        ca_id,
        ca_name,
        issuing,
        ca_key,
        root,
        root_key,
        f"{services_url}/crl/{ca_id}.crl",
        f"{services_url}/ocsp/{ca_id}",
        root_crl_url,
    )
    entry: dict[str, Any] = {
        "id": ca_id,
        "name": ca_name,
        "status": status,
        "identity_rule": rule,
        "services": services,
        **w.cert_and_key(f"ca/{ca_id}", issuing, ca_key),
        "crl": f"ca/{ca_id}.crl",
        "crl_url": ca.crl_url,
        "root_crl": f"ca/{ca_id}-root.crl",
        "root_crl_url": root_crl_url,
        "ocsp_url": ca.ocsp_url,
    }
    root_files = w.cert_and_key(f"ca/{ca_id}-root", root, root_key)
    entry["root_cert"], entry["root_key"] = root_files["cert"], root_files["key"]
    entry["withdrawn_at"] = (
        (now - timedelta(days=30)).isoformat() if status == "withdrawn" else None
    )
    return ca, entry


def issue(ca: DemoCa, subject: x509.Name, key: Key, now: datetime, **kw: Any) -> x509.Certificate:
    """An end-entity certificate from ``ca``, valid a year back and two ahead unless told."""
    kw.setdefault("not_before", now - YEAR)
    kw.setdefault("not_after", now + 2 * YEAR)
    return build_cert(
        subject=subject,
        subject_key=key,
        issuer_cert=ca.cert,
        issuer_key=ca.key,
        crl_url=ca.crl_url,
        ocsp_url=ca.ocsp_url,
        **kw,
    )


def write_crls(out: Path, ca: DemoCa, now: datetime) -> None:
    """The issuing CA's CRL (with its revoked people) and its root's (empty)."""
    crl = (sm2_x509.build_crl if isinstance(ca.key, sm2.PrivateKey) else xb.build_crl)(
        issuer_cert=ca.cert,
        issuer_key=ca.key,  # type: ignore[arg-type]  # the builder is the key's, chosen above
        revoked=ca.revoked,
        this_update=now - timedelta(hours=1),
        next_update=now + timedelta(days=7),
    )
    (out / "ca" / f"{ca.id}.crl").write_bytes(crl.public_bytes(xb.serialization.Encoding.DER))
    root_crl = (sm2_x509.build_crl if isinstance(ca.root_key, sm2.PrivateKey) else xb.build_crl)(
        issuer_cert=ca.root,
        issuer_key=ca.root_key,  # type: ignore[arg-type]  # the builder is the key's
        revoked=[],
        this_update=now - timedelta(hours=1),
        next_update=now + timedelta(days=7),
    )
    (out / "ca" / f"{ca.id}-root.crl").write_bytes(
        root_crl.public_bytes(xb.serialization.Encoding.DER)
    )
