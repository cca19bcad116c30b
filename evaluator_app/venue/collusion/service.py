"""Running the collusion analysis for a session in the background, and what it found.

The analysis starts when the centre publishes the signed document manifest (every document is
then in the store). It runs in a worker thread with progress events; nothing is decided by it:
the committee's leader records a signed decision per warning (confirmed, dismissed, noted).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import threading
import time
from typing import Any

from evaluator_app.protocol.bid_index import is_index
from evaluator_app.protocol.messages import BidPackageInput
from evaluator_app.protocol.schema import decode
from evaluator_app.venue import jobs
from evaluator_app.venue.collusion import BidPackageInfo, BillItem, MachineCodes, analyse, rule_for
from evaluator_app.venue.collusion.analysis import AnalysisCancelled
from evaluator_app.venue.collusion.model import AnalysisResult
from evaluator_app.venue.context import Venue
from evaluator_app.venue.events.hub import publish
from evaluator_app.venue.http import Caller
from evaluator_app.venue.sessions.access import load, project_of
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)
DECISIONS = ("confirmed", "dismissed", "noted")
# (venue, session) -> its analysis; held here (the loop keeps only weak references) and keyed
# by venue too: two venues in one process (tests, the demo) may each have a session "S1".
_running: dict[tuple[int, str], asyncio.Task[None]] = {}


def start(venue: Venue, session_id: str) -> None:
    """Begin (or restart) the analysis of a session's bids in the background."""
    key = (id(venue), session_id)
    task = _running.get(key)
    if task is not None and not task.done():
        return
    task = asyncio.ensure_future(_run(venue, session_id))
    _running[key] = task
    task.add_done_callback(
        lambda done: _running.pop(key, None) if _running.get(key) is done else None
    )


async def stop(venue: Venue) -> None:
    """Cancel this venue's analyses (shutdown: the store closes next) and wait until they end."""
    tasks = [t for (v, _s), t in list(_running.items()) if v == id(venue)]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def lease_name(session_id: str) -> str:
    return f"collusion:{session_id}"


async def _run(venue: Venue, session_id: str) -> None:
    """Under the session's lease (venue/jobs.py): one worker at a time, taken over if it dies."""
    name = lease_name(session_id)
    if not await jobs.claim(venue, name):
        return  # another worker of this venue is running it
    renew = asyncio.ensure_future(jobs.keep(venue, name))
    try:
        await _analyse(venue, session_id)
    finally:
        renew.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renew
        with contextlib.suppress(Exception):  # an expired lease is as good as a released one
            await jobs.release(venue, name)


async def _analyse(venue: Venue, session_id: str) -> None:
    loop = asyncio.get_running_loop()

    def inputs(
        tx: SqliteTx,
    ) -> tuple[
        Any, list[tuple[str, str, bytes]], list[tuple[str, bytes]], tuple[BidPackageInfo, ...]
    ]:
        session = tx.session(session_id)
        assert session is not None  # the analysis starts for a session the venue holds
        lot = project_of(session).lot(session.lot_id)
        bids, tender = [], []
        for doc in tx.documents(session_id):
            if is_index(doc.doc_id):  # a bid's scoring index is data, not bid text
                continue
            # mypy: blobs is typed object; build_venue sets the document store
            data = venue.blobs.read_bytes(doc.sha256)  # type: ignore[attr-defined]
            (
                bids.append((doc.bidder_id, doc.doc_id, data))
                if doc.bidder_id
                else tender.append((doc.doc_id, data))
            )
        tx.set_collusion(session_id, "running", venue.now_iso())
        return lot, bids, tender, packages_of(session.packages)

    lot, bids, tender, packages = await venue.store.tx(inputs)
    last = {"at": 0.0}
    cancel = threading.Event()  # set at shutdown: the thread stops at its next step
    sent: list[concurrent.futures.Future[None]] = []  # progress events on their way to the loop

    def progress(stage: str, done: int, total: int) -> None:
        if cancel.is_set():
            raise AnalysisCancelled()
        now = time.monotonic()
        if now - last["at"] > 0.5 or done == total:  # a few updates a second at most
            last["at"] = now
            coro = _progress(venue, session_id, stage, done, total)
            sent.append(asyncio.run_coroutine_threadsafe(coro, loop))

    def work() -> AnalysisResult:
        return analyse(
            bids,
            packages,
            {b.id: b.price for b in lot.bidders},
            lot.ceiling_price,
            rule_for(lot.plan),
            tender_documents=tender,
            progress=progress,
            cancel=cancel,
        )

    # its own named thread: never left running in the loop's executor after the venue stopped
    thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix=f"collusion-{session_id}")
    running = loop.run_in_executor(thread, work)
    thread.shutdown(wait=False)  # the thread ends with the work
    try:
        result = await asyncio.shield(running)
    except asyncio.CancelledError:  # the venue stops: the thread ends before the store closes
        cancel.set()
        await asyncio.wait([running])
        if not running.cancelled() and running.exception() is not None:
            logger.info("collusion analysis of %s stopped: %s", session_id, running.exception())
        await _delivered(sent)
        raise
    except (
        Exception
    ) as exc:  # an unreadable PDF must not take the venue down: said, and retried by restarting
        logger.exception("collusion analysis of %s failed", session_id)
        await _delivered(sent)
        error = str(exc)
        await venue.store.tx(
            lambda tx: tx.set_collusion(session_id, "failed", venue.now_iso(), error=error)
        )
        return
    await _delivered(sent)  # no "running" progress may land after "done"
    data = result.to_dict()

    def store(tx: SqliteTx) -> Any:
        now = venue.now_iso()
        tx.set_collusion(
            session_id, "done", now, "checks", 1, 1, json.dumps(data, ensure_ascii=False)
        )
        tx.append_audit(
            now,
            "venue",
            "collusion.analysed",
            session_id,
            {"warnings": [w["id"] for w in data["warnings"]]},
        )
        return tx.append_event(
            session_id, "collusion.done", "all", {"warnings": len(data["warnings"])}, now
        )

    await publish(venue, [await venue.store.tx(store)])
    logger.info("collusion analysis of %s: %d warning(s)", session_id, len(data["warnings"]))


