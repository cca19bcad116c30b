"""The PostgreSQL store: a pool of connections (psycopg 3 and psycopg_pool), one writer at a time.

SQLite's semantics, made explicit for several workers on one database:

- **one writer at a time**: every writing transaction first takes the transaction-scoped
  advisory lock :data:`WRITER_LOCK`, as SQLite's ``BEGIN IMMEDIATE`` takes its write lock;
  the work of one session (an upload) holds it shared with its session's lock, and the
  :data:`CHAIN_LOCK` from its first append to the chain or the events (see ``transaction``).
  So a transaction reads what every earlier writer committed, the audit chain's head it
  extends is the real head, signed tree heads and checkpoints are made in chain order, and
  event sequence numbers commit in increasing order (a reader never sees seq N+1 before N).
  The lock is released by COMMIT or ROLLBACK, and by PostgreSQL itself when a worker dies.
- **unique keys for idempotency**: an upload's key is UNIQUE; a retry on another worker finds
  the first copy (and its receipt: the first receipt signed is the one kept).
- **reads in parallel**: :meth:`PgStore.reading` is a REPEATABLE READ, READ ONLY transaction
  that takes no lock; PostgreSQL refuses any write in it.
- **durability**: ``synchronous_commit`` is left on: COMMIT returns once the WAL is on disk
  (and, with a synchronous standby, on the standby's): an acknowledged upload survives.

Connection failures (the server stopped, restarted, unreachable) become :class:`StoreError`,
503 with a reason; the pool checks a connection before lending it, so after a restart the next
request works again (the check is a round trip only for a connection the server spoke on
while it was idle: see :func:`_check_if_stirred`).
"""

from __future__ import annotations

import logging
import select
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from evaluator_app.venue.errors import StoreError
from evaluator_app.venue.store.dialect import Dialect
from evaluator_app.venue.store.pg_migrations import PG_MIGRATIONS
from evaluator_app.venue.store.tx import StoreTx

try:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError:  # pragma: no cover - the extra is not installed
    psycopg = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

# Advisory lock keys (64-bit): "evaluator" in hex digits, then what the lock is for.
WRITER_LOCK = 0x6576616C_00000001  # held by every writing transaction until it ends
MIGRATION_LOCK = 0x6576616C_00000002  # held while one worker migrates the schema
CHAIN_LOCK = 0x6576616C_00000003  # a session's writer, from its first append until it ends
SESSION_LOCKS = 0x6576_6101  # 32-bit class of the per-session locks (key: hashtext(session))
LOCK_TIMEOUT_MS = 15_000  # a writer waits this long for the lock, then answers 503
STATEMENT_TIMEOUT_MS = 60_000


def redacted(dsn: str) -> str:
    """The DSN without its password, for logs and messages."""
    if psycopg is None:
        return dsn
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    parts.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in parts.items())


def _unavailable(dsn: str, exc: BaseException) -> StoreError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError(
        f"the venue's database is unavailable ({reason}); retry in a moment",
        "场地数据库暂时无法访问，请稍后重试",
        {"reason": reason, "database": redacted(dsn)},
    )


def _check_if_stirred(conn: Any) -> None:
    """Before lending an idle connection: a round trip only if the server said something on it.

    An idle connection receives nothing unless the server closed it or is going away (a restart,
    ``pg_terminate_backend``): then its socket is readable (a FATAL notice, or EOF), and the full
    check (``ConnectionPool.check_connection``, one round trip) finds it dead and the pool makes
    another. The round trip on every lending was 8 % of a worker's time under the benchmark's
    load (py-spy), with a connection lent five to seven times per upload.
    """
    if conn.closed or conn.broken:
        ConnectionPool.check_connection(conn)  # raises: the pool discards it
        return
    # poll, not select: a worker with hundreds of WebSockets holds descriptors above select's
    # FD_SETSIZE (1024), where select() raises ValueError
    probe = select.poll()
    probe.register(conn.fileno(), select.POLLIN)
    if probe.poll(0):
        ConnectionPool.check_connection(conn)


