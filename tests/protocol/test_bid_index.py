"""The bid package's scoring index: written, read back, and refused when malformed."""

from __future__ import annotations

import json

import pytest

from evaluator_app.protocol.bid_index import bid_index_bytes, is_index, parse_bid_index


def test_round_trip():
    data = bid_index_bytes("B2", "bid-B2", {"t-organisation": [3, 4], "c-credit": [40]})
    index = parse_bid_index(data)
    assert (index.bidder_id, index.document) == ("B2", "bid-B2")
    assert index.pages == {"c-credit": (40,), "t-organisation": (3, 4)}
    assert is_index("index-B2") and not is_index("bid-B2")


@pytest.mark.parametrize(
    "raw, words",
    [
        ({"format": "other", "version": 1}, "not a bid index"),
        ({"format": "bid-index", "version": 2}, "not a bid index"),
        (
            {
                "format": "bid-index",
                "version": 1,
                "bidder_id": "B1",
                "document": "d",
                "criteria": {"t": [0]},
            },
            "page numbers",
        ),
        (
            {
                "format": "bid-index",
                "version": 1,
                "bidder_id": "B1",
                "document": "d",
                "criteria": {"t": ["3"]},
            },
            "page numbers",
        ),
        (
            {
                "format": "bid-index",
                "version": 1,
                "bidder_id": "B1",
                "document": "d",
                "criteria": [1],
            },
            "page numbers",
        ),
    ],
)
def test_malformed_index_is_refused_with_the_reason(raw, words):
    with pytest.raises(ValueError, match=words):
        parse_bid_index(json.dumps(raw).encode())
