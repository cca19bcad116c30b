"""Printed evidence of each signature: the report's signature table and the score sheet show,
in each signer's own field, the name, CA, certificate serial and signing time (Beijing time);
members sign in turn and every earlier signature stays valid (pyHanko and pdfsig)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from asn1crypto import x509 as asn1_x509

from evaluator_app.core.beijing import beijing_time
from evaluator_app.pki import pades
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.reports.score_sheet import sheet_hash, sheet_hash_of_pdf
from evaluator_app.reports.signature_fields import empty_fields, member_field
from evaluator_app.reports.signature_stamp import stamped
from tests.reports.conftest import pdftotext, sheet_of, tool
from tests.reports.test_signed_pdfs import pdfsig_valid_count

SIGNERS = {"E1": "member-e1", "E2": "member-e2", "E3": "member-e3"}


def _sign(pdf: bytes, person_id: str, person) -> tuple[bytes, asn1_x509.Certificate]:  # type: ignore[no-untyped-def]
    with open_pkcs12(person.p12, person.password) as signer:
        options = stamped(pdf, person_id, signer.certificate, pades.PadesOptions(reason="签署"))
        return pades.sign_pdf(pdf, signer, options), signer.certificate


@pytest.fixture(scope="module")
def in_turn(pki, report_pdf):  # type: ignore[no-untyped-def]
    """The report after E1, E2 and E3 signed it in turn, each into their own field."""
    pdf, revisions, certificates = report_pdf, [], {}
    for person_id, key in SIGNERS.items():
        pdf, certificates[person_id] = _sign(pdf, person_id, pki.person(key))
        revisions.append(pdf)
    return revisions, certificates


def _last_page_text(pdf: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    text = pdftotext(pdf, tmp_path)
    return re.sub(r"\s+", "", text.split("\f")[-2] if text.count("\f") > 1 else text)


def test_each_member_signs_their_own_field_and_earlier_signatures_stay_valid(
    ex, report_pdf, in_turn, checker, tmp_path
):
    revisions, certificates = in_turn
    assert {member_field(e) for e in ex.committee.experts} <= empty_fields(report_pdf)
    for earlier, later in zip([report_pdf, *revisions], revisions, strict=False):
        assert later.startswith(earlier)  # incremental: nothing signed before is rewritten
    final = revisions[-1]
    verdicts = pades.verify_pdf(final, checker)
    assert [v.field_name for v in verdicts] == [member_field(e) for e in SIGNERS]
    assert all(v.valid for v in verdicts), [v.reasons for v in verdicts]
    assert pdfsig_valid_count(final, tmp_path) == 3
    assert member_field("E1") not in empty_fields(final)
    assert member_field("E4") in empty_fields(final)  # not signed yet: still empty
    # the printed signature page: every signer's evidence, the earlier ones still there
    page = _last_page_text(final, tmp_path)
    for verdict, (person_id, key) in zip(verdicts, SIGNERS.items(), strict=False):
        certificate = certificates[person_id]
        assert f"{key}（电子签名）" in page
        assert "CA：TestRootCA" in page
        assert f"证书序列号：{format(certificate.serial_number, 'X')}" in page
        assert verdict.signing_time is not None
        assert f"签署时间：{beijing_time(verdict.signing_time)}".replace(" ", "") in page


def test_the_evidence_is_drawn_in_the_field(in_turn, tmp_path):  # type: ignore[no-untyped-def]
    """Rendered as a printer would (poppler at 100 dpi): seal-red ink inside each signed field."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields

    final = in_turn[0][-1]
    path = tmp_path / "report.pdf"
    path.write_bytes(final)
    reader = PdfFileReader(io.BytesIO(final))
    pages = reader.root["/Pages"]["/Count"]
    subprocess.run(
        [
            tool("pdftoppm"),
            "-r",
            "100",
            "-f",
            str(pages),
            "-l",
            str(pages),
            "-png",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    height = image.height
    scale = 100 / 72
    for name, _value, ref in fields.enumerate_sig_fields(reader, filled_status=True):
        x1, y1, x2, y2 = (float(v) for v in ref.get_object()["/Rect"])
        box = (int(x1 * scale), int(height - y2 * scale), int(x2 * scale), int(height - y1 * scale))
        crop = image.crop(box)
        pixels = (crop.getpixel((x, y)) for x in range(crop.width) for y in range(crop.height))
        red = sum(1 for r, g, b in pixels if r > 140 and g < 80 and b < 90)
        assert red > 150, f"{name}: no visible stamp ({red} red pixels)"


def test_the_score_sheet_shows_its_signature_and_keeps_its_hash(
    ex, pki, sheet_pdf, checker, tmp_path
):
    assert empty_fields(sheet_pdf) == {member_field("E5")}
    signed, certificate = _sign(sheet_pdf, "E5", pki.person("expert-e5"))
    assert signed.startswith(sheet_pdf)
    assert sheet_hash_of_pdf(signed) == sheet_hash(sheet_of(ex))
    (verdict,) = pades.verify_pdf(signed, checker)
    assert verdict.valid and verdict.field_name == member_field("E5"), verdict.reasons
    assert pdfsig_valid_count(signed, tmp_path) == 1
    page = _last_page_text(signed, tmp_path)
    assert "expert-e5（电子签名）" in page
    assert f"证书序列号：{format(certificate.serial_number, 'X')}" in page
    assert "签署时间：" in page and "（北京时间）" in page


def test_a_signer_without_a_field_signs_invisibly_as_before(pki, report_pdf):  # type: ignore[no-untyped-def]
    person = pki.person("member-x")
    with open_pkcs12(person.p12, person.password) as signer:
        options = stamped(report_pdf, "not-a-member", signer.certificate)
    assert options.field_name is None and options.appearance is None
