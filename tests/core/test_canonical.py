"""Canonical JSON (RFC 8785) of signed artefacts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluator_app.core.canonical import artefact, artefact_bytes, canonical_bytes
from evaluator_app.core.errors import CanonicalError


def test_rfc8785_key_order_and_no_whitespace():
    # RFC 8785 sorts keys by UTF-16 code units and writes no insignificant whitespace.
    assert canonical_bytes({"b": 1, "a": [True, None], "中": "文"}) == (
        '{"a":[true,null],"b":1,"中":"文"}'.encode()
    )


def test_decimals_are_exact_strings_and_keep_their_scale():
    assert canonical_bytes({"score": Decimal("85.50")}) == b'{"score":"85.50"}'
    assert canonical_bytes([Decimal("1E+2")]) == b'["100"]'


def test_schema_stamp_is_inside_what_is_signed():
    data = artefact_bytes("score-sheet", 1, {"session": "S1"})
    assert data == b'{"schema":{"kind":"score-sheet","version":1},"session":"S1"}'
    with pytest.raises(CanonicalError):
        artefact("score-sheet", 1, {"schema": "forged"})
    with pytest.raises(CanonicalError):
        artefact("score-sheet", 0, {})


@pytest.mark.parametrize("bad", [1.5, Decimal("NaN"), {1: "x"}, dt.datetime(2026, 1, 1), object()])
def test_unrepresentable_values_are_refused(bad):
    with pytest.raises(CanonicalError):
        canonical_bytes({"value": bad})


def test_dataclasses_and_aware_datetimes():
    @dataclass(frozen=True)
    class Vote:
        bidder: str
        at: dt.datetime

    at = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert canonical_bytes(Vote("B1", at)) == b'{"at":"2026-11-26T01:30:00Z","bidder":"B1"}'


@given(
    st.dictionaries(
        st.text(max_size=5),
        st.decimals(allow_nan=False, allow_infinity=False, places=2),
        max_size=8,
    )
)
def test_key_insertion_order_never_changes_the_bytes(mapping):
    reversed_mapping = dict(reversed(list(mapping.items())))
    assert canonical_bytes(mapping) == canonical_bytes(reversed_mapping)
