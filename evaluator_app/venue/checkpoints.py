"""The venue's transparency log: signed tree heads over the audit entries, and inclusion proofs.

The audit entries are the leaves of an RFC 9162 Merkle tree (:mod:`auditlog.merkle`). A head
(size, root, time) is signed with the venue's own key at every phase change, every
``checkpoint_every`` entries, and whenever a receipt needs one covering its entry; heads are
kept in the ``checkpoints`` table, one per tree size.

Several workers may share one database. The chain commits in its own order (one chain writer
at a time, until COMMIT), so every snapshot holds a prefix of it: a head is read from a snapshot,
beside the writers, signed outside any lock, and stored by a transaction scoped to the log
(beside the sessions' uploads, one head writer at a time) only when it is newer, in size and in
time, than the newest stored: heads stay in order and a later head always extends an earlier
one. What only reads committed rows (is a head due? which head covers an entry? its inclusion
path?) reads a snapshot too: the writer lock that every worker's unscoped work waits for is
never taken for a receipt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.chain import Checkpoint
from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.growing_tree import GrowingTree
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


logger = logging.getLogger(__name__)
# the scope of the transactions that store signed heads: they run beside the sessions' uploads,
# one at a time among themselves (a session of that name would only share their lock: no harm)
LOG_SCOPE = "~log"
_TREE_LOCK = threading.Lock()  # one reader at a time reads or extends venue.log_tree


def _grown(venue: Venue, tx: SqliteTx, size: int) -> GrowingTree:
    """The venue's tree holding at least the snapshot's first ``size`` entries if it has them;
    each entry is read and hashed once per process (entries never change). Call under
    _TREE_LOCK: read transactions run on several threads (PostgreSQL)."""
    tree = venue.log_tree
    if tree.size < size:
        tree.extend(merkle.leaf_hash(bytes.fromhex(h)) for h in tx.audit_hashes(tree.size))
    return tree


def leaves_upto(venue: Venue, tx: SqliteTx, size: int) -> list[bytes]:
    """The first ``size`` leaves (fewer if the log is shorter)."""
    with _TREE_LOCK:
        return _grown(venue, tx, size).leaves(size)


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
        with _TREE_LOCK:
            root = _grown(venue, tx, size).root(size)
        # never dated before the newest head seen stored (here, or by another worker when this
        # one's head lost to it): a clock stepped back, or another worker's clock ahead, must
        # not make a head the log refuses; known without a query on the receipt's path
        at = max(venue.now_iso(), venue.newest_head_at)
        return TreeHead(venue.venue_id, size, root.hex(), at)

    def keep(point: Checkpoint) -> Callable[[SqliteTx], bool]:
        def store(tx: SqliteTx) -> bool:
            """Stored only when it extends the newest head, in size and in time: heads stay in
            order (the log's verifier refuses a larger head dated before a smaller one)."""
            newest = tx.checkpoints(tx.last_checkpoint_seq())
            if newest and (newest[0].audit_seq >= point.audit_seq or newest[0].at > point.at):
                venue.newest_head_at = max(venue.newest_head_at, newest[0].at)
                return False
            tx.add_checkpoint(point)
            venue.newest_head_at = max(venue.newest_head_at, point.at)
            return True

        return store

    # Read from a snapshot, without the writer lock: the chain commits in its order (one chain
    # writer at a time, until COMMIT), so every snapshot holds a prefix of it and its head is a
    # true one. Stored in a transaction scoped to the log: beside the sessions' uploads, one
    # head writer at a time (add_checkpoint takes the chain lock, ordering it with the appends).
    # A head that lost the race to another worker's is dropped: a receipt that still finds no
    # head covering its entry asks again (inclusion); signing again here for every loser would
    # sign up to three heads per receipt under load, most of them for nobody.
    head = await venue.store.read(state)
    if head is None:
        return
    content = head.content()
    signature = await venue.sign_bytes(content)
    point = Checkpoint(head.tree_size, content, signature, head.timestamp)
    if await venue.store.tx(keep(point), scope=LOG_SCOPE) and venue.on_tree_head is not None:
        venue.on_tree_head()


def _covering(tx: SqliteTx, seq: int) -> SignedTreeHead | None:
    """The first head of the current format from entry ``seq`` on: among the next few, read
    with LIMIT; the rest only if all of those are of the older format."""
    first = tx.checkpoints(seq, limit=4)
    found = _first_head(first)
    if found is None and len(first) == 4:
        found = _first_head(tx.checkpoints(seq)[4:])
    return found


def _first_head(points: list[Checkpoint]) -> SignedTreeHead | None:
    for point in points:
        try:
            parse_tree_head(point.content)
        except LogError:
            continue  # a checkpoint of the older format (the chain's head hash only)
        return SignedTreeHead(point.content, point.signature)
    return None


def inclusion_in(venue: Venue, tx: SqliteTx, seq: int) -> Inclusion | None:
    """Entry ``seq``'s proof against the first signed head in this snapshot that covers it, or
    None while none does: one read for the head and the path."""
    head = _covering(tx, seq)
    if head is None:
        return None
    size = head.head.tree_size
    with _TREE_LOCK:
        proof = _grown(venue, tx, size).inclusion_proof(seq - 1, size)
    return Inclusion(seq, tx.audit_hashes(seq - 1, seq)[0], head, tuple(proof))


async def inclusion(venue: Venue, seq: int, uncovered: bool = False) -> Inclusion:
    """The proof of entry ``seq`` against the first signed head that covers it (signed now if
    none does yet), as every receipt carries. ``uncovered``: a read just found no such head."""
    for attempt in range(3):  # a head signed here may lose to another worker's, which covers
        if not (uncovered and attempt == 0):
            found = await venue.store.read(lambda tx: inclusion_in(venue, tx, seq))
            if found is not None:
                return found
        # Group commit: the receipts of a burst wait for one head, which covers every entry
        # committed before it was read, instead of each signing its own (most of them dropped)
        waited = venue.head_signing.locked()
        async with venue.head_signing:
            if waited:
                found = await venue.store.read(lambda tx: inclusion_in(venue, tx, seq))
                if found is not None:
                    return found
            await _sign_head(venue, force=True)
    found = await venue.store.read(lambda tx: inclusion_in(venue, tx, seq))
    if found is None:
        raise LogError(f"no tree head covers entry {seq}", f"没有覆盖第 {seq} 条记录的树头")
    return found
