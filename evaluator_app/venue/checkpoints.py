"""The venue's transparency log: signed tree heads over the audit entries, and inclusion proofs.

The audit entries are the leaves of an RFC 9162 Merkle tree (:mod:`auditlog.merkle`). A head
(size, root, time) is signed with the venue's own key at every phase change, every
``checkpoint_every`` entries, and whenever a receipt needs one covering its entry; heads are
kept in the ``checkpoints`` table, one per tree size.

Several workers may share one database: the head's size, root and time are read in one writing
transaction (the store's writer lock, as for every audit append), so heads are signed in the
order of their sizes and a later head always extends an earlier one. The signature is made
outside the lock; of two heads of one size only the first stored is kept and used. What only
reads committed rows (is a head due? which head covers an entry? its inclusion path?) reads a
snapshot beside the writers (PostgreSQL), not under the writer lock that every worker's
appends wait for: a receipt took six writing transactions, now two.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.chain import Checkpoint
from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.tree_head import SignedTreeHead, TreeHead, parse_tree_head
from evaluator_app.venue.context import Venue
from evaluator_app.venue.store.sqlite import SqliteTx


@dataclass(frozen=True)
class Inclusion:
    """Where an entry sits in the log, and the signed head and path that prove it."""

    audit_seq: int
    entry_hash: str
    head: SignedTreeHead
    proof: tuple[bytes, ...]


_LEAVES_LOCK = threading.Lock()  # one reader at a time extends venue.log_leaves


def leaves_upto(venue: Venue, tx: SqliteTx, size: int) -> list[bytes]:
    """The first ``size`` leaves; read once per venue process (entries never change)."""
    cache = venue.log_leaves
    with _LEAVES_LOCK:  # read transactions run on several threads (PostgreSQL)
        if len(cache) < size:
            cache.extend(merkle.leaf_hash(bytes.fromhex(h)) for h in tx.audit_hashes(len(cache)))
        return cache[:size]


async def checkpoint(venue: Venue, force: bool = True) -> None:
    """Sign the log's current head: at every phase change (force), else every N entries."""
    await _sign_head(venue, force)


async def _sign_head(venue: Venue, force: bool) -> None:
    """Sign a head if there is a new one to sign; the venue's witnesses are then asked to
    countersign the latest (venue.witness.ask), so they always end on the last head signed."""

    def state(tx: SqliteTx) -> TreeHead | None:
        size, _ = tx.last_audit()
        last = tx.last_checkpoint_seq()
        if size == 0 or size == last or (not force and size - last < venue.config.checkpoint_every):
            return None
        root = merkle.root(leaves_upto(venue, tx, size))
        return TreeHead(venue.venue_id, size, root.hex(), venue.now_iso())

    # not due (most uploads): seen in a snapshot, without the writer lock; due: decided again,
    # and the head read, in a writing transaction, serialised with the appends
    if not force and await venue.store.read(state) is None:
        return
    head = await venue.store.tx(state)
    if head is None:
        return
    content = head.content()
    signature = await venue.sign_bytes(content)
    point = Checkpoint(head.tree_size, content, signature, head.timestamp)
    await venue.store.tx(lambda tx: tx.add_checkpoint(point))
    if venue.on_tree_head is not None:
        venue.on_tree_head()


def _covering(tx: SqliteTx, seq: int) -> SignedTreeHead | None:
    for point in tx.checkpoints(seq):
        try:
            parse_tree_head(point.content)
        except LogError:
            continue  # a checkpoint of the older format (the chain's head hash only)
        return SignedTreeHead(point.content, point.signature)
    return None


async def inclusion(venue: Venue, seq: int) -> Inclusion:
    """The proof of entry ``seq`` against the first signed head that covers it (signed now if
    none does yet), as every receipt carries."""
    head = await venue.store.read(lambda tx: _covering(tx, seq))
    if head is None:
        await _sign_head(venue, force=True)
        head = await venue.store.read(lambda tx: _covering(tx, seq))
    if head is None:
        raise LogError(f"no tree head covers entry {seq}", f"没有覆盖第 {seq} 条记录的树头")
    size = head.head.tree_size

    def path(tx: SqliteTx) -> tuple[str, list[bytes]]:
        leaves = leaves_upto(venue, tx, size)
        return tx.audit_hashes(seq - 1, seq)[0], merkle.inclusion_proof(seq - 1, leaves)

    entry_hash, proof = await venue.store.read(path)
    return Inclusion(seq, entry_hash, head, tuple(proof))
