"""Signed checkpoints of the audit chain: the venue key over the chain's head."""

from __future__ import annotations

from evaluator_app.auditlog.chain import Checkpoint, checkpoint_content
from evaluator_app.venue.context import Venue
from evaluator_app.venue.store.sqlite import SqliteTx


async def checkpoint(venue: Venue, force: bool = True) -> None:
    """Sign the audit chain's current head: at every phase change (force), else every N entries."""

    def heads(tx: SqliteTx) -> tuple[int, str, int]:
        seq, digest = tx.last_audit()
        return seq, digest, tx.last_checkpoint_seq()

    seq, digest, last_signed = await venue.store.tx(heads)
    if (
        seq == 0
        or seq == last_signed
        or (not force and seq - last_signed < venue.config.checkpoint_every)
    ):
        return
    at = venue.now_iso()
    content = checkpoint_content(venue.venue_id, seq, digest, at)
    signature = await venue.sign_bytes(content)
    await venue.store.tx(lambda tx: tx.add_checkpoint(Checkpoint(seq, content, signature, at)))
