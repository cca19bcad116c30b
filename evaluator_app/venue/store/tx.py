"""One store transaction: every read and write of the venue's tables, for SQLite and PostgreSQL.

The transaction itself is opened by the store: SQLite's ``BEGIN IMMEDIATE`` or PostgreSQL's
writer lock (see postgres.py), so a Tx that writes runs alone among writers and reads what
every earlier writer committed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from evaluator_app.venue.errors import Conflict
from evaluator_app.venue.store.dialect import _blob, _record, _records
from evaluator_app.venue.store.records import (
    ArtefactRecord,
    DocumentRecord,
    DraftRecord,
    MemberRecord,
    PersonRecord,
    SessionRecord,
    TokenRecord,
    WorkstationRecord,
)
from evaluator_app.venue.store.tx_log import LogTx

# every column of artefacts but the PDF and the receipt, in ArtefactRecord's order
_WITHOUT_BLOBS = ", ".join(
    f"NULL AS {f.name}" if f.name in ("pdf", "receipt", "receipt_signature") else f.name
    for f in dataclasses.fields(ArtefactRecord)
)


class StoreTx(LogTx):
    """One transaction. Every read and write method of the store lives here or in LogTx."""

    # -- sessions and people ---------------------------------------------------------
    def insert_session(self, record: SessionRecord) -> None:
        fields = dataclasses.asdict(record)
        try:
            marks = ", ".join("?" * len(fields))
            self._exec(
                f"INSERT INTO sessions ({', '.join(fields)}) VALUES ({marks})", *fields.values()
            )
        except self.dialect.integrity_errors as exc:
            raise Conflict(
                f"session {record.id} already exists", f"评标会话 {record.id} 已存在"
            ) from exc

    def session(self, session_id: str) -> SessionRecord | None:
        return _record(SessionRecord, self._one("SELECT * FROM sessions WHERE id = ?", session_id))

    def sessions(self) -> list[SessionRecord]:
        return _records(SessionRecord, self._all("SELECT * FROM sessions ORDER BY created_at, id"))

    def set_phase(self, session_id: str, phase: str, paused_in: str | None, since: str) -> None:
        self._exec(
            "UPDATE sessions SET phase = ?, paused_in = ?, phase_since = ? WHERE id = ?",
            phase,
            paused_in,
            since,
            session_id,
        )

    def set_leader(self, session_id: str, leader_id: str | None) -> None:
        self._exec("UPDATE sessions SET leader_id = ? WHERE id = ?", leader_id, session_id)

    def upsert_member(self, record: MemberRecord) -> None:
        self._upsert("members", dataclasses.asdict(record), ("session_id", "person_id"))

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
        self._upsert("people", dataclasses.asdict(record), ("person_id",))

    def sync_people(self, people: Sequence[PersonRecord]) -> None:
        """Make the people table exactly the roster: someone struck off can no longer log in."""
        keep = {p.person_id for p in people}
        held = {row["person_id"]: row for row in self._all("SELECT * FROM people")}
        for person_id in held:
            if person_id not in keep:
                self._exec("DELETE FROM people WHERE person_id = ?", person_id)
                self._exec("DELETE FROM tokens WHERE person_id = ?", person_id)
        for person in people:
            row = held.get(person.person_id)
            if row is None or _record(PersonRecord, row) != person:  # several workers start at once
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
        self._upsert("workstations", dataclasses.asdict(record), ("id",))

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
        self._exec(
            f"INSERT INTO tokens ({', '.join(fields)}) VALUES (?, ?, ?, ?, ?)", *fields.values()
        )

    def token(self, token_hash: str) -> TokenRecord | None:
        return _record(
            TokenRecord, self._one("SELECT * FROM tokens WHERE token_hash = ?", token_hash)
        )

    def delete_expired_tokens(self, now: str) -> None:
        self._exec("DELETE FROM tokens WHERE expires_at < ?", now)
        self._exec("DELETE FROM nonces WHERE expires_at < ?", now)

    def insert_nonce(self, nonce: str, expires_at: str) -> None:
        self._exec("INSERT INTO nonces (nonce, expires_at) VALUES (?, ?)", nonce, expires_at)

    def consume_nonce(self, nonce: str, now: str) -> bool:
        """True once for a live nonce; a replay, an expired or an unknown nonce gives False."""
        cur = self._exec(
            "UPDATE nonces SET used = 1 WHERE nonce = ? AND used = 0 AND expires_at >= ?",
            nonce,
            now,
        )
        return bool(cur.rowcount == 1)

    # -- artefacts -------------------------------------------------------------------
    def _artefact(self, row: Any) -> ArtefactRecord | None:
        record = _record(ArtefactRecord, row)
        if record is None or self.dialect.name == "sqlite":
            return record
        return dataclasses.replace(  # bytea arrives as memoryview/bytes: always bytes above
            record,
            content=bytes(record.content),
            signature=bytes(record.signature),
            pdf=_blob(record.pdf),
            receipt=_blob(record.receipt),
            receipt_signature=_blob(record.receipt_signature),
        )

    def artefact_by_key(self, idempotency_key: str) -> ArtefactRecord | None:
        return self._artefact(
            self._one("SELECT * FROM artefacts WHERE idempotency_key = ?", idempotency_key)
        )

    def insert_artefact(self, record: ArtefactRecord) -> ArtefactRecord:
        fields = {k: v for k, v in dataclasses.asdict(record).items() if k != "id"}
        return dataclasses.replace(record, id=self._insert_id("artefacts", fields, "id"))

    def set_receipt(
        self, artefact_id: int, receipt: bytes, signature: bytes
    ) -> tuple[bytes, bytes]:
        """Keep the first receipt signed for an artefact; returns the one kept.

        Two workers may sign a receipt for the same artefact at once (a retry arrived at the
        other): the client must hear the same receipt whichever answers, so the first wins.
        """
        self._exec(
            "UPDATE artefacts SET receipt = ?, receipt_signature = ?"
            " WHERE id = ? AND receipt IS NULL",
            receipt,
            signature,
            artefact_id,
        )
        row = self._one(
            "SELECT receipt, receipt_signature FROM artefacts WHERE id = ?", artefact_id
        )
        return bytes(row["receipt"]), bytes(row["receipt_signature"])

    def set_artefact_status(self, artefact_id: int, status: str) -> None:
        self._exec("UPDATE artefacts SET status = ? WHERE id = ?", status, artefact_id)

    def artefacts(
        self,
        session_id: str,
        kind: str | None = None,
        person_id: str | None = None,
        blobs: bool = True,
    ) -> list[ArtefactRecord]:
        """``blobs=False``: the PDF and the receipt are not read (None in the records), for the
        rules, which look at the signed JSON only: a session's sheets are re-read at every upload,
        and their PDFs are most of their bytes."""
        columns = "*" if blobs else _WITHOUT_BLOBS
        sql, args = f"SELECT {columns} FROM artefacts WHERE session_id = ?", [session_id]
        if kind is not None:
            sql, args = sql + " AND kind = ?", [*args, kind]
        if person_id is not None:
            sql, args = sql + " AND person_id = ?", [*args, person_id]
        rows = self._all(sql + " ORDER BY id", *args)
        return [r for r in (self._artefact(row) for row in rows) if r is not None]

    # -- drafts ----------------------------------------------------------------------
    def put_draft(self, record: DraftRecord) -> None:
        self._upsert("drafts", dataclasses.asdict(record), ("session_id", "person_id"))

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
        self._insert_ignore("blobs", {"sha256": record.sha256, "size": record.size})
        self._upsert("documents", dataclasses.asdict(record), ("session_id", "doc_id"))

    def documents(self, session_id: str) -> list[DocumentRecord]:
        return _records(
            DocumentRecord,
            self._all("SELECT * FROM documents WHERE session_id = ? ORDER BY doc_id", session_id),
        )

    # -- the evaluation report --------------------------------------------------------
    def add_report_revision(
        self, session_id: str, revision: int, kind: str, person_id: str, pdf: bytes, at: str
    ) -> None:
        self._exec(
            "INSERT INTO report_revisions (session_id, revision, kind, person_id, pdf, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            session_id,
            revision,
            kind,
            person_id,
            pdf,
            at,
        )

    def delete_report(self, session_id: str) -> None:
        self._exec("DELETE FROM report_revisions WHERE session_id = ?", session_id)

    def report_revisions(self, session_id: str) -> list[tuple[int, str, str, str]]:
        """(revision, kind, person_id, created_at), oldest first."""
        rows = self._all(
            "SELECT revision, kind, person_id, created_at FROM report_revisions"
            " WHERE session_id = ? ORDER BY revision",
            session_id,
        )
        return [(int(r["revision"]), r["kind"], r["person_id"], r["created_at"]) for r in rows]

    def report_pdf(self, session_id: str, revision: int | None = None) -> tuple[int, bytes] | None:
        if revision is None:
            row = self._one(
                "SELECT revision, pdf FROM report_revisions WHERE session_id = ?"
                " ORDER BY revision DESC LIMIT 1",
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
        fields = {
            "session_id": session_id,
            "status": status,
            "stage": stage,
            "done": done,
            "total": total,
            "result": result,
            "error": error,
            "updated_at": at,
        }
        self._upsert("collusion", fields, ("session_id",))

    def collusion(self, session_id: str) -> dict[str, Any] | None:
        row = self._one("SELECT * FROM collusion WHERE session_id = ?", session_id)
        return dict(row) if row else None

    # -- the expert draw's record ----------------------------------------------------------
    def set_draw_bundle(self, session_id: str, bundle: bytes, sha256: str, at: str) -> None:
        fields = {"session_id": session_id, "bundle": bundle, "sha256": sha256, "updated_at": at}
        self._upsert("session_draws", fields, ("session_id",))

    def has_draw(self, session_id: str) -> bool:
        return self._one("SELECT 1 FROM session_draws WHERE session_id = ?", session_id) is not None

    def draw_bundle(self, session_id: str) -> bytes | None:
        row = self._one("SELECT bundle FROM session_draws WHERE session_id = ?", session_id)
        return bytes(row["bundle"]) if row else None

    # -- answers to retried requests (an Idempotency-Key on a POST) -------------------------
    def mark_request(self, scope: str, key: str, at: float) -> None:
        """In the transaction that makes a request's change: if its answer is then lost, a retry
        learns that it was applied instead of applying it twice."""
        self._insert_ignore("requests", {"scope": scope, "key": key, "at": at})

    def request_answer(self, scope: str, key: str) -> tuple[int | None, bytes | None] | None:
        row = self._one("SELECT status, body FROM requests WHERE scope = ? AND key = ?", scope, key)
        if row is None:
            return None
        return row["status"], _blob(row["body"])

    def save_answer(self, scope: str, key: str, status: int, body: bytes, at: float) -> None:
        fields = {"scope": scope, "key": key, "at": at, "status": status, "body": body}
        self._upsert("requests", fields, ("scope", "key"))

    def forget_requests(self, before: float) -> None:
        self._exec("DELETE FROM requests WHERE at < ?", before)

    # -- leases of background work (one worker at a time; taken over when it dies) ------------
    def claim_lease(self, name: str, worker: str, now: float, seconds: float) -> bool:
        """Take or renew ``name`` for ``worker`` unless another worker holds it unexpired."""
        cur = self._exec(
            "INSERT INTO leases (name, worker, until) VALUES (?, ?, ?) ON CONFLICT (name) DO"
            " UPDATE SET worker = excluded.worker, until = excluded.until"
            " WHERE leases.until < ? OR leases.worker = ?",
            name,
            worker,
            now + seconds,
            now,
            worker,
        )
        return bool(cur.rowcount == 1)

    def release_lease(self, name: str, worker: str) -> None:
        self._exec("DELETE FROM leases WHERE name = ? AND worker = ?", name, worker)

    def lease_free(self, name: str, now: float) -> bool:
        row = self._one("SELECT until FROM leases WHERE name = ?", name)
        return row is None or float(row["until"]) < now

    def running_analyses(self) -> list[str]:
        rows = self._all("SELECT session_id FROM collusion WHERE status = 'running'")
        return [row["session_id"] for row in rows]
