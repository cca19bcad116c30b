"""The audit chain: an append-only log where each entry holds the hash of the one before.

Any edit, deletion or reordering of an entry breaks every hash after it. The entries are also
the leaves of a Merkle tree whose signed tree heads (:mod:`auditlog.tree_head`) anchor it; who
signed a head is judged by :mod:`auditlog.verify_log` against the trust list. Here the chain's
own integrity: every hash, and every head (or older checkpoint) against the entries it names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from evaluator_app.auditlog import merkle
from evaluator_app.core.canonical import artefact_bytes, canonical_bytes

GENESIS = "0" * 64
CHECKPOINT_KIND = "audit-checkpoint"  # the chain's head hash alone (logs before tree heads)
TREE_HEAD_KIND = "tree-head"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    session_id: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "session_id": self.session_id,
            "payload": self.payload,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AuditEntry:
        return cls(
            seq=int(data["seq"]),
            at=str(data["at"]),
            actor=str(data["actor"]),
            action=str(data["action"]),
            session_id=data.get("session_id"),
            payload=dict(data["payload"]),
            prev_hash=str(data["prev_hash"]),
            hash=str(data["hash"]),
        )


@dataclass(frozen=True)
class Checkpoint:
    audit_seq: int
    content: bytes  # canonical JSON of a tree head {venue, tree_size, root_hash, timestamp}
    signature: bytes  # detached CMS by the venue key
    at: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    checkpoints: int
    first_broken: int | None  # seq of the first entry (or checkpoint's entry) at fault
    reason: str


def entry_hash(
    seq: int,
    at: str,
    actor: str,
    action: str,
    session_id: str | None,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    body = {
        "seq": seq,
        "at": at,
        "actor": actor,
        "action": action,
        "session_id": session_id,
        "payload": payload,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_bytes(body)).hexdigest()


def make_entry(
    seq: int,
    at: str,
    actor: str,
    action: str,
    session_id: str | None,
    payload: dict[str, Any],
    prev_hash: str,
) -> AuditEntry:
    digest = entry_hash(seq, at, actor, action, session_id, payload, prev_hash)
    return AuditEntry(seq, at, actor, action, session_id, payload, prev_hash, digest)


def checkpoint_content(venue_id: str, audit_seq: int, chain_hash: str, at: str) -> bytes:
    return artefact_bytes(
        CHECKPOINT_KIND,
        1,
        {"venue": venue_id, "audit_seq": audit_seq, "hash": chain_hash, "at": at},
    )


SignatureCheck = Callable[
    [bytes, bytes], str | None
]  # (content, signature) -> None if valid, else reason


def verify_chain(
    entries: Iterable[AuditEntry],
    checkpoints: Iterable[Checkpoint],
    check_signature: SignatureCheck | None,
) -> ChainReport:
    """Recompute every hash and check every checkpoint; stop at the first fault."""
    checkpoints = list(checkpoints)
    sizes = {p.audit_seq for p in checkpoints}
    by_seq: dict[int, str] = {}
    roots: dict[int, str] = {}  # the Merkle root at every size a checkpoint names
    tree = merkle.CompactRange()
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return ChainReport(
                False,
                count,
                0,
                entry.seq,
                f"entry {entry.seq} found where {expected_seq} was expected (missing or reordered)",
            )
        if entry.prev_hash != prev:
            return ChainReport(
                False,
                count,
                0,
                entry.seq,
                f"entry {entry.seq} does not point to the hash of entry {entry.seq - 1}",
            )
        if (
            entry_hash(
                entry.seq,
                entry.at,
                entry.actor,
                entry.action,
                entry.session_id,
                entry.payload,
                entry.prev_hash,
            )
            != entry.hash
        ):
            return ChainReport(
                False,
                count,
                0,
                entry.seq,
                f"entry {entry.seq} was altered: its hash does not match its content",
            )
        by_seq[entry.seq] = entry.hash
        tree.append(merkle.leaf_hash(bytes.fromhex(entry.hash)))
        if entry.seq in sizes:
            roots[entry.seq] = tree.root().hex()
        prev, expected_seq = entry.hash, expected_seq + 1
    checked = 0
    for point in checkpoints:
        checked += 1
        try:
            data = json.loads(point.content)
        except ValueError:
            return ChainReport(
                False,
                count,
                checked,
                point.audit_seq,
                f"checkpoint at {point.audit_seq} is not valid JSON",
            )
        if not _matches(data, point.audit_seq, by_seq, roots):
            return ChainReport(
                False,
                count,
                checked,
                point.audit_seq,
                (
                    f"checkpoint at {point.audit_seq} does not match the chain (entries rewritten "
                    "or removed)"
                ),
            )
        if check_signature is not None:
            problem = check_signature(point.content, point.signature)
            if problem:
                return ChainReport(
                    False,
                    count,
                    checked,
                    point.audit_seq,
                    f"checkpoint at {point.audit_seq}: signature invalid: {problem}",
                )
    return ChainReport(True, count, checked, None, "chain intact" if count else "empty chain")


def _matches(data: Any, size: int, by_seq: dict[int, str], roots: dict[int, str]) -> bool:
    """Does a checkpoint's content state the chain as it is at ``size``?"""
    if not isinstance(data, dict):
        return False
    schema = data.get("schema")
    if isinstance(schema, dict) and schema.get("kind") == TREE_HEAD_KIND:
        return data.get("tree_size") == size and roots.get(size) == data.get("root_hash")
    return data.get("audit_seq") == size and by_seq.get(size) == data.get("hash")
