"""End to end over generated PDFs: every planted case found with its bidders and pages; clean
sets of the same size give no warning at all."""

from __future__ import annotations

import json
import threading

import pytest

from evaluator_app.venue.collusion import (
    DEFAULTS,
    AnalysisCancelled,
    AnalysisResult,
    WarningKind,
    analyse,
)
from tests.collusion.bidgen import Bid, clean_set, planted_set, tender_pdf


def run(bids: list[Bid], **kwargs) -> AnalysisResult:
    return analyse(
        [(b.bidder_id, b.doc_id, b.pdf) for b in bids],
        [b.package for b in bids],
        {b.bidder_id: b.price for b in bids},
        kwargs.pop("ceiling", None),
        DEFAULTS,
        tender_documents=[("tender", tender_pdf(1))],
        **kwargs,
    )


@pytest.fixture(scope="module")
def planted():
    bids, planted = planted_set(seed=11)
    return run(bids), planted


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_clean_set_of_the_same_size_gives_no_warning(seed):
    result = run(clean_set(6, 4, seed))
    assert result.pages == 24 and not result.unreadable
    assert result.warnings == (), [w.summary for w in result.warnings]


def test_every_planted_case_is_found_and_nothing_else(planted):
    result, p = planted
    found = sorted((w.kind, w.bidders) for w in result.warnings)
    expected = sorted(
        [
            (WarningKind.SHARED_PASSAGE, ("B2", "B4")),
            (WarningKind.DOCUMENT_METADATA, p["metadata"]),
            (WarningKind.SHARED_ERROR, p["error"]),
            (WarningKind.MACHINE_CODE, p["mac"]),
            (WarningKind.MACHINE_CODE, p["disk_serial"]),
            (WarningKind.UPLOAD_ADDRESS, p["upload_ip"]),
            (WarningKind.IDENTICAL_UNIT_PRICES, p["unit_prices"]),
            (WarningKind.PRICE_PROGRESSION, p["progression"]),
        ]
    )
    assert found == expected, [w.summary for w in result.warnings]


def only(result: AnalysisResult, kind: WarningKind):
    (warning,) = [w for w in result.warnings if w.kind is kind] or [None]
    assert warning is not None
    return warning


def test_shared_passage_names_the_pages_in_both_documents(planted):
    result, p = planted
    warning = only(result, WarningKind.SHARED_PASSAGE)
    (passage,) = warning.passages
    assert ((passage.bidder_a, passage.page_a), (passage.bidder_b, passage.page_b)) == p["passage"]
    assert (passage.doc_a, passage.doc_b) == ("B2-tech", "B4-tech")
    assert len(passage.text_a) >= 150 and "甲" in passage.text_b and "甲" not in passage.text_a
    assert passage.similarity >= DEFAULTS.text_min_similarity
    assert warning.threshold.name == "collusion.text.min_passage_chars"


def test_shared_error_names_the_wrong_and_usual_spelling_and_pages(planted):
    result, _ = planted
    warning = only(result, WarningKind.SHARED_ERROR)
    values = {(v.bidder_id, v.name): v.value for v in warning.values}
    assert "汁" in values[("B3", "text")] and "计" in values[("", "usual_spelling")]
    assert values[("B3", "page")] == "2" and values[("B6", "page")] == "2"


def test_metadata_warning_cites_author_tool_and_times(planted):
    result, _ = planted
    warning = only(result, WarningKind.DOCUMENT_METADATA)
    assert {v.name for v in warning.values} == {
        "author",
        "creator",
        "producer",
        "created",
        "modified",
    }
    assert (
        warning.threshold.name == "collusion.metadata.min_matches"
        and warning.strength.value == "strong"
    )


def test_warnings_serialise_and_have_stable_ids(planted):
    result, _ = planted
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    ids = [w["id"] for w in data["warnings"]]
    assert len(set(ids)) == len(ids)
    bids, _ = planted_set(seed=11)
    assert [w.id for w in run(bids).warnings] == ids


def test_progress_reaches_the_end_and_cancel_stops():
    bids = clean_set(3, 2, 5)
    seen: list[tuple[str, int, int]] = []
    run(bids, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert ("extract", 4, 4) in seen and seen[-1] == ("checks", 4, 4)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(AnalysisCancelled):
        run(bids, cancel=cancel)


def test_an_unreadable_document_is_listed_and_the_rest_analysed():
    bids = clean_set(3, 2, 5)
    bids[1].pdf = b"%PDF-1.7 not really"
    result = run(bids)
    assert result.unreadable == ("B2-tech",) and result.documents == 2 and result.warnings == ()
