"""The 国密 USB-key (SKF) rows of the login form: the vendor's library, the key, the container.

A Chinese CA's USB key is reached through the vendor's SKF library (GM/T 0016): device →
application → container, each container holding a signing and an encryption certificate.
These rows list what the library sees (no PIN needed) and say which certificate is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from evaluator_app.ui.alive import alive
from evaluator_app.ui.credential_files import library_filter
from evaluator_app.ui.ops import run

if TYPE_CHECKING:
    from evaluator_app.client.credentials import CredentialRef
    from evaluator_app.client.login import LoginService
    from evaluator_app.pki.credentials.skf import SkfContainer, SkfKeyInfo


class SkfKeyRows(QObject):
    chosen = Signal()  # another key or container is selected

    def __init__(self, service: LoginService, parent: QWidget):
        super().__init__(parent)
        self.service = service
        self._keys: list[SkfKeyInfo] = []
        self.library_edit = QLineEdit(service.settings.skf_library)
        self.library_edit.setPlaceholderText(
            self.tr("SKF library of the SM2 USB key (from its vendor), e.g. libskf.so or skf.dll")
        )
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.clicked.connect(self._browse)
        self.library_row = QWidget()
        row = QHBoxLayout(self.library_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.library_edit, 1)
        row.addWidget(self.browse_button)
        self.key_combo = QComboBox()
        self.key_combo.currentIndexChanged.connect(self._key_chosen)
        self.container_combo = QComboBox()
        self.container_combo.currentIndexChanged.connect(lambda _: self.chosen.emit())

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.library_row, self.key_combo, self.container_combo):
            widget.setEnabled(enabled)

    def library(self) -> str:
        return self.library_edit.text().strip()

    async def refresh(self) -> None:
        """List the keys again (a key plugged in after start appears); raises what listing
        raises, for the page to show."""
        from dataclasses import replace

        self.service.settings = replace(self.service.settings, skf_library=self.library())
        keys = await self.service.skf_keys()
        same = [(k.device, k.containers) for k in keys] == [
            (k.device, k.containers) for k in self._keys
        ]
        self._keys = keys  # the PIN counters may have moved even when nothing else did
        if same and self.key_combo.count():
            return
        self.key_combo.blockSignals(True)
        self.key_combo.clear()
        for key in keys:
            self.key_combo.addItem(f"{key.label}  ({key.serial})")
        if not keys:
            self.key_combo.addItem(self.tr("No SM2 USB key found: plug it in"))
        self.key_combo.blockSignals(False)
        self._key_chosen()

    def _key_chosen(self) -> None:
        key = self.current_key()
        self.container_combo.blockSignals(True)
        self.container_combo.clear()
        for con in key.containers if key else ():
            self.container_combo.addItem(f"{con.application} / {con.name}")
        self.container_combo.blockSignals(False)
        self.chosen.emit()

    def current_key(self) -> SkfKeyInfo | None:
        index = self.key_combo.currentIndex()
        return self._keys[index] if 0 <= index < len(self._keys) else None

    def current_container(self) -> SkfContainer | None:
        key = self.current_key()
        index = self.container_combo.currentIndex()
        if key is None or not 0 <= index < len(key.containers):
            return None
        return key.containers[index]

    def tries_text(self) -> str:
        """What the key says about its PIN counter (it reports the exact number)."""
        key = self.current_key()
        if key is None or key.pin_remaining is None:
            return ""
        if key.pin_locked:
            return self.tr("The PIN is locked.")
        if key.pin_max is not None and key.pin_remaining < key.pin_max:
            return self.tr("{n} PIN tries left before the key locks.").format(n=key.pin_remaining)
        return ""

    def pair_text(self) -> str:
        """Which certificate of the container's pair logs in and signs."""
        con = self.current_container()
        if con is None:
            return ""
        if con.sign_cert is None:
            return self.tr("This container holds no signing certificate: it cannot log in.")
        if con.enc_cert is not None:
            return self.tr(
                "This container holds a certificate pair: the signing certificate (shown) logs "
                "in and signs; the encryption certificate is not used for that."
            )
        return self.tr("This container holds a signing certificate only (shown).")

    def credential(self) -> CredentialRef:
        from evaluator_app.client.credentials import CredentialRef

        key, con = self.current_key(), self.current_container()
        return CredentialRef(
            "skf",
            self.library(),
            key.device if key else None,
            application=con.application if con else None,
            container=con.name if con else None,
        )

    def _browse(self) -> None:
        # run for the row (a widget: its window shows progress and failure), not this QObject
        run(self.library_row, self._choose_library(), key="choose_library")

    async def _choose_library(self) -> None:
        from evaluator_app.ui.file_choice import file_to_open  # QFileDialog: after the first paint

        path = await file_to_open(self.library_row, self.tr("SKF library"), library_filter())
        if path and alive(self.library_edit):
            self.library_edit.setText(path)
            self.library_edit.editingFinished.emit()
