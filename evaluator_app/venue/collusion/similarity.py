"""Near-duplicate passages across different bidders' documents, with pages in both.

Why not MinHash/LSH: MinHash estimates the Jaccard similarity of whole sets and keeps no
positions, so a 200-character passage copied into a 300-page bid barely moves the estimate and
could not be located on a page anyway. Instead each page is shingled into character k-grams and
a fixed 1/``SAMPLE`` of them is kept by hash value (content-defined sampling, as in winnowing:
the same text keeps the same fingerprints in every document). Fingerprints held by two bidders
seed candidate page pairs; each seed is extended character by character to the maximal exact
match, and neighbouring matches are chained across small edits into one passage. Text in the
tender documents, or held by more than ``boilerplate_share`` of the bidders, is not evidence.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from evaluator_app.core.collusion_rule import CollusionRule, threshold_name
from evaluator_app.venue.collusion.model import (
    PageText,
    Passage,
    Strength,
    Threshold,
    Warning,
    WarningKind,
)

logger = logging.getLogger(__name__)

SHINGLE = 8  # characters; about four Chinese words, short enough to survive small edits
SAMPLE = 8  # keep the shingles whose hash is 0 mod SAMPLE: a 50-character passage has ~5 expected
GAP = 24  # characters of differing text bridged when chaining matches into one passage
MAX_POSTINGS = 64  # a fingerprint on more pages than this is a running header, not a passage
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace removed: line breaks fall differently in every layout of the same text."""
    return _SPACE.sub("", text).casefold()


def fingerprints(text: str) -> list[tuple[int, int]]:
    """(hash, position) of the sampled shingles of normalised ``text``."""
    data = text.encode("utf-32-le")  # four bytes a character, so slicing by position is exact
    crc, out, width = zlib.crc32, [], SHINGLE * 4
    for pos in range(len(text) - SHINGLE + 1):
        h = crc(data[pos * 4 : pos * 4 + width])
        if h % SAMPLE == 0:
            out.append((h, pos))
    return out


@dataclass(frozen=True)
class _Page:
    bidder_id: str
    doc_id: str
    number: int  # 1-based
    text: str  # normalised


def _pages(documents: Sequence[PageText]) -> list[_Page]:
    return [
        _Page(d.bidder_id, d.doc_id, i + 1, normalise(t))
        for d in documents
        for i, t in enumerate(d.pages)
    ]


def _shared_fingerprints(
    pages: Sequence[_Page],
    tender: Sequence[PageText],
    rule: CollusionRule,
    tick: Callable[[], None],
) -> set[int]:
    per_bidder: dict[str, set[int]] = defaultdict(set)
    for page in pages:
        per_bidder[page.bidder_id].update(h for h, _ in fingerprints(page.text))
        tick()
    excluded: set[int] = set()
    for doc in tender:
        for text in doc.pages:
            excluded.update(h for h, _ in fingerprints(normalise(text)))
    counts: Counter[int] = Counter()
    for held in per_bidder.values():
        counts.update(held)
    # boilerplate: in more than the share of bidders, and never fewer than three (a pair is evidence)
    limit = max(3, int(rule.text_boilerplate_share * len(per_bidder)) + 1)
    return {h for h, c in counts.items() if 2 <= c < limit and h not in excluded}


def _extend(a: str, b: str, i: int, j: int) -> tuple[int, int, int]:
    while i > 0 and j > 0 and a[i - 1] == b[j - 1]:
        i, j = i - 1, j - 1
    n = 0
    while i + n < len(a) and j + n < len(b) and a[i + n] == b[j + n]:
        n += 1
    return i, j, n


def _fuzzy_ends(
    a: str, b: str, a0: int, a1: int, b0: int, b1: int, matched: int
) -> tuple[int, int, int, int, int]:
    """Carry a passage's ends over single changed characters (the text before a passage's first
    edit may be too short to hold a sampled fingerprint)."""
    run = 4  # characters that must agree again after a skipped one
    while (
        a0 > run
        and b0 > run
        and a[a0 - 1] != b[b0 - 1]
        and a[a0 - 1 - run : a0 - 1] == b[b0 - 1 - run : b0 - 1]
    ):
        a0, b0, matched = a0 - 1 - run, b0 - 1 - run, matched + run
        while a0 > 0 and b0 > 0 and a[a0 - 1] == b[b0 - 1]:
            a0, b0, matched = a0 - 1, b0 - 1, matched + 1
    while (
        a1 + run < len(a)
        and b1 + run < len(b)
        and a[a1] != b[b1]
        and a[a1 + 1 : a1 + 1 + run] == b[b1 + 1 : b1 + 1 + run]
    ):
        a1, b1, matched = a1 + 1 + run, b1 + 1 + run, matched + run
        while a1 < len(a) and b1 < len(b) and a[a1] == b[b1]:
            a1, b1, matched = a1 + 1, b1 + 1, matched + 1
    return a0, a1, b0, b1, matched