async def _delivered(sent: list[concurrent.futures.Future[None]]) -> None:
    """Wait for the progress events the thread handed to the loop (their errors are logged)."""
    for outcome in await asyncio.gather(
        *(asyncio.wrap_future(f) for f in sent), return_exceptions=True
    ):
        if isinstance(outcome, Exception):
            logger.warning("collusion progress not recorded: %r", outcome)


def packages_of(text: str) -> tuple[BidPackageInfo, ...]:
    """The bid packages recorded when the session was created (validated then)."""
    out = []
    for raw in json.loads(text or "[]"):
        package = decode(BidPackageInput, raw)
        bill = tuple(
            BillItem(b.code, b.description, b.unit, b.quantity, b.unit_price)
            for b in package.bill_of_quantities
        )
        out.append(
            BidPackageInfo(
                package.bidder_id,
                MachineCodes(package.mac, package.disk_serial, package.cpu_id),
                package.upload_ip,
                bill,
            )
        )
    return tuple(out)


async def _progress(venue: Venue, session_id: str, stage: str, done: int, total: int) -> None:
    def work(tx: SqliteTx) -> Any:
        now = venue.now_iso()
        tx.set_collusion(session_id, "running", now, stage, done, total)
        return tx.append_event(
            session_id,
            "collusion.progress",
            "all",
            {"stage": stage, "done": done, "total": total},
            now,
        )

    await publish(venue, [await venue.store.tx(work)])


def decisions(tx: SqliteTx, session_id: str) -> dict[str, dict[str, Any]]:
    """The newest signed decision per warning id."""
    out: dict[str, dict[str, Any]] = {}
    for artefact in tx.artefacts(session_id, "warning_decision"):
        body = json.loads(artefact.content)
        out[body["warning_id"]] = {
            "decision": body["decision"],
            "reasons": body["reasons"],
            "by": artefact.person_id,
            "at": artefact.accepted_at,
        }
    return out


async def warnings(venue: Venue, caller: Caller, session_id: str) -> dict[str, Any]:
    """What the analysis found (status, progress, warnings with their evidence and decisions)."""

    def work(tx: SqliteTx) -> dict[str, Any]:
        load(tx, caller, session_id)
        row = tx.collusion(session_id)
        if row is None:
            return {"status": "not_started", "warnings": []}
        result = json.loads(row["result"]) if row["result"] else {"warnings": []}
        made = decisions(tx, session_id)
        for warning in result.get("warnings", []):
            warning["decision"] = made.get(warning["id"])
        return {
            "status": row["status"],
            "stage": row["stage"],
            "done": row["done"],
            "total": row["total"],
            "error": row["error"],
            **result,
        }

    return await venue.store.tx(work)
