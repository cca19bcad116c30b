"""The PostgreSQL store on a real server: SQLite's semantics, held across several connections
(as several workers hold them): one writer at a time, unique keys, events visible in order."""

from __future__ import annotations

import threading
import time

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


@pytest.mark.parametrize("scoped", [False, True], ids=["writer lock", "session scopes"])
def test_concurrent_writers_make_one_chain_and_events_become_visible_in_order(stores, scoped):
    """Eight threads on two stores append audit entries and events at once, while a reader
    polls ``events_since``: the chain verifies with no fork, and every poll saw a gap-free
    prefix of the final sequence (nothing became visible out of order). With session scopes,
    six threads write for three sessions (taking the chain lock at their first append) and two
    without a scope, all at once."""
    a, b = stores
    per_thread, threads = 40, 8
    done = threading.Event()
    seen: list[list[int]] = []

    def write(store: PgStore, n: int) -> None:
        for i in range(per_thread):
            scope = f"S{n % 3}" if scoped and n < 6 else None
            with store.transaction(scope=scope) as tx:
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


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_an_acceptance_is_found_on_any_page_of_its_action(engine, pg_dsn, tmp_path):
    """Latest first, a page at a time: the newest, one a page further back, the first; and an
    artefact with no acceptance is None after the last page."""
    from evaluator_app.venue.store import open_store
    from evaluator_app.venue.store.tx_log import ACCEPTANCE_PAGE

    store = open_store(pg_dsn if engine == "postgresql" else "sqlite", tmp_path / "v.sqlite")
    count = ACCEPTANCE_PAGE * 2 + 5
    with store.transaction() as tx:
        for i in range(count):
            tx.append_audit("t", "p1", "declaration.accept", "S1", {"artefact": i})
            tx.append_audit("t", "p1", "score_sheet.accept", "S1", {"artefact": i})
    with store.transaction() as tx:
        for wanted in (count - 1, count - 1 - ACCEPTANCE_PAGE - 3, 0):
            entry = tx.acceptance_entry(wanted, "declaration")
            assert entry is not None and entry.action == "declaration.accept"
            assert entry.payload == {"artefact": wanted} and entry.seq == 2 * wanted + 1
        assert tx.acceptance_entry(count, "declaration") is None
    store.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_artefacts_without_blobs_are_the_same_records_without_pdf_and_receipt(
    engine, pg_dsn, tmp_path
):
    from dataclasses import replace

    from evaluator_app.venue.store import open_store

    store = open_store(pg_dsn if engine == "postgresql" else "sqlite", tmp_path / "v.sqlite")
    with store.transaction() as tx:
        tx.insert_session(session())
        one = tx.insert_artefact(replace(artefact("p1:k1"), pdf=b"%PDF-1.7 sheet"))
        tx.set_receipt(one.id, b"receipt", b"receipt-sig")
        tx.insert_artefact(artefact("p1:k2"))
    with store.reading() as tx:
        full, light = tx.artefacts("S1", "declaration"), tx.artefacts("S1", blobs=False)
    assert full[0].pdf == b"%PDF-1.7 sheet" and full[0].receipt == b"receipt"
    blank = {"pdf": None, "receipt": None, "receipt_signature": None}
    assert light == [replace(a, **blank) for a in full] and len(light) == 2
    assert isinstance(light[0].content, bytes)
    store.close()


def test_a_connection_the_server_closed_while_idle_is_not_lent(pg_dsn):
    """The pool's check is a round trip only for a connection the server spoke on; one it
    terminated (as a restart does) is replaced, and the next transaction works."""
    import psycopg

    store = PgStore(pg_dsn, max_size=1)
    with store.reading() as tx:
        pid = tx.conn.execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"]
    with psycopg.connect(pg_dsn, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.5)  # the terminated backend's FATAL notice reaches the idle socket
    with store.reading() as tx:
        assert tx.conn.execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"] != pid
    store.close()


def test_a_connection_above_select_s_descriptor_limit_is_lent(pg_dsn):
    """A worker with hundreds of WebSockets holds descriptors above FD_SETSIZE (1024); the
    pool's idle check must still work there (select() raises ValueError on such a descriptor)."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1500
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"this machine allows only {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    filler = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        store = PgStore(pg_dsn, max_size=1)
        for _ in range(3):  # lent again and again: each lending runs the check
            with store.reading() as tx:
                assert tx.conn.fileno() > 1024
                assert tx.conn.execute("SELECT 1 AS one").fetchone()["one"] == 1
        store.close()
    finally:
        for fd in filler:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
