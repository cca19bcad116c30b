"""Settings a venue technician fills in once per workstation (and the language, for everyone)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.explain import explain
from evaluator_app.client.settings import TEXT_SCALES, AppSettings, check_settings
from evaluator_app.pki.errors import PkiError


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.original = settings
        self.language = QComboBox()
        self.language.addItem("简体中文", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if settings.language == "zh_CN" else 1)
        self.main_venue = QLineEdit(settings.main_venue_url)
        self.secondary_venue = QLineEdit(settings.secondary_venue_url)
        self.workstation = QLineEdit(settings.workstation_id)
        self.trust_list = QLineEdit(settings.trust_list)
        self.trust_list_signer = QLineEdit(settings.trust_list_signer)
        self.ca_roots = QPlainTextEdit("\n".join(settings.ca_roots))
        self.ca_roots.setMaximumHeight(80)
        self.pkcs11 = QLineEdit(settings.pkcs11_module)
        self.text_size = QComboBox()
        for scale in TEXT_SCALES:
            self.text_size.addItem(f"{scale} %", scale)
        self.text_size.setCurrentIndex(max(0, self.text_size.findData(settings.text_scale)))
        self.skf_library = QLineEdit(settings.skf_library)
        self.cache_cipher = QComboBox()
        self.cache_cipher.addItem("AES-256-GCM", "aes-256-gcm")
        self.cache_cipher.addItem(self.tr("SM4-GCM (national algorithm)"), "sm4-gcm")
        self.cache_cipher.setCurrentIndex(max(0, self.cache_cipher.findData(settings.cache_cipher)))
        cipher_note = QLabel(
            self.tr(
                "How bid documents are encrypted while they are kept on this computer during a "
                "session. SM4-GCM is the national (国密) cipher, for sites whose 密评 "
                "(GB/T 39786) assessment asks for national algorithms throughout; AES-256-GCM "
                "otherwise. A change applies to the next session opened."
            )
        )
        cipher_note.setObjectName("hint")
        cipher_note.setWordWrap(True)
        self.sm2_digest = QLineEdit(settings.pkcs11_sm2_sign_digest)
        self.sm2_message = QLineEdit(settings.pkcs11_sm2_sign_message)
        for edit in (self.sm2_digest, self.sm2_message):
            edit.setPlaceholderText(self.tr("e.g. 0x80008104 (see docs/guomi.md)"))
        form = QFormLayout()
        form.addRow(self.tr("Language:"), self.language)
        form.addRow(self.tr("Text size:"), self.text_size)
        form.addRow(self.tr("Main venue (hosts the sessions):"), self.main_venue)
        form.addRow(self.tr("Secondary venue (where you sit, if different):"), self.secondary_venue)
        form.addRow(self.tr("Workstation id:"), self.workstation)
        form.addRow(self.tr("Trust list file:"), self.trust_list)
        form.addRow(
            self.tr("Centre certificate that signs the trust list:"), self.trust_list_signer
        )
        form.addRow(
            self.tr("CA certificates for the venue connection (one file per line):"), self.ca_roots
        )
        form.addRow(self.tr("USB key driver (PKCS#11 module):"), self.pkcs11)
        form.addRow(self.tr("SM2 USB key driver (SKF library):"), self.skf_library)
        form.addRow(self.tr("PKCS#11 SM2 mechanism, signs the SM3 digest:"), self.sm2_digest)
        form.addRow(self.tr("PKCS#11 SM2 mechanism, hashes in the key:"), self.sm2_message)
        form.addRow(self.tr("Document cache cipher:"), self.cache_cipher)
        form.addRow("", cipher_note)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        note = QLabel(
            self.tr("A change of language takes effect when the application starts again.")
        )
        note.setObjectName("hint")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Saved only when every value can be used; otherwise say which and why."""
        try:
            check_settings(self.result_settings())
        except PkiError as exc:
            self.error.setText(explain(exc).text(self.original.language))
            return
        super().accept()

    def result_settings(self) -> AppSettings:
        return replace(
            self.original,
            language=str(self.language.currentData()),
            main_venue_url=self.main_venue.text().strip(),
            secondary_venue_url=self.secondary_venue.text().strip(),
            workstation_id=self.workstation.text().strip(),
            trust_list=self.trust_list.text().strip(),
            trust_list_signer=self.trust_list_signer.text().strip(),
            ca_roots=tuple(
                line.strip() for line in self.ca_roots.toPlainText().splitlines() if line.strip()
            ),
            pkcs11_module=self.pkcs11.text().strip(),
            text_scale=int(self.text_size.currentData()),
            skf_library=self.skf_library.text().strip(),
            pkcs11_sm2_sign_digest=self.sm2_digest.text().strip(),
            pkcs11_sm2_sign_message=self.sm2_message.text().strip(),
            cache_cipher=str(self.cache_cipher.currentData()),
        )