def _passages(
    a: str, b: str, seeds: list[tuple[int, int]], rule: CollusionRule
) -> list[tuple[int, int, int, int, int]]:
    """(a_start, a_end, b_start, b_end, matched chars) of each chained passage."""
    blocks: list[tuple[int, int, int]] = []
    for i, j in sorted(set(seeds)):
        if any(bi <= i < bi + n and i - bi == j - bj for bi, bj, n in blocks[-8:]):
            continue  # already inside a block on the same diagonal
        if a[i : i + SHINGLE] == b[j : j + SHINGLE]:  # the hash could collide
            blocks.append(_extend(a, b, i, j))
    blocks.sort()
    chains: list[list[int]] = []
    for bi, bj, n in blocks:
        if chains:
            c = chains[-1]
            if c[1] - SHINGLE <= bi <= c[1] + GAP and c[3] - SHINGLE <= bj <= c[3] + GAP:
                c[4] += min(n, bi + n - c[1], bj + n - c[3])
                c[1], c[3] = max(c[1], bi + n), max(c[3], bj + n)
                continue
            if bi < c[1]:
                continue  # a repeat inside the passage already chained
        chains.append([bi, bi + n, bj, bj + n, n])
    out = []
    for chain in chains:
        a0, a1, b0, b1, matched = _fuzzy_ends(a, b, *chain)
        shorter = min(a1 - a0, b1 - b0)
        if shorter < rule.text_min_passage_chars:
            continue
        if Decimal(2 * matched) / Decimal((a1 - a0) + (b1 - b0)) >= rule.text_min_similarity:
            out.append((a0, a1, b0, b1, matched))
    return out


def passage_warnings(
    documents: Sequence[PageText],
    rule: CollusionRule,
    tender: Sequence[PageText] = (),
    progress: Callable[[int, int], None] | None = None,
) -> list[Warning]:
    """One warning per pair of bidders sharing passages; each passage names its page in both."""
    pages = _pages(documents)
    total, done = 2 * len(pages), 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and done % 50 == 0:
            progress(done, total)

    shared = _shared_fingerprints(pages, tender, rule, tick)
    postings: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for index, page in enumerate(pages):
        for h, pos in fingerprints(page.text):
            if h in shared:
                postings[h].append((index, pos))
        tick()
    seeds: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for posted in postings.values():
        if len(posted) > MAX_POSTINGS:
            continue
        for x, (pa, ia) in enumerate(posted):
            for pb, ib in posted[x + 1 :]:
                if pages[pa].bidder_id != pages[pb].bidder_id:
                    seeds[(pa, pb)].append((ia, ib))
    by_pair: dict[tuple[str, str], list[tuple[Passage, int]]] = defaultdict(list)
    for (pa, pb), found in seeds.items():
        a, b = pages[pa], pages[pb]
        if a.bidder_id > b.bidder_id:
            a, b, found = b, a, [(j, i) for i, j in found]
        for a0, a1, b0, b1, matched in _passages(a.text, b.text, found, rule):
            similarity = (Decimal(2 * matched) / Decimal((a1 - a0) + (b1 - b0))).quantize(
                Decimal("0.01")
            )
            passage = Passage(
                a.bidder_id,
                a.doc_id,
                a.number,
                a.text[a0:a1],
                b.bidder_id,
                b.doc_id,
                b.number,
                b.text[b0:b1],
                min(similarity, Decimal(1)),
            )
            by_pair[(a.bidder_id, b.bidder_id)].append((passage, matched))
    if progress is not None:
        progress(total, total)
    return [_warning(pair, found, rule) for pair, found in sorted(by_pair.items())]


def _warning(
    pair: tuple[str, str], found: list[tuple[Passage, int]], rule: CollusionRule
) -> Warning:
    found.sort(key=lambda pm: (pm[0].doc_a, pm[0].page_a, pm[0].doc_b, pm[0].page_b))
    matched = sum(m for _, m in found)
    longest = max(len(p.text_a) for p, _ in found)
    strength = (
        Strength.STRONG
        if matched >= 1000
        else Strength.MODERATE
        if matched >= 200
        else Strength.WEAK
    )
    return Warning(
        kind=WarningKind.SHARED_PASSAGE,
        bidders=pair,
        strength=strength,
        threshold=Threshold(
            threshold_name("text_min_passage_chars"), str(rule.text_min_passage_chars), str(longest)
        ),
        summary=f"{len(found)} near-duplicate passage(s), {matched} matching characters, between {pair[0]} and {pair[1]}",
        passages=tuple(p for p, _ in found),
    )
