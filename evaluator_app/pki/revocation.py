"""Revocation data: fetch OCSP/CRL over HTTP with an in-memory cache, and build OCSP answers.

Responses are cached across validations (a login storm at 08:30 would otherwise hit the CA
per expert) and "service down" is decided in one place: the validator's revocation mode.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import aiohttp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from evaluator_app.pki import sm2, sm2_x509
from evaluator_app.pki.x509_build import PrivateKey

log = logging.getLogger(__name__)

MAX_CACHE_SECONDS = 3600.0
_GENERATIONS = itertools.count(1)


@dataclass
class RevocationCache:
    """Responses keyed by (kind, url, serial) until their nextUpdate (at most an hour).

    ``generation`` is unique to this cache and these contents: it changes on every put and
    clear, so a validation remembered with one (pki.validation_cache) is not reused after."""

    entries: dict[tuple[str, str, int], tuple[bytes, float]] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    generation: int = field(default_factory=lambda: next(_GENERATIONS))

    def get(self, key: tuple[str, str, int]) -> bytes | None:
        item = self.entries.get(key)
        if item is None or item[1] <= time.monotonic():
            self.entries.pop(key, None)
            self.misses += 1
            return None
        self.hits += 1
        return item[0]

    def put(self, key: tuple[str, str, int], data: bytes, next_update: datetime | None) -> None:
        ttl = MAX_CACHE_SECONDS
        if next_update is not None:
            ttl = min(ttl, (next_update - datetime.now(UTC)).total_seconds())
        if ttl > 0:
            self.entries[key] = (data, time.monotonic() + ttl)
            self.generation = next(_GENERATIONS)

    def clear(self) -> None:
        self.entries.clear()
        self.generation = next(_GENERATIONS)

    def earliest_expiry(self) -> datetime:
        """When the first answer held here expires (now + an hour when it holds none)."""
        now, mono = datetime.now(UTC), time.monotonic()
        left = min((until for _, until in self.entries.values()), default=mono + MAX_CACHE_SECONDS)
        return now + timedelta(seconds=left - mono)


DEFAULT_CACHE = RevocationCache()


def crl_urls(cert: x509.Certificate) -> list[str]:
    try:
        cdp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    return [
        n.value
        for dp in cdp
        for n in (dp.full_name or [])
        if isinstance(n, x509.UniformResourceIdentifier)
    ]


def ocsp_urls(cert: x509.Certificate) -> list[str]:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [
        ad.access_location.value
        for ad in aia
        if ad.access_method == x509.AuthorityInformationAccessOID.OCSP
        and isinstance(ad.access_location, x509.UniformResourceIdentifier)
    ]


MAX_RESPONSE_BYTES = 16 * 1024 * 1024


def ocsp_request(cert_serial: int, issuer_name_der: bytes, issuer_key_bits: bytes) -> bytes:
    """A DER OCSP request by hashes (works for any issuer key, SM2 included)."""
    req = (
        ocsp.OCSPRequestBuilder()
        .add_certificate_by_hash(
            hashlib.sha1(issuer_name_der).digest(),
            hashlib.sha1(issuer_key_bits).digest(),
            cert_serial,
            hashes.SHA1(),
        )
        .build()
    )
    return req.public_bytes(serialization.Encoding.DER)


class Fetcher:
    """Fetches OCSP answers and CRLs over HTTP for one validation, through the shared cache.

    Network failures are logged, never raised: the caller's revocation mode decides. One HTTP
    session serves every certificate of the path; ``close`` ends it.
    """

    def __init__(self, cache: RevocationCache | None = None, timeout: float = 5.0) -> None:
        self.cache = cache if cache is not None else DEFAULT_CACHE
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _read(self, resp: aiohttp.ClientResponse, url: str) -> bytes | None:
        if resp.status != 200:
            log.warning("%s answered HTTP %d", url, resp.status)
            return None
        if (resp.content_length or 0) > MAX_RESPONSE_BYTES:
            log.warning("%s sent %s bytes: too large", url, resp.content_length)
            return None
        data = await resp.content.read(MAX_RESPONSE_BYTES + 1)
        return data if len(data) <= MAX_RESPONSE_BYTES else None

    async def ocsp(self, url: str, serial: int, request: bytes) -> bytes | None:
        key = ("ocsp", url, serial)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            async with self._open().post(
                url, data=request, headers={"Content-Type": "application/ocsp-request"}
            ) as resp:
                data = await self._read(resp, url)
            if data is None:
                return None
            parsed = ocsp.load_der_ocsp_response(data)
            if parsed.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
                log.warning("OCSP %s answered %s", url, parsed.response_status)
                return None
            next_update = parsed.next_update_utc
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            log.warning("OCSP %s unreachable or unreadable: %s", url, exc)
            return None
        self.cache.put(key, data, next_update)
        return data

    async def crl(self, url: str) -> bytes | None:
        key = ("crl", url, 0)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            async with self._open().get(url) as resp:
                data = await self._read(resp, url)
            if data is None:
                return None
            next_update = x509.load_der_x509_crl(data).next_update_utc
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            log.warning("CRL %s unreachable or unreadable: %s", url, exc)
            return None
        self.cache.put(key, data, next_update)
        return data


def build_ocsp_response(
    request_der: bytes,
    *,
    issuer_cert: x509.Certificate,
    issuer_key: PrivateKey | sm2.PrivateKey,
    revoked: dict[int, datetime],
    known_serials: set[int] | None,
    now: datetime | None = None,
) -> bytes:
    """Answer one OCSP request as the issuing CA itself (no delegated responder).

    ``known_serials`` None means every serial not revoked is good; otherwise others are unknown.
    """
    now = now or datetime.now(UTC)
    try:
        req = ocsp.load_der_ocsp_request(request_der)
    except (ValueError, NotImplementedError):  # garbage, or several certificates in one request
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST
        ).public_bytes(serialization.Encoding.DER)
    issuer_key_hash = _key_hash(issuer_cert, req.hash_algorithm)
    if req.issuer_key_hash != issuer_key_hash:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.UNAUTHORIZED
        ).public_bytes(serialization.Encoding.DER)
    serial = req.serial_number
    rev_time, rev_reason = None, None
    if serial in revoked:
        status, rev_time, rev_reason = (
            ocsp.OCSPCertStatus.REVOKED,
            revoked[serial],
            x509.ReasonFlags.key_compromise,
        )
    elif known_serials is None or serial in known_serials:
        status = ocsp.OCSPCertStatus.GOOD
    else:
        status = ocsp.OCSPCertStatus.UNKNOWN
    builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
        issuer_name_hash=req.issuer_name_hash,
        issuer_key_hash=req.issuer_key_hash,
        serial_number=serial,
        algorithm=req.hash_algorithm,
        cert_status=status,
        this_update=now - timedelta(minutes=5),
        next_update=now + timedelta(hours=1),
        revocation_time=rev_time,
        revocation_reason=rev_reason,
    )
    sm2_issuer = isinstance(issuer_key, sm2.PrivateKey)
    # cryptography cannot read an SM2 key: draft with a placeholder, then re-sign with SM2
    responder = sm2_x509.placeholder_cert() if sm2_issuer else issuer_cert
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, responder)
    try:  # echo the nonce: clients such as `openssl ocsp` check it against replay
        nonce = req.extensions.get_extension_for_class(x509.OCSPNonce).value
        builder = builder.add_extension(nonce, critical=False)
    except x509.ExtensionNotFound:
        pass
    if isinstance(issuer_key, sm2.PrivateKey):
        draft = builder.sign(sm2_x509.placeholder_key(), hashes.SHA256())
        return sm2_x509.resign_ocsp_response(
            draft.public_bytes(serialization.Encoding.DER),
            issuer_cert=issuer_cert,
            issuer_key=issuer_key,
        )
    resp = builder.sign(issuer_key, hashes.SHA256())
    return resp.public_bytes(serialization.Encoding.DER)


def _key_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    from asn1crypto import x509 as asn1_x509

    spki = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)).public_key
    digest = hashes.Hash(algorithm)
    digest.update(spki["public_key"].contents[1:])  # the BIT STRING without its unused-bits byte
    return digest.finalize()
