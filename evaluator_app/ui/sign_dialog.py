"""Asking for the PIN (or certificate password) before each signature."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class SignDialog(QDialog):
    def __init__(self, what: str, credential_kind: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign"))
        text = QLabel(
            self.tr(
                "You are about to sign: {what}\nSigned content cannot be changed afterwards."
            ).format(what=what)
        )
        text.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(
            self.tr("USB key PIN")
            if credential_kind in ("pkcs11", "skf")
            else self.tr("Certificate file password")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.secret)
        layout.addWidget(buttons)


def ask_secret(parent: QWidget, what: str, credential_kind: str) -> str | None:
    dialog = SignDialog(what, credential_kind, parent)
    return dialog.secret.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
