"""Sign what you see: the signed sheet JSON names the exact PDF (``pdf_sha256``), the PDF
declares the JSON's hash; the venue refuses a sheet whose PDF is any other byte string."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from evaluator_app.core.project_file import project_from_dict
from evaluator_app.pki.pades import async_sign_pdf
from evaluator_app.protocol.artefacts import bind_sheet_pdf
from evaluator_app.reports.score_sheet import render_score_sheet, sheet_hash, sheet_hash_of_pdf
from evaluator_app.venue.context import SignedBy
from evaluator_app.venue.errors import Unprocessable
from evaluator_app.venue.intake.sheet_pdf import unsigned_revision_matches, verify_sheet_pdf
from tests.venue.flow import sheet
from tests.venue.harness import example_project

KEY = "expert-sd-1"


def _render(h, body, title="教学楼改扩建工程 第一标段"):  # type: ignore[no-untyped-def]
    lot = project_from_dict(example_project()).lot("lot-1")
    person = h.demo.person(KEY)
    return render_score_sheet(
        body, lot, session_title=title, expert_name=person.name, venue="jinan", seat="A01"
    )


def _by(h) -> SignedBy:  # type: ignore[no-untyped-def]
    return SignedBy(None, h.demo.person(KEY).load_cert(), None, "")  # type: ignore[arg-type]


async def test_the_signed_pdf_is_the_pdf_the_json_names(harness) -> None:  # type: ignore[no-untyped-def]
    h = harness
    body = sheet(h, KEY, "E1")
    pdf = _render(h, body)
    bound = bind_sheet_pdf(body, pdf)
    assert bound.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert sheet_hash(bound) == sheet_hash(body) == sheet_hash_of_pdf(pdf)  # both ways bound
    with h.signer(KEY) as signer:
        signed = await async_sign_pdf(pdf, signer)
        assert signed.startswith(pdf) and unsigned_revision_matches(signed, bound.pdf_sha256)
        await verify_sheet_pdf(signed, _by(h), bound)  # accepted


async def test_another_rendering_of_the_same_scores_is_refused(harness) -> None:  # type: ignore[no-untyped-def]
    """The scores agree, the declared JSON hash agrees, but the bytes are not the ones named."""
    h = harness
    body = sheet(h, KEY, "E1")
    shown = _render(h, body)
    other = _render(h, body, title="教学楼改扩建工程 第一标段（另一版式）")
    assert sheet_hash_of_pdf(other) == sheet_hash_of_pdf(shown) and other != shown
    bound = bind_sheet_pdf(body, shown)
    with h.signer(KEY) as signer:
        signed_other = await async_sign_pdf(other, signer)
        with pytest.raises(Unprocessable) as info:
            await verify_sheet_pdf(signed_other, _by(h), bound)
    assert "PDF 摘要不一致" in info.value.message_zh


async def test_a_sheet_that_names_no_pdf_is_refused(harness) -> None:  # type: ignore[no-untyped-def]
    h = harness
    body = sheet(h, KEY, "E1")
    pdf = _render(h, body)
    with h.signer(KEY) as signer:
        signed = await async_sign_pdf(pdf, signer)
        with pytest.raises(Unprocessable) as info:
            await verify_sheet_pdf(signed, _by(h), replace(body, pdf_sha256=""))
    assert "pdf_sha256" in info.value.message_en
