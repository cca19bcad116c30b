"""Asking for the PIN (or certificate password) before each signature.

The dialog is opened with ``open()`` and awaited (``ops.ask``): a nested ``exec()`` loop inside a
coroutine would step other tasks inside this one ("Cannot enter into task") and kill the
connection's tasks.
"""

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
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(
            self.tr("USB key PIN")
            if credential_kind in ("pkcs11", "skf")
            else self.tr("Certificate file password")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_button.setText(self.tr("Sign"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.secret)
        layout.addWidget(buttons)


async def ask_secret(parent: QWidget, what: str, credential_kind: str) -> str | None:
    """The PIN or password the person typed, or None if they cancelled."""
    from evaluator_app.ui.ops import ask

    dialog = SignDialog(what, credential_kind, parent)
    accepted = await ask(dialog) == QDialog.DialogCode.Accepted.value
    return dialog.secret.text() if accepted else None
