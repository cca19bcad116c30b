"""The centre's provincial expert pool: SQLite in the centre's data folder (like a venue's store).

Experts with their specialties, city, employer, status, declared relations, identity (person
id by their CA's rule; a random salt for the snapshot's identity hash) and every date they were
drawn; the draws made, their bundles sealed to the centre's key; the steps of each draw.
Every write is one transaction; an import that fails changes nothing.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from evaluator_app.client.draw.importer import ExpertRow
from evaluator_app.core.draw.model import PoolExpert, Status
from evaluator_app.core.draw.pool import identity_hash, snapshot_bytes
from evaluator_app.core.draw.record import Person

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS experts (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, person_id TEXT NOT NULL, salt TEXT NOT NULL,
    specialties TEXT NOT NULL, city TEXT NOT NULL, employer TEXT NOT NULL, status TEXT NOT NULL,
    suspended_until TEXT, related_orgs TEXT NOT NULL, related_experts TEXT NOT NULL,
    ca TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS drawn (
    expert_id TEXT NOT NULL, day TEXT NOT NULL, draw_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (expert_id, day, draw_id)
);
CREATE TABLE IF NOT EXISTS draws (
    draw_id TEXT PRIMARY KEY, project_id TEXT NOT NULL, created_at TEXT NOT NULL,
    state TEXT NOT NULL, sealed BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS draw_steps (
    draw_id TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL, name TEXT NOT NULL,
    sha256 TEXT NOT NULL, signer TEXT NOT NULL, PRIMARY KEY (draw_id, seq)
);
"""


@dataclass(frozen=True)
class StoredExpert:
    expert: PoolExpert
    name: str
    person_id: str
    drawn: tuple[str, ...]
    ca: str


@dataclass(frozen=True)
class ImportSummary:
    added: int
    updated: int


@dataclass(frozen=True)
class DrawEntry:
    draw_id: str
    project_id: str
    created_at: str
    state: str  # "drawn", "opened", "in_session"


class PoolStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()  # one writer: the UI runs store work in worker threads
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        self._conn.close()

    def _tx(self) -> _Tx:
        return _Tx(self._conn, self._lock)

    # -- the pool ------------------------------------------------------------------------
    def import_rows(self, rows: Iterable[ExpertRow], at: str) -> ImportSummary:
        added = updated = 0
        with self._tx() as c:
            for row in rows:
                old = c.execute("SELECT salt FROM experts WHERE id = ?", (row.id,)).fetchone()
                salt = old[0] if old else secrets.token_hex(16)
                c.execute(
                    "INSERT OR REPLACE INTO experts VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        row.id,
                        row.name,
                        row.person_id,
                        salt,
                        json.dumps(list(row.specialties)),
                        row.city,
                        row.employer,
                        row.status.value,
                        row.suspended_until,
                        json.dumps(list(row.related_orgs), ensure_ascii=False),
                        json.dumps(list(row.related_experts)),
                        row.ca,
                        at,
                    ),
                )
                for day in row.drawn:
                    c.execute(
                        "INSERT OR IGNORE INTO drawn (expert_id, day) VALUES (?, ?)", (row.id, day)
                    )
                added += old is None
                updated += old is not None
        logger.info("pool %s: %d experts added, %d updated", self.path, added, updated)
        return ImportSummary(added, updated)

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM experts").fetchone()[0])

    def experts(self) -> list[StoredExpert]:
        drawn: dict[str, list[str]] = {}
        for expert_id, day in self._conn.execute("SELECT expert_id, day FROM drawn ORDER BY day"):
            drawn.setdefault(expert_id, []).append(day)
        out = []
        for r in self._conn.execute("SELECT * FROM experts ORDER BY id"):
            days = tuple(drawn.get(r[0], ()))
            expert = PoolExpert(
                r[0],
                tuple(json.loads(r[4])),
                r[5],
                r[6],
                Status(r[7]),
                r[8],
                days[-1] if days else None,
                tuple(json.loads(r[9])),
                tuple(json.loads(r[10])),
                identity_hash(r[1], r[2], r[3]),
            )
            out.append(StoredExpert(expert, r[1], r[2], days, r[11]))
        return out

    def snapshot(self, as_of: str) -> bytes:
        """The pool as it stands, as the snapshot a draw freezes."""
        return snapshot_bytes(as_of, [e.expert for e in self.experts()])

    def people(self, ids: Iterable[str]) -> dict[str, Person]:
        out = {}
        for pool_id in ids:
            row = self._conn.execute(
                "SELECT name, person_id, salt FROM experts WHERE id = ?", (pool_id,)
            ).fetchone()
            if row is not None:
                out[pool_id] = Person(pool_id, row[0], row[1], row[2])
        return out

    def mark_drawn(self, ids: Iterable[str], draw_id: str, day: str) -> None:
        with self._tx() as c:
            c.executemany(
                "INSERT OR IGNORE INTO drawn VALUES (?, ?, ?)", [(i, day, draw_id) for i in ids]
            )

    # -- draws -----------------------------------------------------------------------------
    def save_draw(self, draw_id: str, project_id: str, at: str, state: str, sealed: bytes) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO draws VALUES (?,?,?,?,?) ON CONFLICT(draw_id) "
                "DO UPDATE SET state = excluded.state, sealed = excluded.sealed",
                (draw_id, project_id, at, state, sealed),
            )

    def sealed_draw(self, draw_id: str) -> bytes | None:
        row = self._conn.execute(
            "SELECT sealed FROM draws WHERE draw_id = ?", (draw_id,)
        ).fetchone()
        return bytes(row[0]) if row else None

    def draws(self) -> list[DrawEntry]:
        rows = self._conn.execute(
            "SELECT draw_id, project_id, created_at, state FROM draws ORDER BY created_at DESC"
        )
        return [DrawEntry(*r) for r in rows]

    def log_step(self, draw_id: str, at: str, name: str, sha256: str, signer: str) -> None:
        with self._tx() as c:
            seq = c.execute(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM draw_steps WHERE draw_id = ?", (draw_id,)
            ).fetchone()[0]
            c.execute(
                "INSERT INTO draw_steps VALUES (?,?,?,?,?,?)",
                (draw_id, seq, at, name, sha256, signer),
            )

    def steps(self, draw_id: str) -> list[tuple[int, str, str, str, str]]:
        rows = self._conn.execute(
            "SELECT seq, at, name, sha256, signer FROM draw_steps WHERE draw_id = ? ORDER BY seq",
            (draw_id,),
        )
        return [tuple(r) for r in rows]


class _Tx:
    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock):
        self.conn, self.lock = conn, lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            self.conn.execute("ROLLBACK" if kind else "COMMIT")
        finally:
            self.lock.release()
