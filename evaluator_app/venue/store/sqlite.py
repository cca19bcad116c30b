"""The SQLite store: WAL, foreign keys, synchronous=FULL, versioned migrations.

Every change happens inside :meth:`SqliteStore.transaction`; the audit entry and the event of
a change are written in the same transaction as the change itself, so a venue killed at any
moment has either all three or none, and nothing it acknowledged is lost (FULL sync: a commit
has reached the disk before the client hears "accepted").
A store object belongs to one thread (see :class:`evaluator_app.venue.store.AsyncStore`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from evaluator_app.auditlog.chain import GENESIS, AuditEntry, Checkpoint, make_entry
from evaluator_app.venue.errors import Conflict, StoreError
from evaluator_app.venue.store.migrations import MIGRATIONS
from evaluator_app.venue.store.records import (
    ArtefactRecord,
    DocumentRecord,
    DraftRecord,
    EventRecord,
    MemberRecord,
    PersonRecord,
    SessionRecord,
    TokenRecord,
    WorkstationRecord,
)

logger = logging.getLogger(__name__)
R = TypeVar("R")


def _record(cls: type[R], row: sqlite3.Row | None) -> R | None:
    if row is None:
        return None
    # mypy: R is always a record dataclass
    return cls(**{f.name: row[f.name] for f in dataclasses.fields(cls)})  # type: ignore[arg-type]


def _records(cls: type[R], rows: Sequence[sqlite3.Row]) -> list[R]:
    # mypy: R is always a record dataclass
    return [cls(**{f.name: row[f.name] for f in dataclasses.fields(cls)}) for row in rows]  # type: ignore[arg-type]


class SqliteTx:
    """One transaction. Every write method of the store lives here."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def _one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        return self.conn.execute(sql, args).fetchone()

    def _all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self.conn.execute(sql, args).fetchall()

    # -- sessions and people ---------------------------------------------------------
    def insert_session(self, record: SessionRecord) -> None:
        fields = dataclasses.asdict(record)
        try:
            self.conn.execute(
                f"INSERT INTO sessions ({', '.join(fields)}) VALUES "
                f"({', '.join('?' * len(fields))})",
                tuple(fields.values()),
            )
        except sqlite3.IntegrityError as exc:
            raise Conflict(
                f"session {record.id} already exists", f"评标会话 {record.id} 已存在"
            ) from exc

    def session(self, session_id: str) -> SessionRecord | None:
        return _record(SessionRecord, self._one("SELECT * FROM sessions WHERE id = ?", session_id))

    def sessions(self) -> list[SessionRecord]:
        return _records(SessionRecord, self._all("SELECT * FROM sessions ORDER BY created_at, id"))

    def set_phase(self, session_id: str, phase: str, paused_in: str | None, since: str) -> None:
        self.conn.execute(
            "UPDATE sessions SET phase = ?, paused_in = ?, phase_since = ? WHERE id = ?",
            (phase, paused_in, since, session_id),
        )

    def set_leader(self, session_id: str, leader_id: str | None) -> None:
        self.conn.execute("UPDATE sessions SET leader_id = ? WHERE id = ?", (leader_id, session_id))

    def upsert_member(self, record: MemberRecord) -> None:
        fields = dataclasses.asdict(record)
        self.conn.execute(
            f"INSERT OR REPLACE INTO members ({', '.join(fields)}) VALUES "
            f"({', '.join('?' * len(fields))})",
            tuple(fields.values()),
        )

    def members(self, session_id: str) -> list[MemberRecord]:
        return _records(
            MemberRecord,
            self._all(
                "SELECT * FROM members WHERE session_id = ? ORDER BY role, venue, seat, person_id",
                session_id,
            ),
        )

    def memberships(self, person_id: str) -> list[MemberRecord]:
        return _records(
            MemberRecord, self._all("SELECT * FROM members WHERE person_id = ?", person_id)
        )

    def upsert_person(self, record: PersonRecord) -> None:
        fields = dataclasses.asdict(record)
        self.conn.execute(
            f"INSERT OR REPLACE INTO people ({', '.join(fields)}) VALUES "
            f"({', '.join('?' * len(fields))})",
            tuple(fields.values()),
        )

    def sync_people(self, people: Sequence[PersonRecord]) -> None:
        """Make the people table exactly the roster: someone struck off can no longer log in."""
        keep = {p.person_id for p in people}
        for row in self._all("SELECT person_id FROM people"):
            if row["person_id"] not in keep:
                self.conn.execute("DELETE FROM people WHERE person_id = ?", (row["person_id"],))
                self.conn.execute("DELETE FROM tokens WHERE person_id = ?", (row["person_id"],))
        for person in people:
            self.upsert_person(person)

    def person(self, person_id: str) -> PersonRecord | None:
        return _record(
            PersonRecord, self._one("SELECT * FROM people WHERE person_id = ?", person_id)
        )

    def people(self) -> list[PersonRecord]:
        return _records(
            PersonRecord, self._all("SELECT * FROM people ORDER BY role, venue, person_id")
        )

    # -- workstations, tokens, nonces -----------------------------------------------
    def upsert_workstation(self, record: WorkstationRecord) -> None:
        fields = dataclasses.asdict(record)
        self.conn.execute(
            f"INSERT OR REPLACE INTO workstations ({', '.join(fields)}) VALUES "
            f"({', '.join('?' * len(fields))})",
            tuple(fields.values()),
        )

    def workstation(self, workstation_id: str) -> WorkstationRecord | None:
        return _record(
            WorkstationRecord, self._one("SELECT * FROM workstations WHERE id = ?", workstation_id)
        )

    def workstations(self) -> list[WorkstationRecord]:
        return _records(
            WorkstationRecord, self._all("SELECT * FROM workstations ORDER BY venue, seat")
        )

    def insert_token(self, record: TokenRecord) -> None:
        fields = dataclasses.asdict(record)
        self.conn.execute(
            f"INSERT INTO tokens ({', '.join(fields)}) VALUES (?, ?, ?, ?, ?)",
            tuple(fields.values()),
        )

    def token(self, token_hash: str) -> TokenRecord | None:
        return _record(
            TokenRecord, self._one("SELECT * FROM tokens WHERE token_hash = ?", token_hash)
        )

    def delete_expired_tokens(self, now: str) -> None:
        self.conn.execute("DELETE FROM tokens WHERE expires_at < ?", (now,))
        self.conn.execute("DELETE FROM nonces WHERE expires_at < ?", (now,))

    def insert_nonce(self, nonce: str, expires_at: str) -> None:
        self.conn.execute(
            "INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)", (nonce, expires_at)
        )

    def consume_nonce(self, nonce: str, now: str) -> bool:
        """True once for a live nonce; a replay, an expired or an unknown nonce gives False."""
        cur = self.conn.execute(
            "UPDATE nonces SET used = 1 WHERE nonce = ? AND used = 0 AND expires_at >= ?",
            (nonce, now),
        )
        return cur.rowcount == 1

    # -- artefacts -------------------------------------------------------------------
    def artefact_by_key(self, idempotency_key: str) -> ArtefactRecord | None:
        return _record(
            ArtefactRecord,
            self._one("SELECT * FROM artefacts WHERE idempotency_key = ?", idempotency_key),
        )

    def insert_artefact(self, record: ArtefactRecord) -> ArtefactRecord:
        fields = {k: v for k, v in dataclasses.asdict(record).items() if k != "id"}
        cur = self.conn.execute(
            f"INSERT INTO artefacts ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
            tuple(fields.values()),
        )
        return dataclasses.replace(record, id=int(cur.lastrowid or 0))

    def set_receipt(self, artefact_id: int, receipt: bytes, signature: bytes) -> None:
        self.conn.execute(
            "UPDATE artefacts SET receipt = ?, receipt_signature = ? WHERE id = ?",
            (receipt, signature, artefact_id),
        )

    def set_artefact_status(self, artefact_id: int, status: str) -> None:
        self.conn.execute("UPDATE artefacts SET status = ? WHERE id = ?", (status, artefact_id))

    def artefacts(
        self, session_id: str, kind: str | None = None, person_id: str | None = None
    ) -> list[ArtefactRecord]:
        sql, args = "SELECT * FROM artefacts WHERE session_id = ?", [session_id]
        if kind is not None:
            sql, args = sql + " AND kind = ?", [*args, kind]
        if person_id is not None:
            sql, args = sql + " AND person_id = ?", [*args, person_id]
        return _records(ArtefactRecord, self._all(sql + " ORDER BY id", *args))

    # -- drafts ----------------------------------------------------------------------
    def put_draft(self, record: DraftRecord) -> None:
        fields = dataclasses.asdict(record)
        self.conn.execute(
            f"INSERT OR REPLACE INTO drafts ({', '.join(fields)}) VALUES (?, ?, ?, ?, ?)",
            tuple(fields.values()),
        )

    def draft(self, session_id: str, person_id: str) -> DraftRecord | None:
        return _record(
            DraftRecord,
            self._one(
                "SELECT * FROM drafts WHERE session_id = ? AND person_id = ?", session_id, person_id
            ),
        )

    def drafts(self, session_id: str) -> list[DraftRecord]:
        return _records(
            DraftRecord, self._all("SELECT * FROM drafts WHERE session_id = ?", session_id)
        )

    # -- documents -------------------------------------------------------------------
    def put_document(self, record: DocumentRecord) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO blobs (sha256, size) VALUES (?, ?)", (record.sha256, record.size)
        )
        fields = dataclasses.asdict(record)
        self.conn.execute(
            f"INSERT OR REPLACE INTO documents ({', '.join(fields)}) VALUES (?, ?, ?, ?, ?, ?)",
            tuple(fields.values()),
        )

    def documents(self, session_id: str) -> list[DocumentRecord]:
        return _records(
            DocumentRecord,
            self._all("SELECT * FROM documents WHERE session_id = ? ORDER BY doc_id", session_id),
        )

    # -- the evaluation report --------------------------------------------------------
    def add_report_revision(
        self, session_id: str, revision: int, kind: str, person_id: str, pdf: bytes, at: str
    ) -> None:
        self.conn.execute(
            "INSERT INTO report_revisions (session_id, revision, kind, person_id, pdf, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, revision, kind, person_id, pdf, at),
        )

    def delete_report(self, session_id: str) -> None:
        self.conn.execute("DELETE FROM report_revisions WHERE session_id = ?", (session_id,))

    def report_revisions(self, session_id: str) -> list[tuple[int, str, str, str]]:
        """(revision, kind, person_id, created_at), oldest first."""
        rows = self._all(
            "SELECT revision, kind, person_id, created_at FROM report_revisions WHERE session_id "
            "= ? ORDER BY revision",
            session_id,
        )
        return [(int(r["revision"]), r["kind"], r["person_id"], r["created_at"]) for r in rows]

    def report_pdf(self, session_id: str, revision: int | None = None) -> tuple[int, bytes] | None:
        if revision is None:
            row = self._one(
                "SELECT revision, pdf FROM report_revisions WHERE session_id = ? ORDER BY "
                "revision DESC LIMIT 1",
                session_id,
            )
        else:
            row = self._one(
                "SELECT revision, pdf FROM report_revisions WHERE session_id = ? AND revision = ?",
                session_id,
                revision,
            )
        return (int(row["revision"]), bytes(row["pdf"])) if row else None

    # -- collusion warnings ------------------------------------------------------------
    def set_collusion(
        self,
        session_id: str,
        status: str,
        at: str,
        stage: str = "",
        done: int = 0,
        total: int = 0,
        result: str | None = None,
        error: str | None = None,
    ) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO collusion (session_id, status, stage, done, total, result, "
            "error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, status, stage, done, total, result, error, at),
        )

    def set_draw_bundle(self, session_id: str, bundle: bytes, sha256: str, at: str) -> None:
        self.conn.execute(
            "INSERT INTO session_draws VALUES (?, ?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET "
            "bundle = excluded.bundle, sha256 = excluded.sha256, updated_at = excluded.updated_at",
            (session_id, bundle, sha256, at),
        )

    def draw_bundle(self, session_id: str) -> bytes | None:
        row = self._one("SELECT bundle FROM session_draws WHERE session_id = ?", session_id)
        return bytes(row["bundle"]) if row else None

    def collusion(self, session_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM collusion WHERE session_id = ?", session_id)
        return dict(row) if row else None

    # -- events ----------------------------------------------------------------------
    def append_event(
        self, session_id: str | None, kind: str, audience: str, payload: dict[str, Any], at: str
    ) -> EventRecord:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        cur = self.conn.execute(
            "INSERT INTO events (session_id, kind, audience, payload, at) VALUES (?, ?, ?, ?, ?)",
            (session_id, kind, audience, text, at),
        )
        return EventRecord(int(cur.lastrowid or 0), session_id, kind, audience, text, at)

    def events_since(self, seq: int, limit: int = 10_000) -> list[EventRecord]:
        return _records(
            EventRecord,
            self._all("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", seq, limit),
        )

    def last_event_seq(self) -> int:
        row = self._one("SELECT MAX(seq) AS seq FROM events")
        return int(row["seq"] or 0) if row else 0

    # -- audit chain -----------------------------------------------------------------
    def append_audit(
        self, at: str, actor: str, action: str, session_id: str | None, payload: dict[str, Any]
    ) -> AuditEntry:
        last = self._one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        seq, prev = (int(last["seq"]) + 1, str(last["hash"])) if last else (1, GENESIS)
        entry = make_entry(seq, at, actor, action, session_id, payload, prev)
        self.conn.execute(
            "INSERT INTO audit (seq, at, actor, action, session_id, payload, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                at,
                actor,
                action,
                session_id,
                json.dumps(payload, ensure_ascii=False, sort_keys=True),
                prev,
                entry.hash,
            ),
        )
        return entry

    def audit_entries(self, after: int = 0) -> Iterator[AuditEntry]:
        for row in self.conn.execute("SELECT * FROM audit WHERE seq > ? ORDER BY seq", (after,)):
            yield _audit_entry(row)

    def last_audit(self) -> tuple[int, str]:
        row = self._one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        return (int(row["seq"]), str(row["hash"])) if row else (0, GENESIS)

    def add_checkpoint(self, point: Checkpoint) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO checkpoints (audit_seq, content, signature, at) VALUES (?, ?, "
            "?, ?)",
            (point.audit_seq, point.content, point.signature, point.at),
        )

    def last_checkpoint_seq(self) -> int:
        row = self._one("SELECT MAX(audit_seq) AS seq FROM checkpoints")
        return int(row["seq"] or 0) if row else 0

    def checkpoints(self, from_seq: int = 0) -> list[Checkpoint]:
        return [
            Checkpoint(r["audit_seq"], bytes(r["content"]), bytes(r["signature"]), r["at"])
            for r in self._all(
                "SELECT * FROM checkpoints WHERE audit_seq >= ? ORDER BY audit_seq", from_seq
            )
        ]

    def audit_hashes(self, after: int = 0, upto: int | None = None) -> list[str]:
        """The entries' hashes (the Merkle tree's leaves) after ``after``, up to ``upto``."""
        rows = self._all(
            "SELECT hash FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq",
            after,
            upto if upto is not None else 2**62,
        )
        return [str(r["hash"]) for r in rows]

    def audit_entries_by_action(self, action: str) -> list[AuditEntry]:
        """The entries of one action, latest first."""
        rows = self._all("SELECT * FROM audit WHERE action = ? ORDER BY seq DESC", action)
        return [_audit_entry(row) for row in rows]

    def acceptance_entry(self, artefact_id: int, kind: str) -> AuditEntry | None:
        """The audit entry that recorded the acceptance of artefact ``artefact_id``."""
        return next(
            (
                e
                for e in self.audit_entries_by_action(f"{kind}.accept")
                if e.payload.get("artefact") == artefact_id
            ),
            None,
        )