class PgStore:
    """Opens (and migrates) one PostgreSQL database; safe to share between threads."""

    kind = "postgresql"

    def __init__(self, dsn: str, *, max_size: int = 12, timeout: float = 10.0, wait: float = 3.0):
        """``timeout``: to open the store; ``wait``: for a connection during a request (then 503:
        a database that is down is said within seconds, not after the client gave up)."""
        if psycopg is None:
            raise StoreError(
                "PostgreSQL support is not installed: pip install 'evaluator-app[postgresql]'",
                "未安装 PostgreSQL 支持：pip install 'evaluator-app[postgresql]'",
            )
        self.dsn = dsn
        self.dialect = Dialect("postgresql", "%s", (psycopg.IntegrityError,), notify_events=True)
        options = f"-c lock_timeout={LOCK_TIMEOUT_MS} -c statement_timeout={STATEMENT_TIMEOUT_MS}"
        self.pool = ConnectionPool(
            dsn,
            min_size=1,
            max_size=max_size,
            kwargs={"autocommit": True, "row_factory": dict_row, "options": options},
            check=_check_if_stirred,
            timeout=wait,
            open=False,
            name="venue-store",
        )
        try:
            self.pool.open(wait=True, timeout=timeout)
            self._migrate()
        except (psycopg.Error, PoolTimeout) as exc:
            self.pool.close()
            raise StoreError(
                f"cannot open the venue database {redacted(dsn)}: {exc}",
                f"无法打开场地数据库 {redacted(dsn)}：{exc}",
            ) from exc

    def _migrate(self) -> None:
        with self.pool.connection() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                current = self._version(conn)
                if current > len(PG_MIGRATIONS):
                    raise StoreError(
                        f"database {redacted(self.dsn)} is newer (schema {current})"
                        f" than this program ({len(PG_MIGRATIONS)})",
                        "数据库版本比本程序新，请升级程序",
                    )
                for version in range(current, len(PG_MIGRATIONS)):
                    logger.info("migrating %s to schema %d", redacted(self.dsn), version + 1)
                    with conn.transaction():
                        conn.execute(PG_MIGRATIONS[version])
                        conn.execute("DELETE FROM schema_version")
                        conn.execute("INSERT INTO schema_version VALUES (%s)", (version + 1,))
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))

    @staticmethod
    def _version(conn: Any) -> int:
        row = conn.execute("SELECT max(version) AS v FROM schema_version").fetchone()
        return int(row["v"] or 0)

    @property
    def schema_version(self) -> int:
        with self.pool.connection() as conn:
            return self._version(conn)

    @contextmanager
    def transaction(self, serial: bool = True, scope: str | None = None) -> Iterator[StoreTx]:
        """A writing transaction: the writer lock, then the work, then COMMIT (or ROLLBACK).

        ``scope``: a transaction that reads and writes only that session's rows (an upload, its
        receipt). It holds the writer lock *shared* and the session's own lock, so the sessions'
        work runs in parallel on every worker, and takes the chain lock at its first append to
        the audit chain or the events (:meth:`BaseTx.chain_write`), holding it until COMMIT: the
        chain and the events still grow one writer at a time, in commit order. A transaction
        without a scope holds the writer lock alone, so it still runs alone among all writers.
        Locks are always taken in this order (writer, session, chain): no deadlock.

        ``serial=False`` skips the lock, for writes that commute with every other (content-
        addressed document parts): nothing that reads the audit chain or events may use it.
        """
        try:
            with self.pool.connection() as conn, conn.transaction():
                take_chain = None
                if serial and scope is not None:
                    conn.execute(
                        "SELECT pg_advisory_xact_lock_shared(%s),"
                        " pg_advisory_xact_lock(%s, hashtext(%s))",
                        (WRITER_LOCK, SESSION_LOCKS, scope),
                    )

                    def take_chain() -> None:
                        conn.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK,))

                elif serial:
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
                yield StoreTx(conn, self.dialect, take_chain)
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise _unavailable(self.dsn, exc) from exc

    @contextmanager
    def reading(self) -> Iterator[StoreTx]:
        """One consistent snapshot, read-only, in parallel with everything else."""
        try:
            with self.pool.connection() as conn:
                conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                conn.read_only = True
                try:
                    with conn.transaction():
                        yield StoreTx(conn, self.dialect)
                finally:
                    if not conn.closed:
                        conn.isolation_level, conn.read_only = None, None
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise _unavailable(self.dsn, exc) from exc

    def close(self) -> None:
        self.pool.close()
