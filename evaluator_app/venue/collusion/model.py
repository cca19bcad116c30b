"""What the analysis reports: warnings with their evidence, and the bid package metadata it reads.

Nothing here decides: a warning is evidence for the committee, which records its own decision.
Every number is a Decimal (or an int for counts and pages); ``to_dict`` gives JSON-ready data with
Decimals as strings, suitable for canonical encoding and signing by the venue.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any


class WarningKind(enum.StrEnum):
    DOCUMENT_METADATA = "document_metadata"  # author, tool, times of the PDF
    MACHINE_CODE = "machine_code"  # MAC, disk serial or CPU id recorded by the authoring tool
    UPLOAD_ADDRESS = "upload_address"
    SHARED_PASSAGE = "shared_passage"  # near-duplicate text, with pages in both documents
    SHARED_ERROR = "shared_error"  # the same unusual misspelling in several bids
    IDENTICAL_PRICES = "identical_prices"
    PRICE_PROGRESSION = "price_progression"  # bids in (near) arithmetic progression
    PRICE_CLUSTER = "price_cluster"  # bids within a small spread of each other
    PRICE_NEAR_CEILING = "price_near_ceiling"
    IDENTICAL_UNIT_PRICES = "identical_unit_prices"  # bills of quantities


class Strength(enum.StrEnum):
    WEAK = "weak"
    MODERATE = "moderate"
    STRONG = "strong"

    @property
    def rank(self) -> int:
        return {"weak": 0, "moderate": 1, "strong": 2}[self.value]


@dataclass(frozen=True)
class Threshold:
    """The plan threshold a warning crossed: its name, its value, and what was observed."""

    name: str  # e.g. "collusion.prices.cluster_spread"
    limit: str  # the threshold as written in the plan
    observed: str  # the value that crossed it


@dataclass(frozen=True)
class Value:
    """One observed value of one bidder, e.g. (B2, "mac", "3C-52-82-11-22-33")."""

    bidder_id: str
    name: str
    value: str
    doc_id: str = ""


@dataclass(frozen=True)
class Passage:
    """A near-duplicate passage: where it is in each document and its text in each."""

    bidder_a: str
    doc_a: str
    page_a: int  # 1-based
    text_a: str
    bidder_b: str
    doc_b: str
    page_b: int
    text_b: str
    similarity: Decimal  # matched characters / passage length, 0..1


@dataclass(frozen=True)
class Warning:
    kind: WarningKind
    bidders: tuple[str, ...]  # sorted
    strength: Strength
    threshold: Threshold
    summary: str  # one English line for logs; the UI builds its own text from the evidence
    values: tuple[Value, ...] = ()
    passages: tuple[Passage, ...] = ()

    @property
    def id(self) -> str:
        """Stable across runs over the same input, so a committee decision can name the warning."""
        digest = hashlib.sha256(json.dumps(self.to_dict(with_id=False), sort_keys=True).encode())
        return f"{self.kind.value}-{digest.hexdigest()[:16]}"

    def to_dict(self, with_id: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind.value,
            "bidders": list(self.bidders),
            "strength": self.strength.value,
            "threshold": {
                "name": self.threshold.name,
                "limit": self.threshold.limit,
                "observed": self.threshold.observed,
            },
            "summary": self.summary,
            "values": [
                {"bidder_id": v.bidder_id, "name": v.name, "value": v.value, "doc_id": v.doc_id}
                for v in self.values
            ],
            "passages": [
                {
                    "a": {
                        "bidder_id": p.bidder_a,
                        "doc_id": p.doc_a,
                        "page": p.page_a,
                        "text": p.text_a,
                    },
                    "b": {
                        "bidder_id": p.bidder_b,
                        "doc_id": p.doc_b,
                        "page": p.page_b,
                        "text": p.text_b,
                    },
                    "similarity": format(p.similarity, "f"),
                }
                for p in self.passages
            ],
        }
        if with_id:
            out["id"] = self.id
        return out


@dataclass(frozen=True)
class MachineCodes:
    mac: str = ""
    disk_serial: str = ""
    cpu_id: str = ""


@dataclass(frozen=True)
class BillItem:
    """One line of a bill of quantities (工程量清单) as the bid package carries it."""

    code: str  # item code, e.g. 010101001001
    description: str
    unit: str
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class BidPackageInfo:
    """What the bid-authoring tool records in the bid package manifest, per bidder."""

    bidder_id: str
    machine: MachineCodes = field(default_factory=MachineCodes)
    upload_ip: str = ""
    bill_of_quantities: tuple[BillItem, ...] = ()


@dataclass(frozen=True)
class DocumentMetadata:
    """The PDF document information of one bid document."""

    bidder_id: str
    doc_id: str
    author: str = ""
    creator: str = ""
    producer: str = ""
    created: datetime | None = None
    modified: datetime | None = None


@dataclass(frozen=True)
class PageText:
    bidder_id: str
    doc_id: str
    pages: tuple[str, ...]  # extracted text, one entry per page


@dataclass(frozen=True)
class AnalysisResult:
    warnings: tuple[Warning, ...]
    documents: int
    pages: int
    unreadable: tuple[str, ...] = ()  # doc ids whose text could not be extracted
    extraction_seconds: Decimal = Decimal(0)
    analysis_seconds: Decimal = Decimal(0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "warnings": [w.to_dict() for w in self.warnings],
            "documents": self.documents,
            "pages": self.pages,
            "unreadable": list(self.unreadable),
        }
