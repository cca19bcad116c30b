"""The SQLite store: WAL, foreign keys, synchronous=FULL, versioned migrations.

Every change happens inside :meth:`SqliteStore.transaction`; the audit entry and the event of
a change are written in the same transaction as the change itself, so a venue killed at any
moment has either all three or none, and nothing it acknowledged is lost (FULL sync: a commit
has reached the disk before the client hears "accepted").
A store object belongs to one thread (see :class:`evaluator_app.venue.store.AsyncStore`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evaluator_app.venue.errors import StoreError
from evaluator_app.venue.store.dialect import Dialect
from evaluator_app.venue.store.migrations import MIGRATIONS
from evaluator_app.venue.store.tx import StoreTx

logger = logging.getLogger(__name__)
SQLITE = Dialect("sqlite", "?", (sqlite3.IntegrityError,))
# The name the venue's modules annotate transactions with: one class serves both engines.
SqliteTx = StoreTx


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

    kind = "sqlite"

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
                f"database {self.path} is newer (schema {current})"
                f" than this program ({len(MIGRATIONS)})"
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
            yield StoreTx(self.conn, SQLITE)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"commit failed: {exc}", f"写入数据库失败：{exc}") from exc

    @contextmanager
    def reading(self) -> Iterator[StoreTx]:
        """Reads see one consistent state; SQLite has one connection, so this is a transaction."""
        with self.transaction() as tx:
            yield tx

    def close(self) -> None:
        self.conn.close()
