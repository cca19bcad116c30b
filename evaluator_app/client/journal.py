"""The crash-safe local journal of an expert's unsigned scoring.

Every keystroke in the scoring grid lands here before anything else, so that the application
killed (or the machine losing power) mid-scoring loses nothing the grid has shown as entered.

Why SQLite (WAL, ``synchronous=FULL``) rather than a hand-written fsync'ed append-only log:
one commit is one append to the WAL followed by one fsync (the same I/O as a bare log, see
``benchmarks/bench_client_journal.py``), and SQLite already solves what a log would make us
write and test ourselves: torn final records, replay on open, compaction of a log that grows
with every keystroke of a working day, and atomically updating the revision counter together
with the cell. A snapshot is one indexed query rather than a replay.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from evaluator_app.client.errors import VenueRefused
from evaluator_app.protocol.messages import DraftPut, DraftView
from evaluator_app.protocol.schema import decode

if TYPE_CHECKING:
    from evaluator_app.client.venue_client import VenueClient

logger = logging.getLogger(__name__)
T = TypeVar("T")

Field = Literal["score", "comment", "explanation"]
FIELDS: tuple[str, ...] = ("score", "comment", "explanation")
CONTENT_FORMAT = 1  # the shape of to_venue_content(); bumped if it ever changes

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    session_id TEXT NOT NULL, expert_id TEXT NOT NULL,
    revision INTEGER NOT NULL, synced_revision INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, expert_id));
CREATE TABLE IF NOT EXISTS cells (
    session_id TEXT NOT NULL, expert_id TEXT NOT NULL,
    bidder_id TEXT NOT NULL, item_id TEXT NOT NULL,
    score TEXT, comment TEXT NOT NULL DEFAULT '', explanation TEXT NOT NULL DEFAULT '',
    score_rev INTEGER NOT NULL DEFAULT 0, comment_rev INTEGER NOT NULL DEFAULT 0,
    explanation_rev INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, expert_id, bidder_id, item_id));
"""
# each field remembers the revision that last changed it: a field changed after the last sync
# is this seat's own work, kept when a newer copy from another seat is merged in
_REV_COLUMNS = tuple(f"{field}_rev" for field in FIELDS)


@dataclass(frozen=True)
class CellDraft:
    score: str | None = None  # as typed: the grid validates it, the signed sheet makes it a Decimal
    comment: str = ""
    explanation: str = ""


def _fields(cell: CellDraft) -> dict[str, str | None]:
    return {"score": cell.score, "comment": cell.comment, "explanation": cell.explanation}


@dataclass(frozen=True)
class DraftSnapshot:
    session_id: str
    expert_id: str
    revision: int  # 0: nothing recorded yet
    cells: Mapping[tuple[str, str], CellDraft]  # (bidder_id, item_id) → cell; read-only


