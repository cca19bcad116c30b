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

import itertools
import logging
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

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


def normalise(text: str) -> str:
    """Whitespace removed: line breaks fall differently in every layout of the same text.

    ``str.split`` drops exactly what ``\\s`` matches (every ``isspace`` character), 5x faster."""
    return "".join(text.split()).casefold()


def _crc_tables() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """CRC-32 is affine in its input: the CRC of a fixed-length window is the CRC of zeros XOR a
    contribution from each byte at its offset. Per character of the window, one table for its two
    low bytes and one for its third (code points have no fourth)."""
    width = SHINGLE * 4
    zero = zlib.crc32(bytes(width))
    byte = np.zeros((width, 256), np.uint32)
    for offset in range(width):
        for value in range(1, 256):
            window = bytearray(width)
            window[offset] = value
            byte[offset, value] = zlib.crc32(window) ^ zero
    low = np.arange(65536)
    return (
        [byte[4 * k][low & 255] ^ byte[4 * k + 1][low >> 8] for k in range(SHINGLE)],
        [byte[4 * k + 2] for k in range(SHINGLE)],
    )


_LOW, _HIGH = _crc_tables()
_ZERO = np.uint32(zlib.crc32(bytes(SHINGLE * 4)))


def fingerprints(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hash, text index, position) of the sampled shingles of the normalised ``texts``, in text
    then position order: the hash is the CRC-32 of the shingle's UTF-32 bytes, computed for every
    window at once from per-offset tables (a document's pages at a time)."""
    joined = "".join(texts)
    n = len(joined) - SHINGLE + 1
    if n <= 0:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64), np.zeros(0, np.int64)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype="<u4")
    low, high = (codes & 0xFFFF).astype(np.intp), (codes >> 16).astype(np.intp)
    h = np.full(n, _ZERO, np.uint32)
    for k in range(SHINGLE):
        h ^= _LOW[k][low[k : k + n]]
    if high.any():  # characters past the Basic Multilingual Plane
        for k in range(SHINGLE):
            h ^= _HIGH[k][high[k : k + n]]
    lengths = np.fromiter((len(t) for t in texts), np.int64, len(texts))
    starts = np.cumsum(lengths) - lengths
    text_of = np.repeat(np.arange(len(texts)), lengths)[:n]
    position = np.arange(n) - starts[text_of]
    keep = (h % SAMPLE == 0) & (position + SHINGLE <= lengths[text_of])
    return h[keep], text_of[keep], position[keep]


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


def _sampled(pages: Sequence[_Page]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(hash, page index, position) of every page's sampled shingles, one document at a time."""
    parts = []
    first = 0
    while first < len(pages):
        last = first
        while last < len(pages) and pages[last].doc_id == pages[first].doc_id:
            last += 1
        h, page, position = fingerprints([p.text for p in pages[first:last]])
        parts.append((h, page + first, position))
        first = last
    if not parts:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64), np.zeros(0, np.int64)
    # mypy: each part is a 3-tuple, so zip gives exactly three columns
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))  # type: ignore[return-value]


def _shared_fingerprints(
    hashes: np.ndarray,
    bidder: np.ndarray,
    tender: Sequence[PageText],
    rule: CollusionRule,
) -> np.ndarray:
    """The hashes held by at least two bidders and fewer than the boilerplate limit, none of
    them in the tender, sorted."""
    order = np.lexsort((bidder, hashes))
    h, b = hashes[order], bidder[order]
    distinct = np.ones(len(h), bool)
    distinct[1:] = (h[1:] != h[:-1]) | (b[1:] != b[:-1])
    held, holders = np.unique(h[distinct], return_counts=True)
    # boilerplate: in more than the share of bidders, never fewer than three (a pair is evidence)
    limit = max(3, int(rule.text_boilerplate_share * len(np.unique(bidder))) + 1)
    excluded = fingerprints([normalise(t) for doc in tender for t in doc.pages])[0]
    keep = (holders >= 2) & (holders < limit) & ~np.isin(held, excluded)
    return held[keep]


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
    if progress is not None:
        progress(0, len(pages))
    hashes, page_of, position = _sampled(pages)
    number = {b: i for i, b in enumerate(sorted({p.bidder_id for p in pages}))}
    bidder_of = np.array([number[p.bidder_id] for p in pages], np.int64)
    shared = _shared_fingerprints(hashes, bidder_of[page_of], tender, rule)
    chosen = np.isin(hashes, shared)
    h, pg, ps = hashes[chosen], page_of[chosen], position[chosen]
    order = np.lexsort((ps, pg, h))  # postings of one hash together, in page then position order
    h, pg, ps = h[order], pg[order].tolist(), ps[order].tolist()
    bounds = [0, *(np.flatnonzero(h[1:] != h[:-1]) + 1).tolist(), len(h)]
    seeds: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for start, stop in itertools.pairwise(bounds):
        if stop - start > MAX_POSTINGS or stop == start:
            continue  # a running header, not a passage
        posted = list(zip(pg[start:stop], ps[start:stop], strict=True))
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
        progress(len(pages), len(pages))
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
        summary=f"{len(found)} near-duplicate passage(s), {matched} matching characters, "
        f"between {pair[0]} and {pair[1]}",
        passages=tuple(p for p, _ in found),
    )
