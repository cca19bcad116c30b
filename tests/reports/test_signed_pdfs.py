"""The PDFs signed with PAdES: the sheet keeps its hash, the report keeps every signature valid."""

from __future__ import annotations

import re
import subprocess

import pytest

from evaluator_app.pki import pades
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.reports.score_sheet import sheet_hash, sheet_hash_of_pdf
from tests.reports.conftest import sheet_of, tool

VALID = r"Signature Validation: Signature is Valid\."


def pdfsig_valid_count(pdf: bytes, tmp_path) -> int:  # type: ignore[no-untyped-def]
    f = tmp_path / "signed.pdf"
    f.write_bytes(pdf)
    out = subprocess.run(
        [tool("pdfsig"), "-no-ocsp", str(f)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    ).stdout
    return len(re.findall(VALID, out))


@pytest.fixture(scope="module")
def signed_sheet(pki, sheet_pdf) -> bytes:  # type: ignore[no-untyped-def]
    expert = pki.person("expert-e5")
    with open_pkcs12(expert.p12, expert.password) as signer:
        return pades.sign_pdf(
            sheet_pdf, signer, pades.PadesOptions(reason="评分表签署", location="潍坊副场")
        )


@pytest.fixture(scope="module")
def report_signed_in_turn(pki, report_pdf) -> list[bytes]:  # type: ignore[no-untyped-def]
    """The report after each of three members signed it, one incremental update each."""
    revisions = []
    pdf = report_pdf
    for name in ("member-e1", "member-e2", "member-e3"):
        person = pki.person(name)
        with open_pkcs12(person.p12, person.password) as signer:
            pdf = pades.sign_pdf(pdf, signer, pades.PadesOptions(reason="评标报告签署"))
        revisions.append(pdf)
    return revisions


def test_signed_sheet_keeps_its_hash(ex, sheet_pdf, signed_sheet, checker):
    assert signed_sheet.startswith(sheet_pdf)  # incremental: the rendered bytes untouched
    assert sheet_hash_of_pdf(signed_sheet) == sheet_hash(sheet_of(ex))
    (verdict,) = pades.verify_pdf(signed_sheet, checker)
    assert verdict.valid, verdict.reasons


def test_pdfsig_calls_the_sheet_signature_valid(signed_sheet, tmp_path):
    assert pdfsig_valid_count(signed_sheet, tmp_path) == 1


def test_three_members_in_turn_keep_every_signature_valid(
    report_pdf, report_signed_in_turn, checker
):
    final = report_signed_in_turn[-1]
    for earlier, later in zip(
        [report_pdf, *report_signed_in_turn], report_signed_in_turn, strict=False
    ):
        assert later.startswith(earlier)
    verdicts = pades.verify_pdf(final, checker)
    assert [v.field_name for v in verdicts] == ["Signature1", "Signature2", "Signature3"]
    assert all(v.integrity_ok for v in verdicts)
    assert all(v.valid for v in verdicts), [v.reasons for v in verdicts]
    assert [
        "member-e1" in verdicts[0].signer,
        "member-e2" in verdicts[1].signer,
        "member-e3" in verdicts[2].signer,
    ] == [True] * 3


def test_pdfsig_calls_every_report_signature_valid(report_signed_in_turn, tmp_path):
    assert pdfsig_valid_count(report_signed_in_turn[-1], tmp_path) == 3


def test_altered_report_refused(report_signed_in_turn, checker):
    pdf = bytearray(report_signed_in_turn[-1])
    at = pdf.find(b"/Type /Page")
    pdf[at + 2] ^= 0x20
    assert not any(v.valid for v in pades.verify_pdf(bytes(pdf), checker))
