"""Identical unusual errors: the same misspelling in a few bids where everyone else spelt it right.

Chinese (错别字): a character whose two bigrams (with the character before and after it) occur only
in those few bidders — text nobody else ever wrote — while the same two characters of context on
each side, around a different character, are written by many other bidders or by the tender
(设汁方案 against 设计方案). A wrong word in a common phrase (工程数量 for 工程质量) is not
caught on purpose: its bigrams are ordinary. Latin script: a word of six letters or more, found
only in those bids, one edit away from a word the tender or many other bidders use (Managment,
Management).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evaluator_app.core.collusion_rule import CollusionRule, threshold_name
from evaluator_app.venue.collusion.model import (
    PageText,
    Strength,
    Threshold,
    Value,
    Warning,
    WarningKind,
)
from evaluator_app.venue.collusion.similarity import normalise

logger = logging.getLogger(__name__)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{6,}")
_TENDER = "\x00tender"  # the tender documents count as one more, always "common", holder
_PAGES_SHOWN = 5


@dataclass
class _Group:
    """Consecutive pages of one document (or the tender's pages) as one array of bigram codes."""

    holder: str
    doc_id: str
    numbers: list[int]
    text: str  # the pages joined
    ends: np.ndarray  # where each page ends in ``text``
    grams: np.ndarray  # code of the bigram at each position: first << 21 | second
    inside: np.ndarray  # the bigram at that position lies within one page

    @classmethod
    def of(cls, holder: str, doc_id: str, numbers: list[int], texts: list[str]) -> _Group:
        text = "".join(texts)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype="<u4").astype(np.uint64)
        grams = (codes[:-1] << np.uint64(21)) | codes[1:]  # code points fit in 21 bits
        ends = np.cumsum(np.fromiter((len(t) for t in texts), np.int64, len(texts)))
        inside = np.ones(len(grams), bool)
        last = ends - 1  # the last character of a page starts no bigram of that page
        inside[last[(last >= 0) & (last < len(grams))]] = False
        return cls(holder, doc_id, numbers, text, ends, grams, inside)

    def page(self, position: int) -> int:
        return int(np.searchsorted(self.ends, position, side="right"))


def _groups(pages: list[tuple[str, str, int, str]], tender: list[str]) -> list[_Group]:
    groups: list[_Group] = []
    first = 0
    while first < len(pages):
        last = first
        while last < len(pages) and pages[last][:2] == pages[first][:2]:
            last += 1
        run = pages[first:last]
        groups.append(
            _Group.of(run[0][0], run[0][1], [n for *_, n, _ in run], [t for *_, t in run])
        )
        first = last
    if tender:
        groups.append(_Group.of(_TENDER, "", [0] * len(tender), tender))
    return groups


def _distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values: numpy 2's ``unique`` without counts hashes, 50x slower here."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _rare_bigrams(groups: list[_Group], rule: CollusionRule) -> dict[int, frozenset[str]]:
    """Bigram code → its holders, for the bigrams of 2 to ``max_bidders`` holders, none in the
    tender."""
    held: dict[str, list[np.ndarray]] = defaultdict(list)
    for group in groups:
        held[group.holder].append(group.grams[group.inside])
    per_holder = {holder: _distinct(np.concatenate(arrays)) for holder, arrays in held.items()}
    grams, holders = np.unique(np.concatenate(list(per_holder.values())), return_counts=True)
    rare = grams[(holders >= 2) & (holders <= rule.text_error_max_bidders)]
    if _TENDER in per_holder:
        rare = rare[~np.isin(rare, per_holder[_TENDER])]
    sets: dict[int, set[str]] = defaultdict(set)
    for holder, own in per_holder.items():
        for gram in own[np.isin(own, rare)].tolist():
            sets[gram].add(holder)
    return {gram: frozenset(h) for gram, h in sets.items()}


