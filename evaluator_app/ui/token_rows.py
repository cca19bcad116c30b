"""The PKCS#11 USB-key rows of the login form: the key's driver (module) and the key itself.

The login page offers three ways in (a PKCS#11 key, a 国密 SKF key, a certificate file); the SKF
rows live in skf_rows.py, and these are their PKCS#11 counterpart: the module path, the keys the
last listing found, and what that listing says about the chosen key (its PIN counter, the
certificate it logs in with, the credential to open). The page keeps the choice of mode, the
listing and logging in; these rows only hold and read the key's widgets.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

if TYPE_CHECKING:
    from evaluator_app.client.credentials import CredentialRef
    from evaluator_app.client.login import LoginService
    from evaluator_app.pki.credentials import TokenCertificate, TokenInfo


class TokenRows(QObject):
    def __init__(self, service: LoginService, parent: QWidget):
        super().__init__(parent)
        self.service = service
        self._tokens: list[TokenInfo] = []
        self.module_edit = QLineEdit(service.settings.pkcs11_module)
        self.module_edit.setPlaceholderText(
            self.tr("PKCS#11 module of the USB key, e.g. /usr/lib/softhsm/libsofthsm2.so")
        )
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.module_row = QHBoxLayout()
        self.module_row.addWidget(self.module_edit, 1)
        self.module_row.addWidget(self.browse_button)
        self.token_combo = QComboBox()

    def module(self) -> str:
        return self.module_edit.text().strip()

    def show_tokens(self, tokens: list[TokenInfo]) -> None:
        """The keys a listing found; the same keys as shown leave the choice alone."""
        labels = [t.label for t in tokens]
        if labels == [t.label for t in self._tokens]:
            return
        self._tokens = tokens
        self.token_combo.clear()
        for token in tokens:
            self.token_combo.addItem(f"{token.label}  ({token.serial})")
        if not tokens:
            self.token_combo.addItem(self.tr("No USB key found: plug it in"))

    def current_token(self) -> TokenInfo | None:
        index = self.token_combo.currentIndex()
        return self._tokens[index] if 0 <= index < len(self._tokens) else None

    def tries_text(self, token: TokenInfo) -> str:
        """What the key says about its PIN counter (a PKCS#11 key only hints: low, final)."""
        hint = token.tries_left_hint
        return (
            self.tr("The PIN is locked.")
            if token.pin_locked
            else self.tr("Last try before the PIN locks!")
            if hint == "final"
            else self.tr("Few PIN tries left.")
            if hint == "low"
            else ""
        )

    @staticmethod
    def signing_certificate(token: TokenInfo) -> TokenCertificate | None:
        """The certificate the key logs in with: the one labelled signing, else the last."""
        return next(
            (c for c in token.certificates if c.label == "signing"),
            token.certificates[-1] if token.certificates else None,
        )

    def credential(self) -> CredentialRef:
        token = self.current_token()
        return replace(
            self.service.token_credential(
                token.label if token else None, token.slot if token else None
            ),
            path=self.module(),
        )
