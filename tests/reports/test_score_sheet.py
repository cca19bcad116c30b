"""The score sheet PDF: content, fonts, determinism, and the hash that binds it to the JSON."""

from __future__ import annotations

import dataclasses
import io
import re
from decimal import Decimal

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from evaluator_app.protocol.artefacts import SheetScore
from evaluator_app.reports.score_sheet import sheet_hash, sheet_hash_of_pdf
from tests.reports.conftest import pdftotext, render_sheet, run, sheet_of, tool
from tests.reports.example_data import NAMES


def test_opens_with_pyhanko_and_poppler(sheet_pdf, tmp_path):
    reader = PdfFileReader(io.BytesIO(sheet_pdf), strict=True)
    assert reader.root["/Pages"]["/Count"] >= 1
    f = tmp_path / "sheet.pdf"
    f.write_bytes(sheet_pdf)
    info = run(tool("pdfinfo"), str(f))
    assert "A4" in info and "评标专家评分表" in info


def test_text_has_expert_bidders_scores_and_hash(ex, sheet_pdf, tmp_path):
    sheet = sheet_of(ex)
    text = pdftotext(sheet_pdf, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert (
        "评标专家评分表" in flat and NAMES["E5"] in flat and "潍坊副场" in flat and "W-03" in flat
    )
    for bidder_id in {s.bidder_id for s in sheet.scores}:
        assert ex.lot.bidder(bidder_id).name in flat
    assert sheet_hash(sheet) in flat
    # every item score of one bidder, in plan order, in that bidder's table (layout mode keeps rows)
    layout = pdftotext(sheet_pdf, tmp_path, "-layout")
    for entry in sheet.scores:
        assert re.search(rf"(?<![\d.]){re.escape(format(entry.score, 'f'))}(?![\d.])", layout), (
            entry
        )
    assert "施工组织设计未包含冬季施工专项方案" in flat  # the deviation explanation
    assert "2026-11-2614:30:00（北京时间）" in flat


def test_totals_are_exact_sums_of_the_scored_items(ex, sheet_pdf, tmp_path):
    sheet = sheet_of(ex)
    layout = pdftotext(sheet_pdf, tmp_path, "-layout")
    for bidder_id in ("B1", "B2", "B3"):
        total = sum((s.score for s in sheet.scores if s.bidder_id == bidder_id), Decimal(0))
        assert format(total, "f") in layout
    assert "50.0" in layout and "46.0" in layout and "44.5" in layout


def test_embeds_a_subset_of_the_cjk_font_and_nothing_else(sheet_pdf, tmp_path):
    f = tmp_path / "sheet.pdf"
    f.write_bytes(sheet_pdf)
    rows = [line.split() for line in run(tool("pdffonts"), str(f)).splitlines()[2:]]
    assert rows, "no font"
    for row in rows:
        assert re.fullmatch(r"[A-Z]{6}\+WenQuanYiMicroHei.*", row[0]), row
        assert row[-5:-2] == ["yes", "yes", "yes"], row  # emb sub uni


def test_hash_in_info_and_readable_back(ex, sheet_pdf, tmp_path):
    digest = sheet_hash(sheet_of(ex))
    assert sheet_hash_of_pdf(sheet_pdf) == digest
    f = tmp_path / "sheet.pdf"
    f.write_bytes(sheet_pdf)
    info = run(tool("pdfinfo"), str(f))
    assert f"Subject:         sheet-sha256:{digest}" in info
    assert "CreationDate:    Thu Nov 26 06:30:00 2026 UTC" in info


def test_byte_identical_for_identical_input(ex, sheet_pdf):
    again = render_sheet(ex, dataclasses.replace(sheet_of(ex)))
    assert again == sheet_pdf


def test_one_changed_score_changes_pdf_and_hash(ex, sheet_pdf):
    sheet = sheet_of(ex)
    first = sheet.scores[0]
    changed = dataclasses.replace(
        sheet,
        scores=(dataclasses.replace(first, score=first.score - Decimal("0.5")), *sheet.scores[1:]),
    )
    pdf = render_sheet(ex, changed)
    assert pdf != sheet_pdf
    assert sheet_hash_of_pdf(pdf) == sheet_hash(changed) != sheet_hash(sheet)


def test_decimal_sums_never_drift(ex, tmp_path):
    """0.1 + 0.2 must print 0.3: totals are exact Decimal sums, never floats."""
    sheet = sheet_of(ex)
    scores = tuple(
        dataclasses.replace(
            s,
            score=Decimal("0.1")
            if s.item_id == "t-schedule"
            else Decimal("0.2")
            if s.item_id == "t-quality"
            else Decimal(0),
        )
        for s in sheet.scores
        if s.bidder_id == "B1" and s.item_id != "t-organisation"
    )
    pdf = render_sheet(ex, dataclasses.replace(sheet, scores=scores, explanations=()))
    text = re.sub(r"\s+", "", pdftotext(pdf, tmp_path))
    assert "0.3（未完成）" in text  # t-organisation missing: a draft
    assert "0.30000000000000004" not in text


def test_page_footer_on_every_page(ex, sheet_pdf, tmp_path):
    text = pdftotext(sheet_pdf, tmp_path)
    pages = text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    assert len(pages) >= 2
    digest = sheet_hash(sheet_of(ex))
    for n, page in enumerate(pages, start=1):
        flat = re.sub(r"\s+", "", page)
        assert f"第{n}页/共{len(pages)}页" in flat and digest in flat


def test_unknown_bidder_refused(ex):
    sheet = sheet_of(ex)
    bad = dataclasses.replace(
        sheet, scores=(*sheet.scores, SheetScore("B99", "t-schedule", Decimal(1)))
    )
    with pytest.raises(ValueError, match="B99"):
        render_sheet(ex, bad)


def test_no_hash_in_an_unrelated_pdf():
    assert sheet_hash_of_pdf(b"%PDF-1.4 not really") is None


def test_font_registered_once_and_renders_agree_across_threads(ex, sheet_pdf):
    from concurrent.futures import ThreadPoolExecutor

    from evaluator_app.reports.fonts import FONT, register_fonts

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(lambda _n: register_fonts(), range(8))) == {FONT}
        pdfs = list(pool.map(lambda _n: render_sheet(ex, sheet_of(ex)), range(4)))
    assert all(pdf == sheet_pdf for pdf in pdfs)


