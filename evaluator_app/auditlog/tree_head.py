"""Signed tree heads of the audit log (RFC 9162 §4.10, after Sigstore's Rekor checkpoints).

A tree head says: the log of venue V held N entries whose Merkle root is R at time T. The
venue signs its canonical JSON with its own key (detached CMS); a head counts only when the
signer's certificate is one the trust list recognises for that venue. Witnesses countersign
the same bytes (see :mod:`auditlog.witness`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.auditlog.chain import TREE_HEAD_KIND
from evaluator_app.auditlog.errors import LogError
from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.pki.cms import async_verify_detached, run_sync
from evaluator_app.pki.trust_list import TrustList

__all__ = ["TREE_HEAD_KIND", "LogError", "Problem", "SignedTreeHead", "TreeHead"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a log, for people: English and Chinese."""

    en: str
    zh: str
    seq: int | None = None  # the first entry it concerns


@dataclass(frozen=True)
class TreeHead:
    venue: str
    tree_size: int
    root_hash: str  # hex of the Merkle root over the first tree_size entries
    timestamp: str  # ISO 8601, UTC

    def content(self) -> bytes:
        body = {
            "venue": self.venue,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": self.timestamp,
        }
        return artefact_bytes(TREE_HEAD_KIND, 1, body)

    @property
    def root(self) -> bytes:
        return bytes.fromhex(self.root_hash)


def parse_tree_head(content: bytes) -> TreeHead:
    """The head these canonical bytes state, or LogError (a foreign or altered record)."""
    try:
        data = json.loads(content)
        schema = data.get("schema", {})
        if schema != {"kind": TREE_HEAD_KIND, "version": 1}:
            raise LogError(f"not a tree head (kind {schema.get('kind')!r})")
        head = TreeHead(
            str(data["venue"]),
            int(data["tree_size"]),
            str(data["root_hash"]),
            str(data["timestamp"]),
        )
        bytes.fromhex(head.root_hash)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LogError(f"tree head unreadable: {exc}") from None
    if head.content() != content:
        raise LogError("tree head not in canonical form")
    return head


@dataclass(frozen=True)
class SignedTreeHead:
    content: bytes
    signature: bytes  # detached CMS by the venue key

    @property
    def head(self) -> TreeHead:
        return parse_tree_head(self.content)


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


async def asigned_by_party(
    content: bytes, signature: bytes, party: str, trust_list: TrustList, at: str | None = None
) -> tuple[str, str] | None:
    """None if ``signature`` over ``content`` is by a key the trust list recognises for
    ``party`` (a venue or the centre), valid at ``at``; else why not (English, Chinese)."""
    verdict = await async_verify_detached(content, signature, None)
    if not verdict.integrity_ok or not verdict.certificate_der:
        return (
            "signature does not verify: " + ("; ".join(verdict.reasons_en) or "broken"),
            "签名验证失败（内容被改动或签名损坏）",
        )
    known = {_der(c) for c in trust_list.party_certificates(party)}
    if not known:
        return (
            f"the trust list recognises no key for {party}",
            f"信任列表中没有 {party} 的密钥",
        )
    if verdict.certificate_der not in known:
        return (
            f"signed by {verdict.subject}, a key the trust list does not recognise for {party}",
            f"签名者 {verdict.subject} 的密钥不被信任列表认可为 {party} 的密钥",
        )
    if at is not None:
        cert = x509.load_der_x509_certificate(verdict.certificate_der)
        try:
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            return f"unreadable time {at!r}", f"时间无法读取：{at!r}"
        if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
            return (
                f"signed at {at}, outside the validity of {party}'s certificate",
                f"签名时间 {at} 不在 {party} 证书的有效期内",
            )
    return None


def signed_by_party(
    content: bytes, signature: bytes, party: str, trust_list: TrustList, at: str | None = None
) -> tuple[str, str] | None:
    return run_sync(asigned_by_party(content, signature, party, trust_list, at))
