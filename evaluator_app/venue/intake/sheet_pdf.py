"""The PAdES-signed PDF that comes with every score sheet: bound to the signed JSON.

The PDF must carry exactly one signature, intact, made with the same certificate as the CMS
over the JSON, and declare the SHA-256 of that JSON: then the PDF a person reads and the data
the rules compute from are provably the same sheet.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import serialization

from evaluator_app.pki.pades import async_verify_pdf
from evaluator_app.reports.score_sheet import sheet_hash_of_pdf
from evaluator_app.venue.context import SignedBy
from evaluator_app.venue.errors import BadRequest, Unprocessable


async def verify_sheet_pdf(pdf: bytes | None, content: bytes, signed_by: SignedBy) -> None:
    if not pdf:
        raise BadRequest(
            "a score sheet needs its signed PDF (field pdf)",
            "评分表须附带签名的 PDF",
            code="missing_pdf",
        )
    verdicts = await async_verify_pdf(pdf, None)
    if len(verdicts) != 1:
        raise Unprocessable(
            f"the sheet PDF must carry exactly one signature, not {len(verdicts)}",
            "评分表 PDF 须有且仅有一个签名",
            code="bad_pdf",
        )
    verdict = verdicts[0]
    if not verdict.integrity_ok:
        raise Unprocessable(
            "the sheet PDF's signature does not verify: " + "; ".join(verdict.reasons_en),
            "评分表 PDF 的签名无效",
            code="bad_pdf",
        )
    if verdict.certificate_der != signed_by.certificate.public_bytes(serialization.Encoding.DER):
        raise Unprocessable(
            "the sheet PDF was signed with another certificate than the sheet",
            "评分表 PDF 与评分数据不是用同一证书签名的",
            code="bad_pdf",
        )
    if sheet_hash_of_pdf(pdf) != hashlib.sha256(content).hexdigest():
        raise Unprocessable(
            "the sheet PDF is not the PDF of this sheet (its SHA-256 differs)",
            "评分表 PDF 与所签评分数据不一致",
            code="bad_pdf",
        )