def test_same_bytes_in_another_process(sheet_pdf):
    """The client previews and the venue may re-render: bytes must not depend on the process."""
    import hashlib
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import hashlib; from tests.reports.conftest import render_sheet, sheet_of; "
        "from tests.reports.example_data import example; ex = example(); "
        "print(hashlib.sha256(render_sheet(ex, sheet_of(ex))).hexdigest())"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": "4321", "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env=env,
        timeout=120,
    )
    assert out.stdout.strip() == hashlib.sha256(sheet_pdf).hexdigest()


RESIDENT_ID = "370102199001010011"  # a resident ID number (身份证号) as the expert's id


def test_a_resident_id_is_printed_masked_and_other_ids_whole(ex, tmp_path):
    from evaluator_app.reports.score_sheet import render_score_sheet
    from evaluator_app.reports.styles import masked_id

    assert masked_id(RESIDENT_ID) == "370102********0011"
    assert masked_id("37010219900101001X") == "370102********001X"
    assert masked_id("E5") == "E5" and masked_id("3701021990") == "3701021990"
    sheet = dataclasses.replace(sheet_of(ex), expert_id=RESIDENT_ID)
    pdf = render_score_sheet(
        sheet, ex.lot, session_title="S", expert_name=NAMES["E5"], venue="潍坊副场", seat="W-03"
    )
    flat = re.sub(r"\s+", "", pdftotext(pdf, tmp_path))
    assert RESIDENT_ID not in flat and f"{NAMES['E5']}（370102********0011）" in flat