def _cjk_errors(
    pages: list[tuple[str, str, int, str]], tender: list[str], rule: CollusionRule
) -> list[Warning]:
    groups = _groups(pages, tender)
    if not groups:
        return []
    rare = _rare_bigrams(groups, rule)
    rare_codes = np.fromiter(rare, np.uint64, len(rare))
    # context key (two characters either side) → the rare centre character and who wrote it
    candidates: dict[str, tuple[str, frozenset[str]]] = {}
    for group in groups:
        if group.holder == _TENDER:
            continue
        text, grams = group.text, group.grams
        hit = np.isin(grams, rare_codes) & group.inside  # few: rare bigrams are rare
        for i in (np.flatnonzero(hit[:-1] & hit[1:]) + 1).tolist():
            page = group.page(i)
            start = group.ends[page - 1] if page else 0
            if not (start + 2 <= i < group.ends[page] - 2):
                continue
            before, after = rare[int(grams[i - 1])], rare[int(grams[i])]
            if _CJK.match(text[i]) and before == after:
                candidates[text[i - 2 : i] + text[i + 1 : i + 3]] = (text[i], after)
    if not candidates:
        return []
    centres: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    where: dict[tuple[str, str], list[Value]] = defaultdict(list)
    lefts = {key[:2] for key in candidates}  # a cheap first test before building the whole key
    left_codes = np.array([ord(k[0]) << 21 | ord(k[1]) for k in lefts], np.uint64)
    for group in groups:
        text, holder = group.text, group.holder
        for q in np.flatnonzero(np.isin(group.grams, left_codes) & group.inside).tolist():
            i = q + 2
            page = group.page(q)
            if i + 3 > group.ends[page]:
                continue
            key = text[i - 2 : i] + text[i + 1 : i + 3]
            if key in candidates:
                centres[key][text[i]].add(holder)
                if text[i] == candidates[key][0] and len(where[(key, holder)]) < _PAGES_SHOWN:
                    where[(key, holder)].append(
                        Value(holder, "page", str(group.numbers[page]), group.doc_id)
                    )
    warnings = []
    for key, (wrong, involved) in sorted(candidates.items()):
        right = [
            (c, holders)
            for c, holders in centres[key].items()
            if c != wrong
            and (_TENDER in holders or len(holders - involved) >= rule.text_error_common_bidders)
        ]
        if not right:
            continue
        correct, holders = max(right, key=lambda ch: (len(ch[1]), ch[0]))
        seen_as, should_be = f"{key[:2]}{wrong}{key[2:]}", f"{key[:2]}{correct}{key[2:]}"
        others = len(holders - involved - {_TENDER})
        warnings.append(
            _warning(
                sorted(involved), seen_as, should_be, others, _TENDER in holders, where, key, rule
            )
        )
    return warnings


def _warning(
    involved: list[str],
    seen_as: str,
    should_be: str,
    others: int,
    in_tender: bool,
    where: dict[tuple[str, str], list[Value]],
    key: str,
    rule: CollusionRule,
) -> Warning:
    values = [Value(b, "text", seen_as) for b in involved] + [
        Value("", "usual_spelling", should_be)
    ]
    for bidder in involved:
        values.extend(where.get((key, bidder), []))
    basis = f"{others} other bidders" + (" and the tender" if in_tender else "")
    return Warning(
        kind=WarningKind.SHARED_ERROR,
        bidders=tuple(involved),
        strength=Strength.STRONG if len(involved) == 2 else Strength.MODERATE,
        threshold=Threshold(
            threshold_name("text_error_common_bidders"), str(rule.text_error_common_bidders), basis
        ),
        summary=f"{', '.join(involved)} all write {seen_as!r} where {basis} write {should_be!r}",
        values=tuple(values),
    )


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def _one_edit(a: str, b: str) -> bool:
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _latin_errors(
    raw: list[tuple[str, str, int, str]], tender: list[str], rule: CollusionRule
) -> list[Warning]:
    holders: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[Value]] = defaultdict(list)
    for bidder, doc, number, text in raw:
        for word in _WORD.findall(text):
            w = word.casefold()
            holders[w].add(bidder)
            if len(where[(w, bidder)]) < _PAGES_SHOWN and (
                not where[(w, bidder)] or where[(w, bidder)][-1].value != str(number)
            ):
                where[(w, bidder)].append(Value(bidder, "page", str(number), doc))
    for text in tender:
        for word in _WORD.findall(text):
            holders[word.casefold()].add(_TENDER)
    rare = {
        w: frozenset(h)
        for w, h in holders.items()
        if _TENDER not in h and 2 <= len(h) <= rule.text_error_max_bidders
    }
    index: dict[str, list[str]] = defaultdict(list)
    for word in rare:
        for d in _deletes(word):
            index[d].append(word)
    warnings = []
    for word, held in sorted(holders.items()):
        for d in _deletes(word):
            for wrong in index.get(d, ()):
                involved = rare[wrong]
                common = _TENDER in held or len(held - involved) >= rule.text_error_common_bidders
                # a plural or a truncation is a different word, not a typo
                if (
                    common
                    and _one_edit(word, wrong)
                    and not (word.startswith(wrong) or wrong.startswith(word))
                ):
                    others = len(held - involved - {_TENDER})
                    warnings.append(
                        _warning(
                            sorted(involved),
                            wrong,
                            word,
                            others,
                            _TENDER in held,
                            where,
                            wrong,
                            rule,
                        )
                    )
    unique = {(w.bidders, w.values[0].value): w for w in warnings}
    return [unique[k] for k in sorted(unique)]


def error_warnings(
    documents: Sequence[PageText], rule: CollusionRule, tender: Sequence[PageText] = ()
) -> list[Warning]:
    raw = [(d.bidder_id, d.doc_id, i + 1, t) for d in documents for i, t in enumerate(d.pages)]
    pages = [(b, doc, n, normalise(t)) for b, doc, n, t in raw]
    tender_raw = [t for d in tender for t in d.pages]
    return _cjk_errors(pages, [normalise(t) for t in tender_raw], rule) + _latin_errors(
        raw, tender_raw, rule
    )
