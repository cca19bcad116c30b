"""A witness's cosignature recorded in the main venue's own log (action ``log.cosigned``), so
every export and archive carries the cosigned heads. SQLite and PostgreSQL alike: it is one
audit entry, written in the store's writing transaction."""

from __future__ import annotations

import json
from typing import Any

from evaluator_app.auditlog.witness import COSIGNED_ACTION, Cosignature, Cosigned
from evaluator_app.venue.errors import Conflict


def record_cosignature(tx: Any, at: str, seen: Cosigned, cosig: Cosignature) -> bool:
    """Record ``cosig`` once (False if the same cosignature is already there); Conflict if this
    venue signed no such head."""
    ours = [p for p in tx.checkpoints(seen.head.tree_size) if p.audit_seq == seen.head.tree_size]
    if not ours or ours[0].content != seen.signed_head.content:
        raise Conflict(
            f"this venue signed no such head of {seen.head.tree_size} entries",
            f"本场地未签发该 {seen.head.tree_size} 条记录的树头",
            code="not_our_head",
        )
    digest = json.dumps(cosig.to_json(), sort_keys=True)
    for entry in tx.audit_entries_by_action(COSIGNED_ACTION):
        if json.dumps(entry.payload.get("cosignature"), sort_keys=True) == digest:
            return False
    payload = {
        "witness": seen.witness,
        "tree_size": seen.head.tree_size,
        "cosignature": cosig.to_json(),
    }
    tx.append_audit(at, seen.witness, COSIGNED_ACTION, None, payload)
    return True


def witnessed_sizes(tx: Any) -> dict[str, int]:
    """Per witness, the largest head this venue holds its cosignature for."""
    out: dict[str, int] = {}
    for entry in tx.audit_entries_by_action(COSIGNED_ACTION):
        size = entry.payload.get("tree_size")
        if isinstance(size, int):
            out[entry.actor] = max(out.get(entry.actor, 0), size)
    return out
