"""A bid package's scoring index: which pages of the bid answer which criterion.

Bid-authoring tools produce it with the bid; the centre publishes it among the session's
documents as ``index-<bidder>`` (JSON, listed and hashed in the signed manifest like any
document), and the scoring grid links each criterion to those pages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

INDEX_PREFIX = "index-"
INDEX_FORMAT = "bid-index"


@dataclass(frozen=True)
class BidIndex:
    bidder_id: str
    document: str  # doc id of the bid PDF
    pages: Mapping[str, tuple[int, ...]]  # criterion (item id) -> 1-based pages


def is_index(doc_id: str) -> bool:
    return doc_id.startswith(INDEX_PREFIX)


def bid_index_bytes(bidder_id: str, document: str, pages: Mapping[str, list[int]]) -> bytes:
    body = {
        "format": INDEX_FORMAT,
        "version": 1,
        "bidder_id": bidder_id,
        "document": document,
        "criteria": {k: list(v) for k, v in sorted(pages.items())},
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def parse_bid_index(data: bytes) -> BidIndex:
    """Raises ValueError with the reason for anything that is not a well-formed index."""
    raw = json.loads(data)
    if not isinstance(raw, dict) or raw.get("format") != INDEX_FORMAT or raw.get("version") != 1:
        raise ValueError("not a bid index (format bid-index, version 1)")
    criteria = raw.get("criteria")
    if not isinstance(criteria, dict) or not all(
        isinstance(v, list)
        and all(isinstance(p, int) and not isinstance(p, bool) and p > 0 for p in v)
        for v in criteria.values()
    ):
        raise ValueError("criteria must map criterion ids to lists of page numbers")
    return BidIndex(
        str(raw["bidder_id"]), str(raw["document"]), {str(k): tuple(v) for k, v in criteria.items()}
    )
