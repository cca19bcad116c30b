"""The PAdES-signed PDF that comes with every score sheet: bound to the signed JSON both ways.

The PDF must carry exactly one signature, intact, made with the same certificate as the CMS
over the JSON; it must declare the SHA-256 of that JSON without its PDF binding; and the JSON's
``pdf_sha256`` must be the SHA-256 of the PDF as it was before it was signed (the signature is an
incremental update, so that PDF is a prefix of the signed file, ending at one of its ``%%EOF``
markers). Then the PDF the person read, exactly those bytes, and the data the rules compute
from are provably the same sheet.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable

from cryptography.hazmat.primitives import serialization

from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.protocol.artefacts import ARTEFACT_VERSION, ScoreSheet, sheet_pdf_unbound
from evaluator_app.protocol.schema import encode
from evaluator_app.reports.score_sheet import SHEET_KIND
from evaluator_app.venue.context import SignedBy
from evaluator_app.venue.errors import BadRequest, Unprocessable
from evaluator_app.venue.sheet_pdf_read import SheetPdfRead, read_sheet_pdf

_EOF = re.compile(rb"%%EOF(\r\n|\r|\n)?")


def unsigned_revision_matches(pdf: bytes, sha256: str) -> bool:
    """Whether some earlier revision of ``pdf`` (a prefix ending at ``%%EOF``) has this hash."""
    markers = list(_EOF.finditer(pdf))[:-1]  # the last one closes the signed revision
    cuts = {cut for m in markers for cut in (m.start() + 5, m.end())}  # with or without the EOL
    return any(hashlib.sha256(pdf[:cut]).hexdigest() == sha256 for cut in sorted(cuts))


def _refuse(en: str, zh: str) -> Unprocessable:
    return Unprocessable(en, zh, code="bad_pdf")


async def verify_sheet_pdf(
    pdf: bytes | None,
    signed_by: SignedBy,
    body: ScoreSheet,
    read: Callable[[bytes], Awaitable[SheetPdfRead]] = read_sheet_pdf,
) -> None:
    """Refuse a sheet whose PDF is not the signed PDF of this very sheet. ``read`` parses the
    PDF (the venue's runs it in its crypto pool: tens of milliseconds the loop need not wait)."""
    if not pdf:
        raise BadRequest(
            "a score sheet needs its signed PDF (field pdf)",
            "评分表须附带签名的 PDF",
            code="missing_pdf",
        )
    if not re.fullmatch(r"[0-9a-f]{64}", body.pdf_sha256):
        raise _refuse(
            "the sheet must name the SHA-256 of the PDF it was signed with (pdf_sha256)",
            "评分数据须载明所签 PDF 的 SHA-256（pdf_sha256）",
        )
    facts = await read(pdf)
    verdicts = facts.verdicts
    if len(verdicts) != 1:
        raise _refuse(
            f"the sheet PDF must carry exactly one signature, not {len(verdicts)}",
            "评分表 PDF 须有且仅有一个签名",
        )
    verdict = verdicts[0]
    if not verdict.integrity_ok:
        raise _refuse(
            "the sheet PDF's signature does not verify: " + "; ".join(verdict.reasons_en),
            "评分表 PDF 的签名无效",
        )
    if verdict.certificate_der != signed_by.certificate.public_bytes(serialization.Encoding.DER):
        raise _refuse(
            "the sheet PDF was signed with another certificate than the sheet",
            "评分表 PDF 与评分数据不是用同一证书签名的",
        )
    unbound = artefact_bytes(SHEET_KIND, ARTEFACT_VERSION, encode(sheet_pdf_unbound(body)))
    if facts.declared_sheet_sha256 != hashlib.sha256(unbound).hexdigest():
        raise _refuse(
            "the sheet PDF is not the PDF of this sheet (its SHA-256 differs)",
            "评分表 PDF 与所签评分数据不一致",
        )
    if not unsigned_revision_matches(pdf, body.pdf_sha256):
        raise _refuse(
            "the signed PDF is not the PDF the sheet names (no revision has its pdf_sha256)",
            "所签 PDF 与评分数据中载明的 PDF 摘要不一致",
        )
