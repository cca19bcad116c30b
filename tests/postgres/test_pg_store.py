"""The PostgreSQL store on a real server: SQLite's semantics, held across several connections
(as several workers hold them): one writer at a time, unique keys, events visible in order."""

from __future__ import annotations

import threading

import pytest

from evaluator_app.auditlog.chain import verify_chain
from evaluator_app.venue.errors import Conflict, StoreError
from evaluator_app.venue.store.pg_migrations import PG_MIGRATIONS
from evaluator_app.venue.store.postgres import PgStore
from evaluator_app.venue.store.records import ArtefactRecord, SessionRecord


def session(sid: str = "S1") -> SessionRecord:
    return SessionRecord(
        sid, "t", "{}", "lot-1", "jinan", "preparing", None, None, None, "t", "t", "c"
    )


def artefact(key: str) -> ArtefactRecord:
    return ArtefactRecord(
        0, "S1", "declaration", "p1", 1, key, b"{}", b"sig", None, "00", "accepted", None, None, "t"
    )


@pytest.fixture
def stores(pg_dsn):  # type: ignore[no-untyped-def]
    """Two stores on one database: two workers."""
    a, b = PgStore(pg_dsn), PgStore(pg_dsn)
    yield a, b
    a.close()
    b.close()


def test_fresh_database_is_migrated_once_and_a_failed_transaction_leaves_nothing(stores):
    a, b = stores
    assert a.schema_version == b.schema_version == len(PG_MIGRATIONS)
    with pytest.raises(RuntimeError), a.transaction() as tx:
        tx.insert_session(session())
        tx.append_audit("t", "c", "session.create", "S1", {})
        raise RuntimeError("crash mid-transaction")
    with b.reading() as tx:
        assert tx.session("S1") is None and tx.last_audit()[0] == 0


def test_keys_hold_across_workers(stores):
    a, b = stores
    with a.transaction() as tx:
        tx.insert_session(session())
        tx.insert_nonce("n1", "2099")
        tx.insert_artefact(artefact("p1:k1"))
    with pytest.raises(Conflict), b.transaction() as tx:
        tx.insert_session(session())
    with b.transaction() as tx:
        assert tx.consume_nonce("n1", "2000") is True  # a login challenge answered on worker B
    with a.transaction() as tx:
        assert tx.consume_nonce("n1", "2000") is False  # …never twice, on any worker
        assert tx.artefact_by_key("p1:k1") is not None


def test_the_first_receipt_signed_is_the_one_kept(stores):
    a, b = stores
    with a.transaction() as tx:
        tx.insert_session(session())
        stored = tx.insert_artefact(artefact("p1:k1"))
    with a.transaction() as tx:
        assert tx.set_receipt(stored.id, b"first", b"sig1") == (b"first", b"sig1")
    with b.transaction() as tx:
        assert tx.set_receipt(stored.id, b"second", b"sig2") == (b"first", b"sig1")


def test_a_read_only_snapshot_refuses_writes(stores):
    import psycopg

    a, _ = stores
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction), a.reading() as tx:
        tx.append_event(None, "k", "all", {}, "t")


def test_concurrent_writers_make_one_chain_and_events_become_visible_in_order(stores):
    """Eight threads on two stores append audit entries and events at once, while a reader
    polls ``events_since``: the chain verifies with no fork, and every poll saw a gap-free
    prefix of the final sequence (nothing became visible out of order)."""
    a, b = stores
    per_thread, threads = 40, 8
    done = threading.Event()
    seen: list[list[int]] = []

    def write(store: PgStore, n: int) -> None:
        for i in range(per_thread):
            with store.transaction() as tx:
                tx.append_event(None, "k", "all", {"t": n, "i": i}, "t")
                tx.append_audit("t", f"w{n}", "act", None, {"i": i})

    def read() -> None:
        last = 0
        while not done.is_set():
            with b.reading() as tx:
                page = [e.seq for e in tx.events_since(last)]
            if page:
                seen.append(page)
                last = page[-1]

    reader = threading.Thread(target=read)
    reader.start()
    workers = [threading.Thread(target=write, args=((a, b)[n % 2], n)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    done.set()
    reader.join()
    with a.reading() as tx:
        final = [e.seq for e in tx.events_since(0)]
        entries, points = list(tx.audit_entries()), tx.checkpoints()
    assert len(final) == per_thread * threads
    observed = [seq for page in seen for seq in page]
    assert observed == final[: len(observed)]  # in order, nothing skipped then filled in
    report = verify_chain(entries, points, None)
    assert report.ok and report.entries == per_thread * threads, report


def test_an_unreachable_server_is_a_503_saying_why(pg_server):
    with pytest.raises(StoreError) as caught:
        PgStore(f"postgresql://postgres@127.0.0.1:{pg_server.port + 1}/none", timeout=1)
    assert caught.value.status == 503 and "cannot open" in caught.value.message_en