class DraftJournal:
    """One SQLite file per workstation user; safe to call from one thread at a time per call."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: the UI may hand a flush to an executor; the lock serialises
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        # FULL: the WAL is fsync'ed at every commit, so a returned record() survives power loss
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.executescript(_SCHEMA)
        have = {row[1] for row in self._conn.execute("PRAGMA table_info(cells)")}
        for column in _REV_COLUMNS:  # a journal written before per-field revisions
            if column not in have:
                self._conn.execute(
                    f"ALTER TABLE cells ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0"
                )
        # one worker: keystrokes handed to arecord() reach the disk in the order they were typed
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="draft-journal")

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            self._conn.close()

    def __enter__(self) -> DraftJournal:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _write(self, work: Any) -> Any:
        """Run ``work(conn)`` in one immediate transaction (one fsync at commit)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return result

    @staticmethod
    def _revision(conn: sqlite3.Connection, session_id: str, expert_id: str) -> tuple[int, int]:
        row = conn.execute(
            "SELECT revision, synced_revision FROM drafts WHERE session_id = ? AND expert_id = ?",
            (session_id, expert_id),
        ).fetchone()
        return (row[0], row[1]) if row else (0, 0)

    def record(
        self,
        session_id: str,
        expert_id: str,
        bidder_id: str,
        item_id: str,
        field: Field,
        value: str,
    ) -> int:
        """Store one change; durable when this returns. Returns the new revision (monotonic)."""
        if field not in FIELDS:
            raise ValueError(f"field must be one of {FIELDS}, not {field!r}")
        stored: str | None = value
        if field == "score" and value.strip() == "":
            stored = None  # a cleared score is no score, not a score of ""
        elif field != "score":
            stored = value or ""

        def work(conn: sqlite3.Connection) -> int:
            revision = self._revision(conn, session_id, expert_id)[0] + 1
            conn.execute(
                "INSERT INTO drafts (session_id, expert_id, revision) VALUES (?, ?, ?) "
                "ON CONFLICT (session_id, expert_id) DO UPDATE SET revision = excluded.revision",
                (session_id, expert_id, revision),
            )
            # the column name comes from FIELDS above, never from the caller's text
            conn.execute(
                "INSERT INTO cells (session_id, expert_id, bidder_id, item_id, "
                f"{field}, {field}_rev) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (session_id, expert_id, bidder_id, item_id) "
                f"DO UPDATE SET {field} = excluded.{field}, {field}_rev = excluded.{field}_rev",
                (session_id, expert_id, bidder_id, item_id, stored, revision),
            )
            return revision

        return int(self._write(work))

    async def arecord(
        self,
        session_id: str,
        expert_id: str,
        bidder_id: str,
        item_id: str,
        field: Field,
        value: str,
    ) -> int:
        """:meth:`record` off the event loop (the Qt thread): an fsync can stall for a long
        moment on a busy disk (see the benchmark's max). Calls are applied in call order."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, self.record, session_id, expert_id, bidder_id, item_id, field, value
        )

    async def acall(self, work: Callable[..., T], *args: Any) -> T:
        """Run a journal call on the journal's own thread, after every keystroke handed over."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, work, *args)

    def snapshot(self, session_id: str, expert_id: str) -> DraftSnapshot:
        with self._lock:
            revision = self._revision(self._conn, session_id, expert_id)[0]
            rows = self._conn.execute(
                "SELECT bidder_id, item_id, score, comment, explanation FROM cells "
                "WHERE session_id = ? AND expert_id = ? ORDER BY bidder_id, item_id",
                (session_id, expert_id),
            ).fetchall()
        cells = {(b, i): CellDraft(s, c, e) for b, i, s, c, e in rows}
        return DraftSnapshot(session_id, expert_id, revision, MappingProxyType(cells))

    @staticmethod
    def to_venue_content(snapshot: DraftSnapshot) -> dict[str, Any]:
        """The JSON the venue's draft store keeps (``PUT /sessions/{id}/draft`` with the revision).

        A list of cells rather than "bidder/item" keys: ids may contain any character.
        Empty fields are left out to keep the venue's copy small.
        """
        cells = []
        for (bidder_id, item_id), cell in snapshot.cells.items():
            entry: dict[str, str] = {"bidder_id": bidder_id, "item_id": item_id}
            if cell.score is not None:
                entry["score"] = cell.score
            if cell.comment:
                entry["comment"] = cell.comment
            if cell.explanation:
                entry["explanation"] = cell.explanation
            cells.append(entry)
        return {"format": CONTENT_FORMAT, "cells": cells}

    @staticmethod
    def cells_from_content(content: Mapping[str, Any]) -> dict[tuple[str, str], CellDraft]:
        """Read the venue's copy back; also the flat ``{"B1/item": "score"}`` form."""
        if "cells" in content and isinstance(content["cells"], list):
            out = {}
            for entry in content["cells"]:
                score = entry.get("score")
                out[(str(entry["bidder_id"]), str(entry["item_id"]))] = CellDraft(
                    None if score is None else str(score),
                    str(entry.get("comment", "")),
                    str(entry.get("explanation", "")),
                )
            return out
        flat = {}
        for key, value in content.items():
            if isinstance(key, str) and "/" in key:
                bidder_id, item_id = key.split("/", 1)
                flat[(bidder_id, item_id)] = CellDraft(None if value is None else str(value))
        return flat

    def merge_venue_draft(self, session_id: str, expert_id: str, view: DraftView) -> bool:
        """Take in the venue's copy when it holds work this seat has not seen (the expert typed
        at another seat). True if anything here changed.

        The venue's cells are taken, then every field changed at this seat since its last sync
        is laid over them: nothing typed on either seat is lost, and when both changed the same
        field the one typed here (the person is at this seat now) wins. If this seat's own work
        remains, the revision moves past the venue's so that the next push sends the merge.
        """
        theirs = self.cells_from_content(view.content)

        def work(conn: sqlite3.Connection) -> bool:
            revision, synced = self._revision(conn, session_id, expert_id)
            if view.revision <= synced:
                return False  # the venue holds nothing this seat has not seen
            rows = conn.execute(
                "SELECT bidder_id, item_id, score, comment, explanation, "
                + ", ".join(_REV_COLUMNS)
                + " FROM cells WHERE session_id = ? AND expert_id = ?",
                (session_id, expert_id),
            ).fetchall()
            mine: dict[tuple[str, str], dict[str, str | None]] = {}
            for bidder_id, item_id, *values in rows:
                fields = dict(zip(FIELDS, values[:3], strict=True))
                pending = {
                    f: fields[f] for f, rev in zip(FIELDS, values[3:], strict=True) if rev > synced
                }
                if pending:
                    mine[(bidder_id, item_id)] = pending
            merged = {key: _fields(cell) for key, cell in theirs.items()}
            own = False
            for key, pending in mine.items():
                cell = merged.setdefault(key, _fields(CellDraft()))
                for field, value in pending.items():
                    own = own or cell[field] != value
                    cell[field] = value
            new_revision = max(revision, view.revision) + (1 if own else 0)
            conn.execute(
                "DELETE FROM cells WHERE session_id = ? AND expert_id = ?", (session_id, expert_id)
            )
            conn.executemany(
                "INSERT INTO cells (session_id, expert_id, bidder_id, item_id, score, comment, "
                "explanation, "
                + ", ".join(_REV_COLUMNS)
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        *(session_id, expert_id, b, i, c["score"]),
                        *(c["comment"] or "", c["explanation"] or ""),
                        *(
                            new_revision if f in mine.get((b, i), {}) else view.revision
                            for f in FIELDS
                        ),
                    )
                    for (b, i), c in merged.items()
                ],
            )
            conn.execute(
                "INSERT INTO drafts (session_id, expert_id, revision, synced_revision) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (session_id, expert_id) DO UPDATE SET "
                "revision = excluded.revision, synced_revision = excluded.synced_revision",
                (session_id, expert_id, new_revision, view.revision),
            )
            before = {(b, i): dict(zip(FIELDS, values[:3], strict=True)) for b, i, *values in rows}
            return before != merged

        taken = bool(self._write(work))
        if taken:
            logger.info(
                "draft %s/%s: merged the venue's revision %d", session_id, expert_id, view.revision
            )
        return taken

    def mark_synced(self, session_id: str, expert_id: str, revision: int) -> None:
        """The venue holds ``revision``; never moves backwards (replies may arrive out of order)."""
        self._write(
            lambda conn: conn.execute(
                "UPDATE drafts SET synced_revision = MAX(synced_revision, ?) "
                "WHERE session_id = ? AND expert_id = ?",
                (revision, session_id, expert_id),
            )
        )

    def unsynced(self, session_id: str, expert_id: str) -> bool:
        with self._lock:
            revision, synced = self._revision(self._conn, session_id, expert_id)
        return revision > synced

    def clear(self, session_id: str, expert_id: str) -> int:
        """Empty the draft (the signed sheet was accepted). Returns the new revision.

        The revision counter is not reset: it moves on by one, so the empty draft is newer
        than the venue's copy (which keeps the highest revision) and syncs like any change.
        """

        def work(conn: sqlite3.Connection) -> int:
            conn.execute(
                "DELETE FROM cells WHERE session_id = ? AND expert_id = ?", (session_id, expert_id)
            )
            revision = self._revision(conn, session_id, expert_id)[0] + 1
            conn.execute(
                "INSERT INTO drafts (session_id, expert_id, revision) VALUES (?, ?, ?) "
                "ON CONFLICT (session_id, expert_id) DO UPDATE SET revision = excluded.revision",
                (session_id, expert_id, revision),
            )
            return revision

        return int(self._write(work))


