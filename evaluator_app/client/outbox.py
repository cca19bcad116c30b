"""Signed uploads that survive a restart and are never doubled.

An item is written (with a fresh idempotency key) and fsync'ed before ``enqueue`` returns, so a
signature the expert made with their PIN is never lost. ``flush`` sends pending items in order
with their stored key: the venue answers a retry of an upload it already accepted with the same
receipt (see ``venue/intake/accept.py``), so a connection cut after the venue accepted but
before the answer arrived is repaired by sending again, possibly from a new process.

SQLite (WAL, synchronous=FULL) for the same reasons as the draft journal: atomic state changes
of an item and no log format of our own to replay.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from evaluator_app.client.errors import (
    ClientError,
    LoginRequired,
    VenueRefused,
    VenueUnreachable,
)
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.pki.cms import verify_detached
from evaluator_app.protocol.messages import SignedReceipt
from evaluator_app.protocol.schema import B64

logger = logging.getLogger(__name__)

State = Literal["pending", "delivered", "refused"]
BACKOFF_INITIAL = 1.0
BACKOFF_MAX = 30.0
TRANSIENT_STATUS = {408, 429}  # and every 5xx: the venue may answer differently later

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL, route TEXT NOT NULL, label TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    content BLOB NOT NULL, signature BLOB NOT NULL, pdf BLOB,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '', last_error_zh TEXT NOT NULL DEFAULT '',
    refusal_code TEXT, refusal_message TEXT, refusal_message_zh TEXT,
    receipt BLOB, receipt_signature BLOB,
    created_at REAL NOT NULL, delivered_at REAL);
"""


@dataclass(frozen=True)
class OutboxItem:
    id: int
    session_id: str
    route: str  # "sheets", "declarations", ... (POST /sessions/{session_id}/{route})
    label: str  # what the UI calls it, e.g. "评分表 第1版"
    idempotency_key: str
    state: State
    attempts: int
    next_attempt_at: float  # epoch seconds; 0: due now
    last_error: str  # of the last failed attempt, for the UI; "" if none
    last_error_zh: str
    refusal_code: str | None  # set when refused: the person must act (e.g. explain a deviation)
    refusal_message: str | None
    refusal_message_zh: str | None
    receipt: bytes | None = field(default=None, repr=False)  # canonical JSON signed by the venue
    receipt_signature: bytes | None = field(default=None, repr=False)
    content: bytes = field(default=b"", repr=False)
    signature: bytes = field(default=b"", repr=False)
    pdf: bytes | None = field(default=None, repr=False)
    created_at: float = 0.0
    delivered_at: float | None = None

    @property
    def signed_receipt(self) -> SignedReceipt | None:
        if self.receipt is None or self.receipt_signature is None:
            return None
        return SignedReceipt(B64(self.receipt), B64(self.receipt_signature))


class ReceiptInvalid(ClientError):
    """The venue's receipt does not prove it accepted this artefact."""


def backoff_delay(
    attempts: int, initial: float = BACKOFF_INITIAL, cap: float = BACKOFF_MAX
) -> float:
    return float(min(cap, initial * 2 ** max(0, attempts - 1)))


async def verify_receipt(
    signed: SignedReceipt, content: bytes, session_id: str, person_id: str | None
) -> dict[str, Any]:
    """The venue's signature is intact over the receipt, and the receipt names this artefact."""
    # parsing and checking the CMS takes tens of ms: a worker's, not the window's loop
    verdict = await asyncio.to_thread(
        verify_detached, bytes(signed.receipt), bytes(signed.signature)
    )
    if not verdict.integrity_ok:
        raise ReceiptInvalid(
            "the venue's signature over the receipt does not verify: "
            + "; ".join(verdict.reasons_en),
            "场地回执的签名无效：" + "；".join(verdict.reasons_zh),
        )
    try:
        receipt = json.loads(bytes(signed.receipt))
        kind = json.loads(content).get("schema", {}).get("kind")
    except (ValueError, AttributeError) as exc:
        raise ReceiptInvalid(f"receipt or content unreadable: {exc}", "回执或内容无法读取") from exc
    expected = {
        "content_sha256": hashlib.sha256(content).hexdigest(),
        "kind": kind,
        "session_id": session_id,
    }
    if person_id is not None:
        expected["person_id"] = person_id
    wrong = [name for name, value in expected.items() if receipt.get(name) != value]
    if wrong or receipt.get("schema", {}).get("kind") != "receipt":
        raise ReceiptInvalid(
            f"the receipt does not match the upload: {', '.join(wrong) or 'not a receipt'}",
            "场地回执与上传的内容不符",
        )
    return dict(receipt)


