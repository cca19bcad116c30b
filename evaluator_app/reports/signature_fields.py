"""Signature fields laid out where a printed copy shows each signature.

A PDF to be signed by several people in turn gets one empty signature field per signer at the
place the paper form has for it (a cell of the report's signature table, the sheet's signature
box). Each signer fills their own field with a visible appearance (see signature_stamp): the
earlier signers' evidence stays visible and their signatures intact, since filling a field that
was there when they signed is a change PAdES allows after a signature.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields
from reportlab.platypus import Flowable


def member_field(person_id: str) -> str:
    """The name of a person's signature field: the same for the venue that lays it out and the
    client that fills it (from the person id alone; no personal data in the field name)."""
    return "sig-" + hashlib.sha256(person_id.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Placed:
    name: str
    page: int  # 0-based
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 in PDF points


class SignatureSlot(Flowable):
    """An empty area in the layout that becomes a signature field of that size."""

    def __init__(self, name: str, width: float, height: float, placed: list[Placed]):
        super().__init__()
        self.name, self.width, self.height, self._placed = name, width, height, placed

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        page = self.canv.getPageNumber() - 1
        box = (round(x), round(y), round(x + self.width), round(y + self.height))
        # a table may lay a cell out more than once: the last drawing is where it is
        self._placed[:] = [p for p in self._placed if p.name != self.name]
        self._placed.append(Placed(self.name, page, box))


class _AsMade(IncrementalPdfFileWriter):
    """An update that is part of the document as made (nobody holds the PDF yet): the ID and
    the Info dictionary (dates, producer) stay the creator's, so the bytes stay deterministic."""

    @classmethod
    def _handle_id(cls, prev: PdfFileReader) -> generic.ArrayObject:
        return prev.trailer["/ID"]

    def _update_meta(self) -> None:
        return


def add_signature_fields(pdf: bytes, placed: list[Placed]) -> bytes:
    """``pdf`` with an empty signature field at each place, before anyone signs; the same
    document gives the same bytes (the client shows exactly what will be signed)."""
    if not placed:
        return pdf
    writer = _AsMade(io.BytesIO(pdf), strict=False)
    for place in placed:
        fields.append_signature_field(
            writer, fields.SigFieldSpec(place.name, on_page=place.page, box=place.box)
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def empty_fields(pdf: bytes) -> set[str]:
    """The names of the signature fields of ``pdf`` nobody has signed yet."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    return {name for name, _, _ in fields.enumerate_sig_fields(reader, filled_status=False)}
