"""A visible signature whose appearance is a one-page PDF drawn at the moment of signing.

pyHanko's text stamps need HarfBuzz for CJK fonts; the report's own renderer (reportlab, with
the shipped CJK font) draws the stamp instead: ``render(signing_time, width, height)`` returns a
PDF of exactly the field's size, imported into the field's appearance stream. The signing time
passed in is the one pyHanko writes into the signature (its session's clock), so the printed
time and the signed time are the same moment.
"""

from __future__ import annotations

import binascii
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import StaticContentStamp, StaticStampStyle, TextStampStyle

# the signing time as pyHanko hands it to a text stamp; read back exactly
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"

AppearanceRenderer = Callable[[datetime, float, float], bytes]


class _PdfBytesPage(PdfContent):
    """The first page of an in-memory PDF as a form XObject (pyHanko's own import reads files)."""

    def __init__(self, pdf: bytes):
        self.pdf = pdf
        super().__init__()

    def render(self) -> bytes:
        writer: BasePdfFileWriter = self._ensure_writer
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.pdf)), page_ix=0)
        name = b"/Import" + binascii.hexlify(uuid.uuid4().bytes)
        self.resources.xobject[name.decode("ascii")] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name + b" Do"


@dataclass(frozen=True)
class RenderedStampStyle(TextStampStyle):
    """A TextStampStyle only in name: pyHanko gives text stamps the signing time."""

    render: AppearanceRenderer | None = None
    timestamp_format: str = _TS_FORMAT
    border_width: int = 0

    # a static stamp where pyHanko's type says text stamp: pyHanko only draws what it returns
    # mypy: returns a static stamp where pyHanko's type says text stamp
    def create_stamp(  # type: ignore[override]
        self, writer: BasePdfFileWriter, box: layout.BoxConstraints, text_params: dict[str, Any]
    ) -> StaticContentStamp:
        assert self.render is not None
        when = datetime.strptime(text_params["ts"], _TS_FORMAT)
        pdf = self.render(when, float(box.width), float(box.height))
        style = StaticStampStyle(
            background=_PdfBytesPage(pdf),
            background_opacity=1.0,
            border_width=0,
            # drawn at the field's size: placed as it is, no margin, no scaling
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MIN,
                margins=layout.Margins(),
                inner_content_scaling=layout.InnerScaling.NO_SCALING,
            ),
        )
        return StaticContentStamp(writer=writer, style=style, box=box)
