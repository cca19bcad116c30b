"""Validated paths remembered until the earliest moment their answer could change.

A venue validates the same forty certificates for every login and every signed upload; a fresh
:func:`validation.avalidate_certificate` costs a path build, a CRL signature check per CA and
the identity rule (~12 ms). An accepted result is kept per (certificate, purpose, identity
requirement, trust list contents, revocation data supplied, extra intermediates, revocation
cache generation when fetching) and reused for a moment ``at`` only inside the window
[moment first validated, earliest expiry): the expiry is the first of every chain
certificate's notAfter, every CRL's and OCSP answer's nextUpdate that decided, any revocation
those list for a later date, the CA's withdrawal, the trust list's next update, and, when the
answers were fetched, the revocation cache's own lifetime. Inside that window a fresh validation
decides the same way; outside it, or with anything in the key changed, it runs again.
Refusals are never kept, so a new CRL or trust list can only be seen afresh.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.core.canonical import canonical_bytes
from evaluator_app.pki.revocation import DEFAULT_CACHE
from evaluator_app.pki.revocation_check import OCSP_DEFAULT_VALIDITY
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.validation import (
    Purpose,
    RevocationPolicy,
    ValidationResult,
    _crl,
    _ocsp,
    avalidate_certificate,
)

log = logging.getLogger(__name__)

_Key = tuple[bytes, str, bool | None, bytes, bytes, bytes, int | None]


@dataclass(frozen=True)
class _Entry:
    since: datetime
    until: datetime  # of the moment judged
    result: ValidationResult
    # wall clock: when the revocation cache it fetched through forgets an answer
    fresh_until: datetime | None = None

    def holds(self, at: datetime) -> bool:
        fresh = self.fresh_until is None or datetime.now(UTC) < self.fresh_until
        return fresh and self.since <= at < self.until


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _digest(parts: Sequence[bytes]) -> bytes:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.digest()


def expiry(result: ValidationResult, trust_list: TrustList) -> datetime:
    """The first moment after ``result.at`` at which a fresh validation might decide otherwise."""
    at = result.at
    bounds = [trust_list.next_update]
    bounds += [c.not_valid_after_utc for c in result.chain]
    serials = {c.serial_number for c in result.chain}
    for der in result.crls:
        crl = _crl(der)
        if crl is None:
            return at  # cannot say how long it holds: do not keep it
        if crl.crypto.next_update_utc is None:
            return at
        bounds.append(crl.crypto.next_update_utc)
        for serial in serials:
            entry = crl.crypto.get_revoked_certificate_by_serial_number(serial)
            if entry is not None:  # revoked after the moment judged: good only until then
                bounds.append(entry.revocation_date_utc)
    for der in result.ocsps:
        resp = _ocsp(der)
        if resp is None:
            return at
        for single in resp.crypto.responses:
            this_update = single.this_update_utc
            bounds.append(single.next_update_utc or this_update + OCSP_DEFAULT_VALIDITY)
            if single.revocation_time_utc is not None:
                bounds.append(single.revocation_time_utc)
        bounds += [c.not_valid_after_utc for c in resp.crypto.certificates]
    if result.ca_name is not None:
        withdrawn = trust_list.ca(result.ca_name).withdrawn_at
        if withdrawn is not None:
            bounds.append(withdrawn)
    return min(_utc(b) for b in bounds)


class ValidationCache:
    """``avalidate_certificate`` with accepted results reused while they provably hold."""

    def __init__(self, maxsize: int = 4096) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        # trust lists by object: (the list, kept so that its id is not reused; its digest)
        self._lists: dict[int, tuple[TrustList, bytes]] = {}
        # revocation data by policy object, the same way (a checker keeps one policy)
        self._policies: dict[int, tuple[RevocationPolicy, bytes]] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._lists.clear()
            self._policies.clear()

    def _list_digest(self, trust_list: TrustList) -> bytes:
        with self._lock:
            known = self._lists.get(id(trust_list))
        if known is not None and known[0] is trust_list:
            return known[1]
        digest = hashlib.sha256(canonical_bytes(trust_list.body())).digest()
        with self._lock:
            if len(self._lists) >= 16:
                self._lists.pop(next(iter(self._lists)))
            self._lists[id(trust_list)] = (trust_list, digest)
        return digest

    def _revocation_digest(self, policy: RevocationPolicy) -> bytes:
        with self._lock:
            known = self._policies.get(id(policy))
        if known is not None and known[0] is policy:
            return known[1]
        fetch = b"fetch" if policy.fetch else b""
        digest = _digest([policy.mode.encode(), fetch, *policy.crls, b"|", *policy.ocsps])
        with self._lock:
            if len(self._policies) >= 64:
                self._policies.pop(next(iter(self._policies)))
            self._policies[id(policy)] = (policy, digest)
        return digest

    def _key(
        self,
        der: bytes,
        purpose: str,
        trust_list: TrustList,
        policy: RevocationPolicy,
        require_identity: bool | None,
        intermediates: Sequence[x509.Certificate],
    ) -> _Key:
        revocation = self._revocation_digest(policy)
        generation = None
        if policy.fetch:
            cache = policy.cache if policy.cache is not None else DEFAULT_CACHE
            generation = cache.generation
        return (
            hashlib.sha256(der).digest(),
            purpose,
            require_identity,
            self._list_digest(trust_list),
            revocation,
            _digest([c.public_bytes(serialization.Encoding.DER) for c in intermediates]),
            generation,
        )

    async def validate(
        self,
        cert: x509.Certificate | bytes,
        purpose: Purpose,
        trust_list: TrustList,
        at: datetime | None = None,
        revocation: RevocationPolicy | None = None,
        *,
        require_identity: bool | None = None,
        intermediates: Sequence[x509.Certificate] = (),
    ) -> ValidationResult:
        """As :func:`validation.avalidate_certificate` (same arguments, same answer)."""
        at = _utc(at) if at is not None else datetime.now(UTC)
        policy = revocation or RevocationPolicy()
        der = cert if isinstance(cert, bytes) else cert.public_bytes(serialization.Encoding.DER)
        key = self._key(der, purpose, trust_list, policy, require_identity, intermediates)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.holds(at):
                self._entries.move_to_end(key)
                self.hits += 1
                return replace(entry.result, at=at)
            self.misses += 1
        result = await avalidate_certificate(
            cert,
            purpose,
            trust_list,
            at,
            policy,
            require_identity=require_identity,
            intermediates=intermediates,
        )
        if result.ok:
            until = expiry(result, trust_list)
            fresh_until = None
            if policy.fetch:  # answers fetched now are asked again once the cache drops them
                cache = policy.cache if policy.cache is not None else DEFAULT_CACHE
                fresh_until = cache.earliest_expiry()
            if until > at:
                with self._lock:
                    self._entries[key] = _Entry(at, until, result, fresh_until)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.maxsize:
                        self._entries.popitem(last=False)
        return result


#: shared by the venue's logins and uploads and by the trust-list signature checker
DEFAULT_VALIDATION_CACHE = ValidationCache()
