"""Run every check over a session's bid documents and bid package metadata.

Blocking and CPU-bound: the venue calls :func:`analyse` in an executor when a session's documents
are loaded and relays ``progress`` to the consoles. Text extraction is spread over every core
(worker processes, each with its own PDFium) once a set is large enough.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal

from evaluator_app.core.collusion_rule import CollusionRule
from evaluator_app.venue.collusion.fingerprints import (
    machine_code_warnings,
    metadata_warnings,
    upload_address_warnings,
)
from evaluator_app.venue.collusion.misspellings import error_warnings
from evaluator_app.venue.collusion.model import (
    AnalysisResult,
    BidPackageInfo,
    DocumentMetadata,
    PageText,
    Warning,
)
from evaluator_app.venue.collusion.pdf_text import UnreadableDocument, read_metadata, read_pages
from evaluator_app.venue.collusion.prices import price_warnings
from evaluator_app.venue.collusion.similarity import passage_warnings
from evaluator_app.venue.errors import VenueError

logger = logging.getLogger(__name__)

Document = tuple[str, str, bytes]  # (bidder id, document id, PDF bytes)
Progress = Callable[[str, int, int], None]  # (stage, done, total): "extract", "passages", "checks"
CHUNK_PAGES = 100  # pages a worker extracts at a time (each chunk opens its document again)
POOL_MIN_PAGES = 200  # below this, starting worker processes costs more than it saves


class AnalysisCancelled(VenueError):
    """The analysis was stopped (the session moved on or the venue is shutting down)."""

    def __init__(self) -> None:
        super().__init__("the collusion analysis was cancelled", "围标串标分析已取消")


def _seconds(start: float) -> Decimal:
    return Decimal(str(round(time.perf_counter() - start, 3)))


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def extract(
    documents: Sequence[Document],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> tuple[list[DocumentMetadata], list[PageText], list[str]]:
    """Metadata and page text of every readable document, in the documents' order.

    ``workers`` None: every core once the set is large enough to repay starting processes
    (``POOL_MIN_PAGES``); the pages are cut into chunks so that a few big bids share the cores.
    """
    opened: list[tuple[Document, DocumentMetadata, int]] = []
    unreadable: list[str] = []
    for doc in documents:
        try:
            meta, count = read_metadata(*doc)
        except UnreadableDocument as exc:
            logger.warning("bid document not readable for the collusion checks: %s", exc)
            unreadable.append(doc[1])
            if progress is not None:
                progress("extract", len(unreadable), len(documents))
            continue
        opened.append((doc, meta, count))
    total = sum(count for _, _, count in opened)
    if workers is None:
        workers = _cores() if total >= POOL_MIN_PAGES else 1
    # (document index, first page, task) with every document's chunks in page order
    tasks = [
        (i, (doc[1], doc[2], first, min(first + CHUNK_PAGES, count)))
        for i, (doc, _, count) in enumerate(opened)
        for first in range(0, count, CHUNK_PAGES)
    ]
    pages: list[list[str]] = [[] for _ in opened]
    left = [sum(1 for j, _ in tasks if j == i) for i in range(len(opened))]
    done = len(unreadable)

    def take(i: int, result: tuple[list[str], list[str]]) -> None:
        nonlocal done
        texts, failures = result
        for failure in failures:
            logger.warning("%s", failure)
        pages[i] += texts
        left[i] -= 1
        if left[i] == 0:
            done += 1
            if progress is not None:
                progress("extract", done, len(documents))
        if cancel is not None and cancel.is_set():
            raise AnalysisCancelled()

    for i, (_, _, count) in enumerate(opened):
        if count == 0:  # a document without pages has no chunk to wait for
            take(i, ([], []))
    if workers > 1 and len(tasks) > 1:
        # spawn, not fork: forking would copy a threaded process (the venue's loop and executor)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(workers, len(tasks)), mp_context=context) as pool:
            try:
                # map keeps the order of the tasks, so each document's chunks arrive in order;
                # a worker imports pdf_text alone (the package's names are lazy)
                results = pool.map(read_pages, *zip(*(task for _, task in tasks), strict=True))
                for (i, _), result in zip(tasks, results, strict=True):
                    take(i, result)
            except AnalysisCancelled:
                pool.shutdown(cancel_futures=True)
                raise
    else:
        for i, task in tasks:
            take(i, read_pages(*task))
    metas = [meta for _, meta, _ in opened]
    texts = [PageText(doc[0], doc[1], tuple(pages[i])) for i, (doc, _, _) in enumerate(opened)]
    return metas, texts, unreadable


def analyse_extracted(
    metas: Sequence[DocumentMetadata],
    texts: Sequence[PageText],
    packages: Sequence[BidPackageInfo],
    prices: Mapping[str, Decimal],
    ceiling: Decimal | None,
    rule: CollusionRule,
    tender: Sequence[PageText] = (),
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[Warning]:
    """Every check on text already extracted (the part the benchmark compares with extraction)."""

    def step(done: int) -> None:
        if progress is not None:
            progress("checks", done, 4)
        if cancel is not None and cancel.is_set():
            raise AnalysisCancelled()

    warnings: list[Warning] = []
    warnings += (
        metadata_warnings(metas, rule)
        + machine_code_warnings(packages, rule)
        + upload_address_warnings(packages, rule)
    )
    step(1)
    warnings += price_warnings(prices, ceiling, packages, rule)
    step(2)
    relay = None if progress is None else (lambda done, total: progress("passages", done, total))
    warnings += passage_warnings(texts, rule, tender, relay)
    step(3)
    warnings += error_warnings(texts, rule, tender)
    step(4)
    # strongest first, then by kind and bidders, so the panel reads the same on every run
    warnings.sort(key=lambda w: (-w.strength.rank, w.kind.value, w.bidders, w.summary))
    return warnings


def analyse(
    documents: Sequence[Document],
    packages: Sequence[BidPackageInfo],
    prices: Mapping[str, Decimal],
    ceiling: Decimal | None,
    rule: CollusionRule,
    tender_documents: Sequence[tuple[str, bytes]] = (),
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    extract_workers: int | None = None,
) -> AnalysisResult:
    """Warnings over the bid documents of one lot; ``tender_documents`` are (doc id, PDF bytes)."""
    started = time.perf_counter()
    tender_docs = [("", doc_id, data) for doc_id, data in tender_documents]
    metas, texts, unreadable = extract(
        [*documents, *tender_docs], progress, cancel, extract_workers
    )
    tender_ids = {doc_id for doc_id, _ in tender_documents}
    tender = [t for t in texts if t.bidder_id == "" and t.doc_id in tender_ids]
    texts = [t for t in texts if t.bidder_id != ""]
    metas = [m for m in metas if m.bidder_id != ""]
    extracted = time.perf_counter()
    extraction_seconds = _seconds(started)
    warnings = analyse_extracted(
        metas, texts, packages, prices, ceiling, rule, tender, progress, cancel
    )
    logger.info("collusion analysis: %d documents, %d warnings", len(documents), len(warnings))
    return AnalysisResult(
        warnings=tuple(warnings),
        documents=len(texts),
        pages=sum(len(t.pages) for t in texts),
        unreadable=tuple(unreadable),
        extraction_seconds=extraction_seconds,
        analysis_seconds=_seconds(extracted),
    )
