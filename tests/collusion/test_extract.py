"""Extraction with PDFium: the same text as pypdf (an independent reader), the same result over
worker processes as in one, and PDF dates read as the specification writes them."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from evaluator_app.venue.collusion import analysis, extract
from evaluator_app.venue.collusion.pdf_text import pdf_date, read_document
from evaluator_app.venue.collusion.similarity import normalise
from tests.collusion.bidgen import clean_set


def test_text_and_metadata_match_an_independent_reader():
    (bid,) = clean_set(1, 3, seed=21)
    meta, text = read_document(bid.bidder_id, bid.doc_id, bid.pdf)
    reader = PdfReader(io.BytesIO(bid.pdf))
    assert [normalise(t) for t in text.pages] == [normalise(p.extract_text()) for p in reader.pages]
    assert all(len(normalise(t)) > 500 for t in text.pages)
    info = reader.metadata
    assert (meta.author, meta.creator, meta.producer) == (
        info["/Author"],
        info["/Creator"],
        info["/Producer"],
    )
    assert meta.created == info.creation_date and meta.modified == info.modification_date


def test_worker_processes_give_what_one_process_gives(monkeypatch):
    bids = clean_set(3, 5, seed=22)
    documents = [(b.bidder_id, b.doc_id, b.pdf) for b in bids]
    documents.insert(1, ("B9", "B9-tech", b"%PDF-1.7 not really"))
    monkeypatch.setattr(analysis, "CHUNK_PAGES", 2)  # chunks end inside documents
    seen: list[tuple[str, int, int]] = []
    pooled = extract(documents, lambda *p: seen.append(p), workers=2)
    alone = extract(documents, workers=1)
    assert pooled == alone
    _metas, texts, unreadable = pooled
    assert unreadable == ["B9-tech"] and [t.doc_id for t in texts] == [b.doc_id for b in bids]
    assert [len(t.pages) for t in texts] == [5, 5, 5]
    assert sorted(done for _, done, _ in seen) == [1, 2, 3, 4] and seen[-1][2] == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "D:20250301082700+08'00'",
            datetime(2025, 3, 1, 8, 27, tzinfo=timezone(timedelta(hours=8))),
        ),
        (
            "D:20250301082700-05'30",
            datetime(2025, 3, 1, 8, 27, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        ("D:20250301082700Z", datetime(2025, 3, 1, 8, 27, tzinfo=UTC)),
        ("D:20250301", datetime(2025, 3, 1, tzinfo=UTC)),  # no offset: taken as UTC
        ("D:2025", datetime(2025, 1, 1, tzinfo=UTC)),
        ("D:20251301000000", None),  # month 13
        ("yesterday", None),
        ("", None),
    ],
)
def test_pdf_dates(text, expected):
    assert pdf_date(text) == expected
