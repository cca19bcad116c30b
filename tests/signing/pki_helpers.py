"""A tiny throwaway PKI for the signing tests: root CA → expert certificates, and a TSA."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Person:
    name: str
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    p12: Path
    password: str


def _name(cn: str, org: str = "Test CA Co") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def issue(
    subject: x509.Name, pub, issuer_cert, issuer_key, *, ca: bool = False, eku=None, days: int = 365
):  # type: ignore[no-untyped-def]
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
        .public_key(pub)
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca and eku is None,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if issuer_cert is not None:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_cert.public_key()),
            critical=False,
        )
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=True)
    if not ca:
        # Never fetched (tests run offline); it tells validators revocation data is expected.
        dp = x509.DistributionPoint(
            [x509.UniformResourceIdentifier("http://127.0.0.1:9/root.crl")], None, None, None
        )
        b = b.add_extension(x509.CRLDistributionPoints([dp]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


class TinyPki:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = issue(
            _name("Test Root CA"),
            self.root_key.public_key(),
            None,
            self.root_key,
            ca=True,
            days=3650,
        )
        self.root_pem = directory / "root.pem"
        self.root_pem.write_bytes(self.root.public_bytes(serialization.Encoding.PEM))
        self.tsa_key = ec.generate_private_key(ec.SECP256R1())
        self.tsa_cert = issue(
            _name("Test TSA"),
            self.tsa_key.public_key(),
            self.root,
            self.root_key,
            eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        )
        self.other_root_key = ec.generate_private_key(ec.SECP256R1())
        self.other_root = issue(
            _name("Rogue CA", "Rogue"),
            self.other_root_key.public_key(),
            None,
            self.other_root_key,
            ca=True,
        )

    def person(self, name: str, *, rogue: bool = False) -> Person:
        key = ec.generate_private_key(ec.SECP256R1())
        ik, ic = (self.other_root_key, self.other_root) if rogue else (self.root_key, self.root)
        cert = issue(_name(name), key.public_key(), ic, ik)
        password = "pw-" + name
        p12 = self.dir / f"{name}.p12"
        p12.write_bytes(
            pkcs12.serialize_key_and_certificates(
                name.encode(),
                key,
                cert,
                [ic],
                serialization.BestAvailableEncryption(password.encode()),
            )
        )
        return Person(name, key, cert, p12, password)

    def crl(self, revoked: tuple[x509.Certificate, ...] = ()) -> bytes:
        b = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.subject)
            .last_update(NOW - dt.timedelta(hours=1))
            .next_update(NOW + dt.timedelta(days=7))
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                critical=False,
            )
        )
        for c in revoked:
            b = b.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(c.serial_number)
                .revocation_date(NOW - dt.timedelta(minutes=30))
                .build()
            )
        return b.sign(self.root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class TsaServer:
    """The product's RFC 3161 handler (pki.services) over HTTP, on a background thread."""

    def __init__(self, pki: TinyPki) -> None:
        self._pki = pki
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.url = ""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)

    def _run(self) -> None:
        from aiohttp import web

        from evaluator_app.pki.services import make_tsa_handler

        handle = make_tsa_handler(self._pki.tsa_cert, self._pki.tsa_key, [self._pki.root])

        async def start() -> None:
            app = web.Application()
            app.router.add_post("/tsa", handle)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            self.url = f"http://127.0.0.1:{port}/tsa"
            self._ready.set()

        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(start())
        self._loop.run_forever()

    def close(self) -> None:
        async def stop() -> None:
            await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
