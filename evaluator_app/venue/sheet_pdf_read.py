"""The parsing half of a score sheet PDF's check, as one picklable result: the venue's crypto
pool runs it beside the loop (:mod:`venue.crypto_pool`), the rules stay in
:mod:`venue.intake.sheet_pdf`. It imports nothing of the venue's, so a pool process loads only
the PDF code."""

from __future__ import annotations

from dataclasses import dataclass

from evaluator_app.pki.pades import async_verify_pdf
from evaluator_app.pki.signature_verify import SignatureVerdict
from evaluator_app.reports.score_sheet import sheet_hash_of_pdf


@dataclass(frozen=True)
class SheetPdfRead:
    verdicts: tuple[SignatureVerdict, ...]  # every signature's integrity (trust is not judged)
    declared_sheet_sha256: str | None  # the sheet hash the PDF's Info names


async def read_sheet_pdf(pdf: bytes) -> SheetPdfRead:
    return SheetPdfRead(tuple(await async_verify_pdf(pdf, None)), sheet_hash_of_pdf(pdf))
