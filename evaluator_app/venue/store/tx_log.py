"""The append-only side of a transaction: events, the audit chain, its checkpoints, presence.

Only one writer runs at a time (SQLite's write lock, PostgreSQL's writer lock: see
postgres.py), so the head of the chain read by :meth:`LogTx.append_audit` is the head the new
entry extends, and events commit in the order of their sequence numbers.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Sequence
from typing import Any

from evaluator_app.auditlog.chain import GENESIS, AuditEntry, Checkpoint, make_entry
from evaluator_app.venue.store.dialect import BaseTx, _record, _records
from evaluator_app.venue.store.records import EventRecord, PresenceRecord

ACCEPTANCE_PAGE = 32  # audit entries read at a time when looking for an acceptance


class LogTx(BaseTx):
    # -- events ----------------------------------------------------------------------
    def append_event(
        self, session_id: str | None, kind: str, audience: str, payload: dict[str, Any], at: str
    ) -> EventRecord:
        self.chain_write()
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        fields = {"session_id": session_id, "kind": kind, "audience": audience, "payload": text}
        seq = self._insert_id("events", {**fields, "at": at}, "seq")
        if self.dialect.notify_events:  # delivered to every worker when this commits
            self._exec("NOTIFY venue_events")
        return EventRecord(seq, session_id, kind, audience, text, at)

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
        """The next entry of the chain. Only one writer runs at a time (SQLite's write lock,
        PostgreSQL's writer or chain lock), so the head read here is the head this entry extends."""
        self.chain_write()
        last = self._one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        seq, prev = (int(last["seq"]) + 1, str(last["hash"])) if last else (1, GENESIS)
        entry = make_entry(seq, at, actor, action, session_id, payload, prev)
        self.audited = True  # this transaction makes a change on record
        self._exec(
            "INSERT INTO audit (seq, at, actor, action, session_id, payload, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            seq,
            at,
            actor,
            action,
            session_id,
            json.dumps(payload, ensure_ascii=False, sort_keys=True),
            prev,
            entry.hash,
        )
        return entry

    def audit_entries(self, after: int = 0) -> Iterator[AuditEntry]:
        for row in self._exec("SELECT * FROM audit WHERE seq > ? ORDER BY seq", after):
            yield _audit_entry(row)

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
        """The audit entry that recorded the acceptance of artefact ``artefact_id``.

        Read latest first, a page at a time: a receipt is signed right after its acceptance,
        whose entry is then among the last few. (Reading and parsing every entry of the action
        made each receipt cost in proportion to the uploads before it.)
        """
        action, before = f"{kind}.accept", None
        while True:
            if before is None:
                sql = "SELECT * FROM audit WHERE action = ? ORDER BY seq DESC LIMIT ?"
                rows = self._all(sql, action, ACCEPTANCE_PAGE)
            else:
                sql = "SELECT * FROM audit WHERE action = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
                rows = self._all(sql, action, before, ACCEPTANCE_PAGE)
            for row in rows:
                entry = _audit_entry(row)
                if entry.payload.get("artefact") == artefact_id:
                    return entry
            if len(rows) < ACCEPTANCE_PAGE:
                return None
            before = int(rows[-1]["seq"])

    def last_audit(self) -> tuple[int, str]:
        row = self._one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        return (int(row["seq"]), str(row["hash"])) if row else (0, GENESIS)

    def add_checkpoint(self, point: Checkpoint) -> None:
        self.chain_write()
        fields = {
            "audit_seq": point.audit_seq,
            "content": point.content,
            "signature": point.signature,
            "at": point.at,
        }
        self._insert_ignore("checkpoints", fields)

    def last_checkpoint_seq(self) -> int:
        row = self._one("SELECT MAX(audit_seq) AS seq FROM checkpoints")
        return int(row["seq"] or 0) if row else 0

    def checkpoints(self, from_seq: int = 0, limit: int | None = None) -> list[Checkpoint]:
        sql = "SELECT * FROM checkpoints WHERE audit_seq >= ? ORDER BY audit_seq"
        rows = (
            self._all(sql, from_seq)
            if limit is None
            else self._all(sql + " LIMIT ?", from_seq, limit)
        )
        return [
            Checkpoint(int(r["audit_seq"]), bytes(r["content"]), bytes(r["signature"]), r["at"])
            for r in rows
        ]

    # -- presence (shared by the workers of one database) --------------------------------
    def presence_row(self, session_id: str, person_id: str) -> PresenceRecord | None:
        return _record(
            PresenceRecord,
            self._one(
                "SELECT * FROM presence WHERE session_id = ? AND person_id = ?",
                session_id,
                person_id,
            ),
        )

    def presence_rows(
        self, session_id: str | None = None, silent_before: float | None = None
    ) -> list[PresenceRecord]:
        """A session's rows (or every session's); with ``silent_before``, only those whose last
        heartbeat is older (the monitor's candidates for offline and alerts)."""
        sql, args = "SELECT * FROM presence WHERE 1 = 1", list[Any]()
        if session_id is not None:
            sql, args = sql + " AND session_id = ?", [*args, session_id]
        if silent_before is not None:
            sql, args = sql + " AND last_beat < ?", [*args, silent_before]
        return _records(PresenceRecord, self._all(sql + " ORDER BY session_id, person_id", *args))

    def put_presence(self, record: PresenceRecord) -> None:
        self._upsert("presence", dataclasses.asdict(record), ("session_id", "person_id"))

    def touch_sockets(self, worker: str, people: Sequence[str], at: float) -> None:
        """The people holding a socket on ``worker`` now; rows of a worker that died go stale."""
        self._exec("DELETE FROM sockets WHERE worker = ?", worker)
        if people:
            self.conn.cursor().executemany(
                self.dialect.sql(
                    "INSERT INTO sockets (worker, person_id, seen_at) VALUES (?, ?, ?)"
                ),
                [(worker, person, at) for person in sorted(set(people))],
            )

    def connected_people(self, fresh_after: float, except_worker: str = "") -> set[str]:
        """People with a socket on another worker that refreshed its rows since ``fresh_after``."""
        rows = self._all(
            "SELECT DISTINCT person_id FROM sockets WHERE seen_at >= ? AND worker <> ?",
            fresh_after,
            except_worker,
        )
        return {row["person_id"] for row in rows}

    def raise_session_alert(self, session_id: str, key: str) -> bool:
        """True the first time ``key`` is raised for the session, on any worker."""
        return self._insert_ignore("session_alerts", {"session_id": session_id, "alert_key": key})


def _audit_entry(row: Any) -> AuditEntry:
    return AuditEntry(
        int(row["seq"]),
        row["at"],
        row["actor"],
        row["action"],
        row["session_id"],
        json.loads(row["payload"]),
        row["prev_hash"],
        row["hash"],
    )
