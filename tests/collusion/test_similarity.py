"""Passages and misspellings on plain page text (no PDF): edits, boilerplate, tender text, pages."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator_app.venue.collusion import DEFAULTS
from evaluator_app.venue.collusion.misspellings import error_warnings
from evaluator_app.venue.collusion.model import PageText
from evaluator_app.venue.collusion.similarity import passage_warnings
from tests.collusion.bidgen import page_text

SHARED = page_text(random.Random(99), 180)


def bidders(n: int, seed: int, pages: int = 3, chars: int = 500) -> list[list[str]]:
    return [
        [page_text(random.Random(seed * 100 + b * 10 + p), chars) for p in range(pages)]
        for b in range(n)
    ]


def docs(texts: list[list[str]]) -> list[PageText]:
    return [PageText(f"B{i + 1}", f"d{i + 1}", tuple(pages)) for i, pages in enumerate(texts)]


def insert(text: str, passage: str, at: int = 150) -> str:
    return text[:at] + passage + text[at:]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 8))
def test_independent_texts_share_no_passage_or_error(seed, n):
    texts = docs(bidders(n, seed))
    assert passage_warnings(texts, DEFAULTS) == []
    assert error_warnings(texts, DEFAULTS) == []


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    a=st.integers(0, 4),
    b=st.integers(0, 4),
    pa=st.integers(0, 2),
    pb=st.integers(0, 2),
    edits=st.integers(0, 4),
)
def test_a_planted_passage_is_found_on_its_pages_despite_small_edits(seed, a, b, pa, pb, edits):
    if a == b:
        b = (a + 1) % 5
    texts = bidders(5, seed)
    edited = list(SHARED)
    for k in range(edits):
        edited[20 + 37 * k] = "〇"
    texts[a][pa] = insert(texts[a][pa], SHARED)
    texts[b][pb] = insert(texts[b][pb], "".join(edited), at=300)
    (w,) = passage_warnings(docs(texts), DEFAULTS)
    first, second = sorted([(f"B{a + 1}", pa + 1), (f"B{b + 1}", pb + 1)])
    assert w.bidders == (first[0], second[0])
    assert [(p.page_a, p.page_b) for p in w.passages] == [(first[1], second[1])]
    assert len(w.passages[0].text_a) >= 170


def test_a_passage_too_short_or_too_different_is_not_reported():
    texts = bidders(3, 1)
    texts[0][0] = insert(texts[0][0], SHARED[:45])
    texts[1][0] = insert(texts[1][0], SHARED[:45])
    assert passage_warnings(docs(texts), DEFAULTS) == []
    assert (
        passage_warnings(docs(texts), dataclasses.replace(DEFAULTS, text_min_passage_chars=40))
        != []
    )


def test_text_from_the_tender_or_in_most_bids_is_boilerplate():
    texts = bidders(5, 2)
    for pages in texts[:2]:
        pages[0] = insert(pages[0], SHARED)
    tender = [PageText("", "tender", (SHARED,))]
    assert passage_warnings(docs(texts), DEFAULTS, tender) == []
    for pages in texts[2:]:  # now in all five bidders: a template, not evidence
        pages[1] = insert(pages[1], SHARED)
    assert passage_warnings(docs(texts), DEFAULTS) == []


def test_two_documents_of_one_bidder_are_never_compared():
    texts = bidders(2, 3)
    same = [
        PageText("B1", "d1", (insert(texts[0][0], SHARED),)),
        PageText("B1", "d2", (insert(texts[1][0], SHARED),)),
    ]
    assert passage_warnings(same, DEFAULTS) == []


def test_latin_misspelling_shared_by_two_where_others_spell_it_right():
    texts = bidders(6, 4, pages=2)
    for i, pages in enumerate(texts):
        word = "Managment" if i in (1, 4) else "Management"
        pages[1] = f"Quality {word} Plan " + pages[1]
    (w,) = error_warnings(docs(texts), DEFAULTS)
    assert w.bidders == ("B2", "B5") and "managment" in w.summary
    assert {(v.bidder_id, v.value) for v in w.values if v.name == "page"} == {
        ("B2", "2"),
        ("B5", "2"),
    }


def test_a_plural_is_not_a_misspelling():
    texts = bidders(6, 5, pages=1)
    for i, pages in enumerate(texts):
        pages[0] += " Schedules" if i in (0, 1) else " Schedule"
    assert error_warnings(docs(texts), DEFAULTS) == []
