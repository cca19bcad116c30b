"""Run every check over a session's bid documents and bid package metadata.

Blocking and CPU-bound: the venue calls :func:`analyse` in an executor when a session's documents
are loaded and relays ``progress`` to the consoles. Text extraction dominates; it can be spread
over processes with ``extract_workers`` (pypdf holds the GIL).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal

from evaluator_app.core.collusion_rule import CollusionRule
from evaluator_app.venue.collusion.extract import UnreadableDocument, read_document
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
from evaluator_app.venue.collusion.prices import price_warnings
from evaluator_app.venue.collusion.similarity import passage_warnings
from evaluator_app.venue.errors import VenueError

logger = logging.getLogger(__name__)

Document = tuple[str, str, bytes]  # (bidder id, document id, PDF bytes)
Progress = Callable[[str, int, int], None]  # (stage, done, total): "extract", "passages", "checks"


class AnalysisCancelled(VenueError):
    """The analysis was stopped (the session moved on or the venue is shutting down)."""

    def __init__(self) -> None:
        super().__init__("the collusion analysis was cancelled", "围标串标分析已取消")


def _seconds(start: float) -> Decimal:
    return Decimal(str(round(time.perf_counter() - start, 3)))


def _read(document: Document) -> tuple[DocumentMetadata, PageText] | None:
    try:
        return read_document(*document)
    except UnreadableDocument as exc:
        logger.warning("bid document not readable for the collusion checks: %s", exc)
        return None


def extract(
    documents: Sequence[Document],
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    workers: int = 1,
) -> tuple[list[DocumentMetadata], list[PageText], list[str]]:
    metas: list[DocumentMetadata] = []
    texts: list[PageText] = []
    unreadable: list[str] = []

    def take(
        document: Document, result: tuple[DocumentMetadata, PageText] | None, done: int
    ) -> None:
        if result is None:
            unreadable.append(document[1])
        else:
            metas.append(result[0])
            texts.append(result[1])
        if progress is not None:
            progress("extract", done, len(documents))
        if cancel is not None and cancel.is_set():
            raise AnalysisCancelled()

    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            for done, (doc, result) in enumerate(zip(documents, pool.map(_read, documents)), 1):
                take(doc, result, done)
    else:
        for done, doc in enumerate(documents, 1):
            take(doc, _read(doc), done)
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
    extract_workers: int = 1,
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
