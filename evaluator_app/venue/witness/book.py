"""What a witness countersigned and refused, per venue: a small SQLite file of its own.

The last head countersigned for a venue is what the next must extend (a consistency proof).
A refused head is kept beside the one it contradicts, each with the venue's signature: the
evidence of a split view or a rewritten past.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from evaluator_app.auditlog.tree_head import SignedTreeHead
from evaluator_app.auditlog.witness import Cosignature, Cosigned, parse_cosignature

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cosigned (
    id INTEGER PRIMARY KEY, venue TEXT NOT NULL, tree_size INTEGER NOT NULL,
    root_hash TEXT NOT NULL, content BLOB NOT NULL, signature BLOB NOT NULL, at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cosigned_venue ON cosigned (venue, tree_size);
CREATE TABLE IF NOT EXISTS refused (
    id INTEGER PRIMARY KEY, venue TEXT NOT NULL, at TEXT NOT NULL, reason TEXT NOT NULL,
    shown TEXT NOT NULL, countersigned_before TEXT
);
"""


def _pair(signed: SignedTreeHead) -> dict[str, str]:
    b64 = base64.b64encode
    return {"content": b64(signed.content).decode(), "signature": b64(signed.signature).decode()}


@dataclass(frozen=True)
class Refusal:
    venue: str
    at: str
    reason: str
    shown: dict[str, str]
    countersigned_before: dict[str, str] | None

    def to_json(self) -> dict[str, object]:
        return {
            "venue": self.venue,
            "at": self.at,
            "reason": self.reason,
            "shown": self.shown,
            "countersigned_before": self.countersigned_before,
        }


class WitnessBook:
    """Thread-safe (calls come from the event loop's executor, one at a time per book)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def last(self, venue: str) -> Cosigned | None:
        with self._lock:
            row = self._db.execute(
                "SELECT content, signature FROM cosigned WHERE venue = ?"
                " ORDER BY tree_size DESC, id DESC LIMIT 1",
                (venue,),
            ).fetchone()
        return parse_cosignature(Cosignature(row[0], row[1])) if row else None

    def add(self, seen: Cosigned) -> None:
        head = seen.head
        with self._lock:
            self._db.execute(
                "INSERT INTO cosigned (venue, tree_size, root_hash, content, signature, at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    head.venue,
                    head.tree_size,
                    head.root_hash,
                    seen.cosignature.content,
                    seen.cosignature.signature,
                    seen.cosigned_at,
                ),
            )

    def refuse(
        self, venue: str, at: str, reason: str, shown: SignedTreeHead, before: SignedTreeHead | None
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO refused (venue, at, reason, shown, countersigned_before)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    venue,
                    at,
                    reason,
                    json.dumps(_pair(shown)),
                    json.dumps(_pair(before)) if before else None,
                ),
            )

    def cosignatures(self, venue: str) -> list[Cosignature]:
        with self._lock:
            rows = self._db.execute(
                "SELECT content, signature FROM cosigned WHERE venue = ? ORDER BY id", (venue,)
            ).fetchall()
        return [Cosignature(r[0], r[1]) for r in rows]

    def refusals(self, venue: str) -> list[Refusal]:
        with self._lock:
            rows = self._db.execute(
                "SELECT venue, at, reason, shown, countersigned_before FROM refused"
                " WHERE venue = ? ORDER BY id",
                (venue,),
            ).fetchall()
        return [
            Refusal(r[0], r[1], r[2], json.loads(r[3]), r[4] and json.loads(r[4])) for r in rows
        ]
