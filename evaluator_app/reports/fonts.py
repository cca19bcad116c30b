"""The CJK font of every PDF: WenQuanYi Micro Hei, registered once with reportlab.

reportlab embeds a TrueType font as subsets of the glyphs used, each with a ToUnicode map,
so the Chinese text of a score sheet or report stays extractable (search, pdftotext).
"""

from __future__ import annotations

import logging
import threading

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from evaluator_app.resources import CJK_FONT, resource

logger = logging.getLogger(__name__)

FONT = "WQYMicroHei"  # the one face: Latin and CJK; bold is never needed for Chinese forms
_lock = threading.Lock()
# reportlab keeps the embedded subset of a TrueType font on the shared font object, and two
# documents built at once in different threads corrupt each other's subset (KeyError in
# ttfonts.makeSubset). Every PDF that uses the font is built holding this lock.
RENDER_LOCK = threading.RLock()
_registered = False


def register_fonts() -> str:
    """Register the CJK font with reportlab (once, from any thread); return its name."""
    global _registered
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            path = resource(CJK_FONT)
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            # One family, so <b>/<i> in paragraphs never fall back to a font without CJK glyphs.
            pdfmetrics.registerFontFamily(
                FONT, normal=FONT, bold=FONT, italic=FONT, boldItalic=FONT
            )
            logger.info("registered font %s from %s", FONT, path)
            _registered = True
    return FONT
