"""The vectorised shingle hashes are exactly the CRC-32 of each window (what the checks sampled
when they hashed one window at a time), never span two pages, and handle every plane."""

from __future__ import annotations

import random
import re
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator_app.venue.collusion.similarity import SAMPLE, SHINGLE, fingerprints, normalise


def reference(texts: list[str]) -> list[tuple[int, int, int]]:
    out = []
    for index, text in enumerate(texts):
        data = text.encode("utf-32-le")
        for pos in range(len(text) - SHINGLE + 1):
            h = zlib.crc32(data[pos * 4 : pos * 4 + SHINGLE * 4])
            if h % SAMPLE == 0:
                out.append((h, index, pos))
    return out


characters = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),  # few: windows repeat
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, categories=("Lo", "So")),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(characters, max_size=120), max_size=6))
def test_fingerprints_are_the_crc_of_every_sampled_window_within_one_text(texts):
    h, index, position = fingerprints(texts)
    assert list(zip(h.tolist(), index.tolist(), position.tolist(), strict=True)) == reference(texts)


def test_a_long_text_gives_about_one_window_in_sample():
    rng = random.Random(3)
    text = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(20_000))
    h, _, _ = fingerprints([text])
    assert abs(len(h) - len(text) / SAMPLE) < len(text) / SAMPLE * 0.1
    assert [(int(a), 0, int(p)) for a, p in zip(h, fingerprints([text])[2], strict=True)] == (
        reference([text])
    )


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalise_drops_what_a_whitespace_regex_drops(text):
    assert normalise(text) == re.sub(r"\s+", "", text).casefold()