class Outbox:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")  # an enqueued signature survives power loss
        self._conn.executescript(_SCHEMA)
        self._sending = asyncio.Lock()  # one flush at a time: two would race on an item's state
        self.wake = asyncio.Event()  # set by enqueue() and retry_now(): run() looks again

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _execute(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, args)  # autocommit: one statement, one transaction

    # -- reading ----------------------------------------------------------------------
    @staticmethod
    def _item(row: sqlite3.Row) -> OutboxItem:
        return OutboxItem(
            row["id"],
            row["session_id"],
            row["route"],
            row["label"],
            row["idempotency_key"],
            row["state"],
            row["attempts"],
            row["next_attempt_at"],
            row["last_error"],
            row["last_error_zh"],
            row["refusal_code"],
            row["refusal_message"],
            row["refusal_message_zh"],
            row["receipt"],
            row["receipt_signature"],
            row["content"],
            row["signature"],
            row["pdf"],
            row["created_at"],
            row["delivered_at"],
        )

    def item(self, item_id: int) -> OutboxItem:
        row = self._execute("SELECT * FROM outbox WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise KeyError(item_id)
        return self._item(row)

    def pending(self, session_id: str | None = None) -> list[OutboxItem]:
        sql, args = "SELECT * FROM outbox WHERE state = 'pending'", tuple[str, ...]()
        if session_id is not None:
            sql, args = sql + " AND session_id = ?", (session_id,)
        return [self._item(r) for r in self._execute(sql + " ORDER BY id", args).fetchall()]

    def items(self, session_id: str) -> list[OutboxItem]:
        return [
            self._item(r)
            for r in self._execute(
                "SELECT * FROM outbox WHERE session_id = ? ORDER BY id", (session_id,)
            ).fetchall()
        ]

    def receipts(self, session_id: str) -> list[OutboxItem]:
        """Delivered items of a session, with their verified receipts, in order."""
        return [i for i in self.items(session_id) if i.state == "delivered"]

    def next_due(self) -> float | None:
        """When the oldest pending item (the head of the queue) may be tried (epoch seconds), or
        None."""
        row = self._execute(
            "SELECT next_attempt_at FROM outbox WHERE state = 'pending' ORDER BY id LIMIT 1"
        ).fetchone()
        return None if row is None else float(row[0])

    # -- writing ----------------------------------------------------------------------
    def enqueue(
        self,
        session_id: str,
        route: str,
        content: bytes,
        signature: bytes,
        pdf: bytes | None = None,
        label: str = "",
    ) -> OutboxItem:
        """Keep a signed upload; durable (fsync'ed) when this returns."""
        key = uuid.uuid4().hex
        cursor = self._execute(
            "INSERT INTO outbox (session_id, route, label, idempotency_key, content, signature, "
            "pdf, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                route,
                label,
                key,
                bytes(content),
                bytes(signature),
                None if pdf is None else bytes(pdf),
                self._clock(),
            ),
        )
        item = self.item(int(cursor.lastrowid or 0))
        logger.info("outbox: queued #%d %s/%s (%s)", item.id, session_id, route, label)
        self.wake.set()
        return item

    def retry_now(self) -> None:
        """Make every pending item due at once (the connection came back, or the person asked)."""
        self._execute("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'")
        self.wake.set()

    def _failed(
        self, item: OutboxItem, message: str, message_zh: str, backoff: bool = True
    ) -> OutboxItem:
        attempts = item.attempts + 1
        due = self._clock() + backoff_delay(attempts) if backoff else 0.0
        self._execute(
            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, last_error_zh = "
            "? WHERE id = ?",
            (attempts, due, message, message_zh, item.id),
        )
        return self.item(item.id)

    def _refused(self, item: OutboxItem, code: str, message: str, message_zh: str) -> OutboxItem:
        self._execute(
            "UPDATE outbox SET state = 'refused', attempts = attempts + 1, refusal_code = ?, "
            "refusal_message = ?, refusal_message_zh = ?, last_error = ?, last_error_zh = ? WHERE "
            "id = ?",
            (code, message, message_zh, message, message_zh, item.id),
        )
        return self.item(item.id)

    def _delivered(self, item: OutboxItem, signed: SignedReceipt) -> OutboxItem:
        self._execute(
            "UPDATE outbox SET state = 'delivered', attempts = attempts + 1, receipt = ?, "
            "receipt_signature = ?, delivered_at = ?, last_error = '', last_error_zh = '' WHERE "
            "id = ?",
            (bytes(signed.receipt), bytes(signed.signature), self._clock(), item.id),
        )
        return self.item(item.id)

    # -- sending ----------------------------------------------------------------------
    async def flush(
        self,
        client: VenueClient,
        on_change: Callable[[OutboxItem], None] | None = None,
        *,
        force: bool = False,
    ) -> None:
        """Send the pending items that are due (all of them with ``force``), oldest first.

        Stops at the first item the venue cannot be reached for (later items would fail the
        same way, and order matters: a vote sent before its declaration would be refused).
        A refused item does not stop the others. Raises LoginRequired when the token expired.
        """
        async with self._sending:
            await self._flush(client, on_change, force)

    async def run(
        self, client: VenueClient, on_change: Callable[[OutboxItem], None] | None = None
    ) -> None:
        """Deliver until cancelled: whenever the head of the queue is due, or :attr:`wake` is set
        (an item was queued, the connection came back and called :meth:`retry_now`, a new login)."""
        while True:
            self.wake.clear()
            try:
                await self.flush(client, on_change)
                due = self.next_due()
                timeout = None if due is None else max(0.0, due - self._clock())
            except LoginRequired:
                timeout = None  # nothing to do until the person has logged in again (retry_now)
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation that
            # comes as the wait ends, and a loop that swallowed one never stops
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self.wake.wait()

    async def _flush(
        self, client: VenueClient, on_change: Callable[[OutboxItem], None] | None, force: bool
    ) -> None:
        person_id = client.login_result.person_id if client.login_result else None
        for item in self.pending():
            if not force and item.next_attempt_at > self._clock():
                break  # not due: keep the order rather than overtake it
            try:
                signed = await client.upload(
                    item.session_id,
                    item.route,
                    item.content,
                    item.signature,
                    key=item.idempotency_key,
                    pdf=item.pdf,
                )
            except VenueUnreachable as exc:
                self._notify(on_change, self._failed(item, exc.message_en, exc.message_zh))
                logger.info("outbox: #%d not delivered (%s); retry later", item.id, exc.message_en)
                return
            except VenueRefused as exc:
                if exc.status == 401:
                    # not the item's fault: the person logs in again and it goes as it is
                    self._notify(
                        on_change, self._failed(item, exc.message_en, exc.message_zh, backoff=False)
                    )
                    raise LoginRequired(exc.message_en, exc.message_zh) from exc
                if exc.status >= 500 or exc.status in TRANSIENT_STATUS:
                    self._notify(
                        on_change,
                        self._failed(
                            item, f"{exc.status} {exc.code}: {exc.message_en}", exc.message_zh
                        ),
                    )
                    return
                self._notify(
                    on_change, self._refused(item, exc.code, exc.message_en, exc.message_zh)
                )
                logger.warning(
                    "outbox: #%d refused by the venue: %s %s", item.id, exc.code, exc.message_en
                )
                continue
            try:
                await verify_receipt(signed, item.content, item.session_id, person_id)
            except ReceiptInvalid as exc:
                # the venue took it but cannot prove so: never silently "delivered"; staff must look
                self._notify(
                    on_change,
                    self._refused(
                        item,
                        "receipt_invalid",
                        str(exc),
                        f"场地回执无法验证，请联系工作人员：{exc}",
                    ),
                )
                logger.error("outbox: #%d receipt invalid: %s", item.id, exc)
                continue
            self._notify(on_change, await asyncio.to_thread(self._delivered, item, signed))
            logger.info("outbox: #%d delivered", item.id)

    @staticmethod
    def _notify(on_change: Callable[[OutboxItem], None] | None, item: OutboxItem) -> None:
        if on_change is not None:
            try:
                on_change(item)
            except Exception:  # a UI callback must not leave an item half-handled
                logger.exception("outbox on_change callback failed")
