"""Text and document information from bid PDFs, with pypdf (pure Python, BSD, no Qt)."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from evaluator_app.venue.collusion.model import DocumentMetadata, PageText
from evaluator_app.venue.errors import VenueError

logger = logging.getLogger(__name__)
# pypdf reports every odd object it repairs; one bid with a broken xref must not flood the log
logging.getLogger("pypdf").setLevel(logging.ERROR)


class UnreadableDocument(VenueError):
    """The PDF could not be parsed at all (its pages are then simply not compared)."""


def _text(value: object) -> str:
    return str(value).strip() if value is not None else ""


def _date(info: object, name: str) -> datetime | None:
    try:
        value = getattr(info, name)
    except (ValueError, TypeError, PyPdfError):  # malformed D:... strings are common in the wild
        return None
    if not isinstance(value, datetime):
        return None
    # a date written without an offset is taken as UTC: comparing within minutes needs one zone
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def read_document(bidder_id: str, doc_id: str, data: bytes) -> tuple[DocumentMetadata, PageText]:
    """Metadata and the text of every page; a page that fails to extract counts as empty."""
    try:
        reader = PdfReader(io.BytesIO(data))
        info = reader.metadata
        pages = reader.pages
        count = len(pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableDocument(f"{doc_id}: {exc}", f"无法读取文件 {doc_id}") from exc
    meta = DocumentMetadata(bidder_id, doc_id)
    if info is not None:
        meta = DocumentMetadata(
            bidder_id=bidder_id,
            doc_id=doc_id,
            author=_text(info.get("/Author")),
            creator=_text(info.get("/Creator")),
            producer=_text(info.get("/Producer")),
            created=_date(info, "creation_date"),
            modified=_date(info, "modification_date"),
        )
    texts: list[str] = []
    for index in range(count):
        try:
            texts.append(pages[index].extract_text() or "")
        except Exception as exc:  # pypdf raises many kinds on damaged content streams
            logger.warning("page %d of %s not extracted: %s", index + 1, doc_id, exc)
            texts.append("")
    return meta, PageText(bidder_id, doc_id, tuple(texts))