def _audit_entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        row["seq"],
        row["at"],
        row["actor"],
        row["action"],
        row["session_id"],
        json.loads(row["payload"]),
        row["prev_hash"],
        row["hash"],
    )


def _statements(script: str) -> list[str]:
    """Split a migration into statements; SQLite itself says where one ends (comments, strings)."""
    out, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer)
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise sqlite3.OperationalError(f"unterminated statement in migration: {buffer[:80]!r}")
    return out


class SqliteStore:
    """Opens (and migrates) one SQLite database file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            self.conn = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=30
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the venue database {self.path}: {exc}",
                f"无法打开场地数据库 {self.path}：{exc}",
            ) from exc

    def _migrate(self) -> None:
        current = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        if current > len(MIGRATIONS):
            raise StoreError(
                f"database {self.path} is newer (schema {current}) than this program "
                f"({len(MIGRATIONS)})"
            )
        for version in range(current, len(MIGRATIONS)):
            logger.info("migrating %s to schema %d", self.path, version + 1)
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(MIGRATIONS[version]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {version + 1}")
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError:
                self.conn.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[SqliteTx]:
        """BEGIN IMMEDIATE … COMMIT; any exception rolls everything back."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"database busy or broken: {exc}", f"数据库繁忙或损坏：{exc}") from exc
        try:
            yield SqliteTx(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"commit failed: {exc}", f"写入数据库失败：{exc}") from exc

    def close(self) -> None:
        self.conn.close()
