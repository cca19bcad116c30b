"""What differs between SQLite and PostgreSQL, and the verbs a transaction is written in.

The SQL of the store is written once, with ``?`` placeholders; a :class:`Dialect` says what
differs between the engines (placeholders, upserts, generated ids, which exceptions mean a
broken unique key, the notification after an event).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

R = TypeVar("R")


@dataclass(frozen=True)
class Dialect:
    name: str  # "sqlite" or "postgresql"
    placeholder: str  # "?" or "%s"
    integrity_errors: tuple[type[BaseException], ...]
    notify_events: bool = False  # PostgreSQL: NOTIFY the other workers after an event

    def sql(self, text: str) -> str:
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)


def _record(cls: type[R], row: Any) -> R | None:
    if row is None:
        return None
    return cls(**{f.name: row[f.name] for f in dataclasses.fields(cls)})  # type: ignore[arg-type]


def _records(cls: type[R], rows: Sequence[Any]) -> list[R]:
    return [cls(**{f.name: row[f.name] for f in dataclasses.fields(cls)}) for row in rows]  # type: ignore[arg-type]


def _blob(value: Any) -> bytes | None:
    return None if value is None else bytes(value)


class BaseTx:
    """A transaction's connection and dialect, and the verbs every store method is written in."""

    def __init__(self, conn: Any, dialect: Dialect, take_chain: Callable[[], None] | None = None):
        self.conn = conn
        self.dialect = dialect
        self.audited = False  # an audit entry was appended in this transaction
        # a session's transaction on PostgreSQL takes the chain lock only when it first appends
        # to the audit chain or the events (see PgStore.transaction); None: held from the start
        self._take_chain = take_chain

    def chain_write(self) -> None:
        """Before an append to the audit chain or the events: this writer alone among writers."""
        if self._take_chain is not None:
            take, self._take_chain = self._take_chain, None
            take()

    # -- the dialect's verbs ------------------------------------------------------------
    def _exec(self, sql: str, *args: Any) -> Any:
        return self.conn.execute(self.dialect.sql(sql), args)

    def _one(self, sql: str, *args: Any) -> Any:
        return self._exec(sql, *args).fetchone()

    def _all(self, sql: str, *args: Any) -> list[Any]:
        return list(self._exec(sql, *args).fetchall())

    def _upsert(self, table: str, fields: dict[str, Any], keys: Sequence[str]) -> None:
        """Insert, or replace the row with the same ``keys``."""
        names, marks = ", ".join(fields), ", ".join("?" * len(fields))
        if self.dialect.name == "sqlite":
            self._exec(
                f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})", *fields.values()
            )
            return
        update = ", ".join(f"{k} = EXCLUDED.{k}" for k in fields if k not in keys)
        self._exec(
            f"INSERT INTO {table} ({names}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {update}",
            *fields.values(),
        )

    def _insert_ignore(self, table: str, fields: dict[str, Any]) -> bool:
        """Insert unless a row with the same key exists; True if this call inserted it."""
        names, marks = ", ".join(fields), ", ".join("?" * len(fields))
        if self.dialect.name == "sqlite":
            sql = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})"
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING"
        return bool(self._exec(sql, *fields.values()).rowcount == 1)

    def _insert_id(self, table: str, fields: dict[str, Any], id_column: str) -> int:
        names, marks = ", ".join(fields), ", ".join("?" * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        if self.dialect.name == "sqlite":
            return int(self._exec(sql, *fields.values()).lastrowid or 0)
        return int(
            self._exec(f"{sql} RETURNING {id_column}", *fields.values()).fetchone()[id_column]
        )
