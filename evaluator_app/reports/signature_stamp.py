"""What a printed copy shows of each electronic signature: who signed, with which CA's
certificate (its serial number) and when, in Beijing time, inside the signer's field."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from evaluator_app.core.beijing import beijing_time
from evaluator_app.pki.pades import PadesOptions
from evaluator_app.reports.fonts import RENDER_LOCK, register_fonts
from evaluator_app.reports.signature_fields import empty_fields, member_field

SEAL = colors.HexColor("#B00020")
INK = colors.HexColor("#1A1A1A")


@dataclass(frozen=True)
class SignerEvidence:
    name: str  # the holder, from the certificate
    ca: str  # the issuing CA
    serial: str  # the certificate's serial number, hex

    @classmethod
    def of(cls, certificate: Any) -> SignerEvidence:
        """From the signer's certificate (asn1crypto, as the credentials hold it)."""
        subject, issuer = certificate.subject.native, certificate.issuer.native
        name = subject.get("common_name") or certificate.subject.human_friendly
        ca = issuer.get("common_name") or issuer.get("organization_name") or ""
        return cls(str(name), str(ca), format(certificate.serial_number, "X"))


def stamp_lines(evidence: SignerEvidence, when: dt.datetime) -> list[str]:
    return [
        f"{evidence.name}（电子签名）",
        f"CA：{evidence.ca}",
        "证书序列号：" + (evidence.serial if len(evidence.serial) <= 24 else ""),
        *([evidence.serial] if len(evidence.serial) > 24 else []),  # a long one on its own line
        f"签署时间：{beijing_time(when)}",
    ]


def render_stamp(evidence: SignerEvidence, when: dt.datetime, width: float, height: float) -> bytes:
    """A one-page PDF of exactly width × height points: a seal-red frame and the lines, each as
    large as fits (never below 5 pt: a long line shrinks alone)."""
    font = register_fonts()
    lines = stamp_lines(evidence, when)
    pad = 3.0
    with RENDER_LOCK:
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=(width, height), invariant=1)
        canvas.setStrokeColor(SEAL)
        canvas.setLineWidth(1.2)
        canvas.roundRect(1, 1, width - 2, height - 2, 3, stroke=1, fill=0)
        size = min(9.0, (height - 2 * pad) / (len(lines) * 1.2))
        y = height - pad - size
        for n, line in enumerate(lines):
            fitted = min(size, (width - 2 * pad) / max(1.0, stringWidth(line, font, 1)))
            canvas.setFont(font, max(5.0, fitted))
            canvas.setFillColor(SEAL if n == 0 else INK)
            canvas.drawString(pad + 1, y, line)
            y -= size * 1.2
        canvas.showPage()
        canvas.save()
        return out.getvalue()


def stamped(
    pdf: bytes, person_id: str, certificate: Any, options: PadesOptions | None = None
) -> PadesOptions:
    """The signing options for ``person_id``: into their field, with the visible evidence, when
    the PDF was laid out with one (else unchanged: an invisible signature as before)."""
    options = options or PadesOptions()
    name = member_field(person_id)
    if name not in empty_fields(pdf):
        return options
    evidence = SignerEvidence.of(certificate)
    return replace(
        options,
        field_name=name,
        appearance=lambda when, width, height: render_stamp(evidence, when, width, height),
    )
