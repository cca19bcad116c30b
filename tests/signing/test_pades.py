"""PAdES on reportlab PDFs: B-B, B-T, B-LT, members signing in turn, tampering refused."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from evaluator_app.pki import pades
from evaluator_app.pki.credentials import open_pkcs12, open_token
from evaluator_app.pki.reasons import SignatureProblem
from evaluator_app.pki.signature_verify import RootsChecker, Trust, to_asn1
from tests.signing.conftest import PIN


def report_pdf(text: str = "Evaluation report / 评标报告 lot 1") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 750, text)
    c.drawString(72, 730, "Ranking: bidder-2 (91.25), bidder-1 (87.50)")
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def signed_lt(pki, alice, bob, carol, tsa) -> bytes:
    """The report signed in turn by three members, B-LT (timestamp + DSS with CRL)."""
    opts = pades.PadesOptions(
        tsa_url=tsa.url,
        embed_validation_data=True,
        trust_roots=(to_asn1(pki.root),),
        crls=(pki.crl(),),
    )
    pdf = report_pdf()
    for p in (alice, bob, carol):
        with open_pkcs12(p.p12, p.password) as signer:
            pdf = pades.sign_pdf(pdf, signer, opts)
    return pdf


def test_pades_b_b_single_signature(alice, checker):
    with open_pkcs12(alice.p12, alice.password) as signer:
        pdf = pades.sign_pdf(report_pdf(), signer)
    (v,) = pades.verify_pdf(pdf, checker)
    assert v.valid, v.reasons
    assert v.timestamp_time is None and v.field_name == "Signature1"
    assert not pades.has_dss(pdf)


def test_pades_b_t_with_softhsm_token(token, tsa, checker):
    with open_token(token.module, PIN, token_label=token.label) as signer:
        pdf = pades.sign_pdf(report_pdf(), signer, pades.PadesOptions(tsa_url=tsa.url))
    (v,) = pades.verify_pdf(pdf, checker)
    assert v.valid, v.reasons
    assert v.timestamp_time is not None and "alice" in v.signer


def test_pades_b_lt_three_members_in_turn(signed_lt, pki):
    assert pades.has_dss(signed_lt)
    # Revocation required: only the CRL embedded in the DSS can satisfy it.
    strict = RootsChecker([pki.root], revocation="require")
    vs = pades.verify_pdf(signed_lt, strict)
    assert [v.field_name for v in vs] == ["Signature1", "Signature2", "Signature3"]
    assert all(v.valid for v in vs), [v.reasons for v in vs]
    assert ["alice" in vs[0].signer, "bob" in vs[1].signer, "carol" in vs[2].signer] == [True] * 3
    assert all(v.timestamp_time is not None for v in vs)


def test_revoked_signer_refused_from_embedded_crl(pki, tsa):
    dave = pki.person("dave")
    crl = pki.crl(revoked=(dave.cert,))
    opts = pades.PadesOptions(
        tsa_url=tsa.url, embed_validation_data=True, trust_roots=(to_asn1(pki.root),), crls=(crl,)
    )
    with open_pkcs12(dave.p12, dave.password) as signer:
        try:
            pdf = pades.sign_pdf(report_pdf(), signer, opts)
        except Exception:
            return
    (v,) = pades.verify_pdf(pdf, RootsChecker([pki.root], revocation="require"))
    assert v.trust is Trust.REVOKED and not v.valid


def test_pdfsig_calls_every_signature_valid(signed_lt, pdfsig, tmp_path):
    f = tmp_path / "report.pdf"
    f.write_bytes(signed_lt)
    out = subprocess.run(
        [pdfsig, "-no-ocsp", str(f)], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    assert len(re.findall(r"Signature Validation: Signature is Valid\.", out)) == 3, out


def test_pdfsig_trusts_signers_with_root_in_nss_db(signed_lt, pki, pdfsig, tmp_path):
    """With the root in an NSS database poppler also calls every certificate trusted.

    Needs certutil (libnss3-tools). Not with -no-ocsp: poppler 22.12 then reports "Unknown
    issue with Certificate" for any certificate; ours carry no OCSP URL, so nothing is fetched.
    """
    certutil = shutil.which("certutil")
    if certutil is None:
        pytest.skip("certutil (libnss3-tools) is not installed: cannot build an NSS database")
    db = tmp_path / "nss"
    db.mkdir()
    subprocess.run(
        [certutil, "-N", "-d", f"sql:{db}", "--empty-password"], check=True, capture_output=True
    )
    subprocess.run(
        [
            certutil,
            "-A",
            "-d",
            f"sql:{db}",
            "-n",
            "test-root",
            "-t",
            "CT,C,C",
            "-i",
            str(pki.root_pem),
        ],
        check=True,
        capture_output=True,
    )
    f = tmp_path / "report.pdf"
    f.write_bytes(signed_lt)
    out = subprocess.run(
        [pdfsig, "-nssdir", f"sql:{db}", str(f)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    ).stdout
    assert len(re.findall(r"Signature Validation: Signature is Valid\.", out)) == 3, out
    assert len(re.findall(r"Certificate Validation: Certificate is Trusted\.", out)) == 3, out


def test_flipped_byte_in_signed_pdf_refused(signed_lt, checker):
    pdf = bytearray(signed_lt)
    at = pdf.find(b"/Type /Page")
    assert at > 0
    pdf[at + 2] ^= 0x20  # "/Type /page": inside every signed range
    vs = pades.verify_pdf(bytes(pdf), checker)
    assert vs and not any(v.valid for v in vs)


def test_data_appended_after_signature_refused(signed_lt, checker):
    vs = pades.verify_pdf(signed_lt + b"\n% a late note\n1 0 obj\n(x)\nendobj\n", checker)
    assert not vs[-1].valid and SignatureProblem.DATA_APPENDED in vs[-1].codes


def test_incremental_change_after_signature_refused(alice, checker):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with open_pkcs12(alice.p12, alice.password) as signer:
        pdf = pades.sign_pdf(report_pdf(), signer)
    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = w.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 600 Td (bidder-1 wins) Tj ET")
    page["/Contents"] = w.add_object(stream)
    w.update_container(page)
    out = io.BytesIO()
    w.write(out)
    (v,) = pades.verify_pdf(out.getvalue(), checker)
    assert not v.valid and v.integrity_ok
    changed = {SignatureProblem.CHANGED_AFTER_SIGNING, SignatureProblem.DATA_ADDED}
    assert v.codes & changed, v.reasons


def test_unsigned_pdf_has_no_verdicts(checker):
    assert pades.verify_pdf(report_pdf(), checker) == []


def test_not_a_pdf_is_a_verdict_not_a_crash(checker, tmp_path: Path):
    vs = pades.verify_pdf(b"%PDF-1.7 but not really", checker)
    assert len(vs) == 1 and not vs[0].valid


def test_an_unreadable_pdf_is_a_typed_verdict(checker):
    (v,) = pades.verify_pdf(b"%PDF-1.7\nnot really a pdf", checker)
    assert not v.valid and v.codes == {SignatureProblem.MALFORMED} and v.reasons_zh
