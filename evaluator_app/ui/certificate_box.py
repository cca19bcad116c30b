"""The login page's certificate panel: whose certificate, from which CA, valid when, used for
what, and whether the CA is on the mutual-recognition list (with the reasons when not)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from evaluator_app.client.credentials import CertificateSummary


class CertificateBox(QGroupBox):
    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.text = QLabel()
        self.text.setWordWrap(True)
        QVBoxLayout(self).addWidget(self.text)

    def show_summary(self, summary: CertificateSummary, pair: str, language: str) -> None:
        """Holder, CA, validity, which certificate of a pair, and whether the CA is recognised."""
        lines = [
            self.tr("Holder: {name} ({id})").format(
                name=summary.holder, id=summary.person_id or "?"
            ),
            self.tr("Issued by: {ca}").format(ca=summary.ca_name or summary.issuer),
            self.tr("Valid: {start} to {end}").format(
                start=f"{summary.not_before:%Y-%m-%d}", end=f"{summary.not_after:%Y-%m-%d}"
            ),
            (
                self.tr("{alg} signing certificate: used to log in and to sign")
                if summary.signing_certificate
                else self.tr("{alg} encryption certificate: it cannot log in or sign")
            ).format(alg=summary.key_algorithm),
        ]
        if pair:  # which certificate of the key's pair is used
            lines.append(pair)
        if summary.recognised:
            lines.append("✔ " + self.tr("Recognised: this CA is on the mutual-recognition list"))
        else:
            reasons = summary.reasons_en if language == "en" else summary.reasons_zh
            lines.append("✘ " + self.tr("Not recognised: {why}").format(why="; ".join(reasons)))
        self.text.setText("\n".join(lines))
        self.text.setObjectName("ok" if summary.recognised else "error")
        self.text.setStyleSheet("")  # re-polish for the new object name
