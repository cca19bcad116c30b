"""Moving a venue from its SQLite file to PostgreSQL, row for row, and proving nothing changed.

Every table is copied with its keys (artefact ids, event sequence numbers and audit entries keep
their numbers: receipts, clients' ``since=N`` and the audit chain still refer to them), in one
PostgreSQL transaction under the writer lock: a move that fails leaves the target empty. The
documents' files are copied into the database after their SHA-256 is checked. Afterwards the
two stores are compared table by table and the audit chain is read back from PostgreSQL and
verified, checkpoint signatures included.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluator_app.auditlog.chain import ChainReport, verify_chain
from evaluator_app.venue.errors import StoreError

logger = logging.getLogger(__name__)

# parents before children (foreign keys); the sockets of running workers are not moved
TABLES = (
    "sessions",
    "members",
    "people",
    "workstations",
    "tokens",
    "nonces",
    "artefacts",
    "drafts",
    "documents",
    "blobs",
    "events",
    "audit",
    "checkpoints",
    "report_revisions",
    "collusion",
    "session_draws",
    "presence",
    "session_alerts",
)
IDENTITY = {"artefacts": "id", "events": "seq"}


@dataclass(frozen=True)
class MoveReport:
    rows: dict[str, int]  # table → rows moved
    documents: int  # document contents moved
    audit: ChainReport  # the chain as read back from PostgreSQL


def _columns(sqlite_conn: Any, table: str) -> list[str]:
    return [row[1] for row in sqlite_conn.execute(f"PRAGMA table_info({table})")]


def move_store(
    source: Any,
    blob_dir: Path,
    target: Any,
    check_signature: Callable[[bytes, bytes], str | None] | None = None,
) -> MoveReport:
    """Copy ``source`` (SqliteStore) and the files under ``blob_dir`` into ``target`` (PgStore)."""
    if source.schema_version != target.schema_version:
        raise StoreError(
            f"schema versions differ: SQLite {source.schema_version}, "
            f"PostgreSQL {target.schema_version}",
            "两个数据库的结构版本不一致",
        )
    rows: dict[str, int] = {}
    with target.transaction() as tx:
        held = tx.conn.execute(
            "SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM audit) AS n"
        ).fetchone()["n"]
        if held:
            raise StoreError(
                "the PostgreSQL database already holds a venue: move into an empty one",
                "目标 PostgreSQL 数据库已有数据，请迁移到空数据库",
            )
        for table in TABLES:
            columns = _columns(source.conn, table)
            names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
            data = [tuple(r) for r in source.conn.execute(f"SELECT {names} FROM {table}")]
            if data:
                tx.conn.cursor().executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks})", data
                )
            rows[table] = len(data)
            if table in IDENTITY:  # the next id continues after the moved ones
                column = IDENTITY[table]
                tx.conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                    f" (SELECT coalesce(max({column}), 0) + 1 FROM {table}), false)"
                )
    documents = _move_documents(blob_dir, target)
    _compare(source, target, rows)
    with target.reading() as tx:
        entries, points = list(tx.audit_entries()), tx.checkpoints()
    report = verify_chain(entries, points, check_signature)
    if not report.ok:
        raise StoreError(
            f"the moved audit chain does not verify: entry {report.first_broken}: {report.reason}",
            f"迁移后的审计链验证失败：第 {report.first_broken} 条",
        )
    return MoveReport(rows, documents, report)


def _move_documents(blob_dir: Path, target: Any) -> int:
    from evaluator_app.venue.documents_pg import PART

    moved = 0
    for path in sorted(blob_dir.glob("??/*")) if blob_dir.is_dir() else []:
        if path.name.startswith("."):
            continue  # an upload that never finished
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != path.name:
            raise StoreError(
                f"document {path} does not match its SHA-256: not moved",
                f"文件 {path} 与其 SHA-256 不符，未迁移",
            )
        parts = max(1, -(-len(data) // PART))
        with target.transaction(serial=False) as tx:
            for part in range(parts):
                tx.conn.execute(
                    "INSERT INTO blob_data (sha256, part, data) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (path.name, part, data[part * PART : (part + 1) * PART]),
                )
            tx.conn.execute(
                "INSERT INTO blob_index (sha256, size, parts) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (path.name, len(data), parts),
            )
        moved += 1
    return moved


def _compare(source: Any, target: Any, rows: dict[str, int]) -> None:
    """Same number of rows, and the same audit head, in both."""
    with target.reading() as tx:
        for table, count in rows.items():
            held = tx.conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]
            if held != count:
                raise StoreError(
                    f"{table}: {count} rows in SQLite, {held} in PostgreSQL",
                    f"表 {table} 的行数不一致",
                )
        head = tx.last_audit()
    with source.reading() as tx:
        if tx.last_audit() != head:
            raise StoreError("the audit heads differ after the move", "迁移后审计链头不一致")
