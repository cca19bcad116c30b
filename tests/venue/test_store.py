"""The SQLite store: migrations, transactions, audit chain, events, crash safety."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from evaluator_app.auditlog.chain import Checkpoint, checkpoint_content, verify_chain
from evaluator_app.venue.errors import Conflict
from evaluator_app.venue.store import SqliteStore
from evaluator_app.venue.store.records import SessionRecord

AT = "2026-11-26T09:00:00Z"


def session(sid: str = "S1") -> SessionRecord:
    return SessionRecord(
        sid, "教学楼", "{}", "lot-1", "jinan", "preparing", None, None, None, AT, AT, "centre-1"
    )


def test_fresh_database_is_migrated_with_wal_and_foreign_keys(tmp_path):
    store = SqliteStore(tmp_path / "venue.db")
    assert store.schema_version >= 1
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    version = store.schema_version
    store.close()
    again = SqliteStore(tmp_path / "venue.db")  # reopening migrates nothing
    assert again.schema_version == version


def test_a_failing_transaction_leaves_nothing(tmp_path):
    store = SqliteStore(tmp_path / "venue.db")
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.insert_session(session())
        tx.append_audit(AT, "centre-1", "session.create", "S1", {})
        raise RuntimeError("boom")
    with store.transaction() as tx:
        assert tx.sessions() == []
        assert list(tx.audit_entries()) == []


def test_duplicate_session_is_a_conflict(tmp_path):
    store = SqliteStore(tmp_path / "venue.db")
    with store.transaction() as tx:
        tx.insert_session(session())
    with pytest.raises(Conflict), store.transaction() as tx:
        tx.insert_session(session())


def test_foreign_keys_are_enforced(tmp_path):
    store = SqliteStore(tmp_path / "venue.db")
    with pytest.raises(sqlite3.IntegrityError), store.transaction() as tx:
        tx.conn.execute("INSERT INTO drafts VALUES ('nope', 'E1', 1, '{}', ?)", (AT,))


def test_nonce_is_consumed_once(tmp_path):
    store = SqliteStore(tmp_path / "venue.db")
    with store.transaction() as tx:
        tx.insert_nonce("n1", "2026-11-26T09:05:00Z")
        assert tx.consume_nonce("n1", AT)
        assert not tx.consume_nonce("n1", AT)  # replay
        tx.insert_nonce("n2", "2026-11-26T08:00:00Z")
        assert not tx.consume_nonce("n2", AT)  # expired
        assert not tx.consume_nonce("n3", AT)  # unknown


def test_events_replay_since(tmp_path):
    store = SqliteStore(tmp_path / "venue.db")
    with store.transaction() as tx:
        seqs = [tx.append_event("S1", "phase", "all", {"n": n}, AT).seq for n in range(5)]
    with store.transaction() as tx:
        assert [json.loads(e.payload)["n"] for e in tx.events_since(seqs[1])] == [2, 3, 4]
        assert tx.last_event_seq() == seqs[-1]


def test_audit_chain_verifies_and_names_first_tampered_entry(tmp_path):
    store = SqliteStore(tmp_path / "venue.db")
    with store.transaction() as tx:
        for n in range(6):
            tx.append_audit(AT, "E1", "draft.save", "S1", {"n": n})
        seq, digest = tx.last_audit()
        tx.add_checkpoint(Checkpoint(seq, checkpoint_content("jinan", seq, digest, AT), b"sig", AT))
    with store.transaction() as tx:
        report = verify_chain(tx.audit_entries(), tx.checkpoints(), None)
    assert report.ok and report.entries == 6 and report.checkpoints == 1
    store.conn.execute("UPDATE audit SET payload = '{\"n\": 99}' WHERE seq = 3")
    with store.transaction() as tx:
        report = verify_chain(tx.audit_entries(), tx.checkpoints(), None)
    assert not report.ok and report.first_broken == 3 and "altered" in report.reason


def test_rewritten_tail_is_caught_by_the_checkpoint(tmp_path):
    store = SqliteStore(tmp_path / "venue.db")
    with store.transaction() as tx:
        for n in range(4):
            tx.append_audit(AT, "E1", "x", None, {"n": n})
        seq, digest = tx.last_audit()
        tx.add_checkpoint(Checkpoint(seq, checkpoint_content("jinan", seq, digest, AT), b"sig", AT))
    # a forger deletes the last entry and re-appends a consistent one: hashes chain, the
    # checkpoint does not
    store.conn.execute("DELETE FROM checkpoints")
    store.conn.execute("DELETE FROM audit WHERE seq = 4")
    with store.transaction() as tx:
        tx.append_audit(AT, "E1", "x", None, {"n": "forged"})
    store.conn.execute(
        "INSERT INTO checkpoints VALUES (?, ?, ?, ?)",
        (seq, checkpoint_content("jinan", seq, digest, AT), b"sig", AT),
    )
    with store.transaction() as tx:
        report = verify_chain(tx.audit_entries(), tx.checkpoints(), None)
    assert (
        not report.ok and report.first_broken == 4 and "does not match the chain" in report.reason
    )


WRITER = textwrap.dedent(
    """
    import sys
    from evaluator_app.venue.store import SqliteStore
    store = SqliteStore(sys.argv[1])
    n = 0
    while True:
        with store.transaction() as tx:
            tx.append_audit("2026-11-26T09:00:00Z", "E1", "draft.save", None, {"n": n})
            tx.append_event(None, "draft", "all", {"n": n}, "2026-11-26T09:00:00Z")
        print(n, flush=True)  # acknowledged only after COMMIT returned
        n += 1
    """
)


def test_sigkill_loses_nothing_acknowledged(tmp_path):
    path = tmp_path / "venue.db"
    SqliteStore(path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    acknowledged = -1
    assert proc.stdout is not None
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 200:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = SqliteStore(path)
    with store.transaction() as tx:
        entries = list(tx.audit_entries())
        report = verify_chain(entries, [], None)
        events = tx.events_since(0)
    assert report.ok, report.reason
    assert len(entries) >= acknowledged + 1  # every acknowledged write survived
    assert len(events) == len(entries)  # audit entry and event were committed together


def test_an_older_database_is_migrated_forward_keeping_its_data(tmp_path, monkeypatch):
    from evaluator_app.venue.store import migrations, sqlite

    monkeypatch.setattr(sqlite, "MIGRATIONS", migrations.MIGRATIONS[:1])
    old = SqliteStore(tmp_path / "venue.db")
    with old.transaction() as tx:  # the columns schema 1 had
        tx.conn.execute(
            "INSERT INTO sessions VALUES "
            "('S1', 't', '{}', 'lot-1', 'jinan', 'preparing', NULL, NULL, NULL, ?, ?, 'c')",
            (AT, AT),
        )
    assert old.schema_version == 1
    old.close()
    monkeypatch.setattr(sqlite, "MIGRATIONS", migrations.MIGRATIONS)
    new = SqliteStore(tmp_path / "venue.db")
    assert new.schema_version == len(migrations.MIGRATIONS)
    with new.transaction() as tx:
        assert tx.session("S1") is not None and tx.session("S1").packages == "[]"
        assert tx.report_revisions("S1") == []


def test_a_newer_database_is_refused(tmp_path, monkeypatch):
    from evaluator_app.venue.errors import StoreError
    from evaluator_app.venue.store import migrations, sqlite

    SqliteStore(tmp_path / "venue.db").close()
    monkeypatch.setattr(sqlite, "MIGRATIONS", migrations.MIGRATIONS[:1])
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(tmp_path / "venue.db")