# -- the venue's copy -------------------------------------------------------------------
@dataclass(frozen=True)
class DraftSync:
    snapshot: DraftSnapshot  # the journal after the sync
    merged: bool  # work typed at another seat came in: a grid showing the draft must reload


async def pull_draft(
    journal: DraftJournal, client: VenueClient, session_id: str, expert_id: str
) -> bool:
    """On joining a session: merge in the venue's copy if it holds work from another seat.
    True if the local draft changed."""
    try:
        view = await client.get(f"/sessions/{session_id}/draft", DraftView)
    except VenueRefused as exc:
        if exc.code == "no_draft":
            return False
        raise
    return await journal.acall(journal.merge_venue_draft, session_id, expert_id, view)


async def push_draft(
    journal: DraftJournal, client: VenueClient, session_id: str, expert_id: str
) -> DraftSync:
    """Send the local draft to the venue if it has changes the venue lacks.

    The venue keeps the highest revision. When it answers with another copy (the expert typed
    at another seat since), that copy is merged here (see ``merge_venue_draft``) and the merge
    is sent in turn, so both seats' work ends up at the venue. Raises VenueUnreachable: the
    draft simply stays unsynced and the next call sends it.
    """
    merged = False
    for _ in range(3):  # a merge, then its push; a third seat typing at once may need one more
        if not await journal.acall(journal.unsynced, session_id, expert_id):
            break
        snap = await journal.acall(journal.snapshot, session_id, expert_id)
        content = journal.to_venue_content(snap)
        data = await client.request(
            "PUT", f"/sessions/{session_id}/draft", DraftPut(snap.revision, content)
        )
        view = decode(DraftView, data)
        if view.revision == snap.revision and view.content == content:
            await journal.acall(journal.mark_synced, session_id, expert_id, snap.revision)
            break
        # another seat's copy, at a higher revision or (typed as fast) at the same one
        merged = (
            await journal.acall(journal.merge_venue_draft, session_id, expert_id, view) or merged
        )
    return DraftSync(await journal.acall(journal.snapshot, session_id, expert_id), merged)
