"""The login page: choose a USB key (PKCS#11 or 国密 SKF) or a certificate file, see the
certificate, log in."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.login import LoggedIn, LoginService, warm_up
from evaluator_app.ui.alive import alive
from evaluator_app.ui.certificate_box import CertificateBox
from evaluator_app.ui.controls import route
from evaluator_app.ui.credential_files import (
    certificate_file_label,
    certificate_filter,
    library_filter,
)
from evaluator_app.ui.ops import op
from evaluator_app.ui.skf_rows import SkfKeyRows
from evaluator_app.ui.token_rows import TokenRows

if TYPE_CHECKING:
    from evaluator_app.client.credentials import CertificateSummary

logger = logging.getLogger(__name__)
TOKEN_POLL_MS = 3000  # a USB key plugged in after start appears within this
FIRST_LISTING_RETRY_MS = 50  # until the app's asyncio loop runs


class LoginPage(QWidget):
    logged_in = Signal(object)  # LoggedIn

    def __init__(self, service: LoginService, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.language = language
        self._busy = False
        self._listing = False

        title = QLabel(self.tr("Remote bid evaluation: log in"))
        title.setObjectName("title")
        subtitle = QLabel(
            self.tr("Log in with your digital certificate (USB key or certificate file)")
        )
        subtitle.setObjectName("subtitle")

        self.use_token = QRadioButton(self.tr("USB key"))
        self.use_skf = QRadioButton(self.tr("SM2 USB key (SKF)"))
        self.use_file = QRadioButton(certificate_file_label())
        group = QButtonGroup(self)
        choice = QHBoxLayout()
        for button in (self.use_token, self.use_skf, self.use_file):
            group.addButton(button)
            choice.addWidget(button)
        choice.addStretch()

        self.pkcs11 = TokenRows(service, self)
        self.pkcs11.browse_button.clicked.connect(self._browse_module)
        self.pkcs11.token_combo.currentIndexChanged.connect(self._token_chosen)
        self.skf = SkfKeyRows(service, self)
        self.skf.chosen.connect(self._skf_chosen)
        self.skf.library_edit.editingFinished.connect(self._refresh_tokens)

        self.file_edit = QLineEdit(service.settings.last_p12)
        self.file_edit.setPlaceholderText(self.tr("Certificate file"))
        browse_file = QPushButton(self.tr("Browse…"))
        browse_file.clicked.connect(self._browse_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse_file)

        self.secret_edit = QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.returnPressed.connect(self._login)
        self.tries_label = QLabel()
        self.tries_label.setObjectName("error")

        form = QFormLayout()
        self.form = form
        form.addRow(self.tr("USB key driver:"), self.pkcs11.module_row)
        form.addRow(self.tr("USB key:"), self.pkcs11.token_combo)
        form.addRow(self.tr("SKF library:"), self.skf.library_row)
        form.addRow(self.tr("SM2 USB key:"), self.skf.key_combo)
        form.addRow(self.tr("Container:"), self.skf.container_combo)
        form.addRow(self.tr("Certificate file:"), file_row)
        # the rows each mode shows (the others are hidden: three modes would crowd the form)
        self._rows = {"pkcs11": (0, 1), "skf": (2, 3, 4), "pkcs12": (5,)}
        self.secret_label = QLabel(self.tr("PIN:"))
        form.addRow(self.secret_label, self.secret_edit)
        form.addRow("", self.tries_label)

        self.cert_box = CertificateBox(self.tr("Certificate"))
        self.cert_text = self.cert_box.text
        self.cert_text.setText(self._no_certificate_yet())
        self.file_edit.textChanged.connect(lambda _text: self._clear_certificate())

        self.venue_label = QLabel(
            self.tr("Venue: {url}   Workstation: {ws}").format(
                url=service.venue_url(), ws=service.settings.workstation_id or "?"
            )
        )
        self.venue_label.setObjectName("hint")
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.login_button = QPushButton(self.tr("Log in"))
        self.login_button.setObjectName("primary")
        self.login_button.clicked.connect(self._login)

        card = QWidget()
        card.setMaximumWidth(760)  # a readable column, not a form stretched across a wide screen
        layout = QVBoxLayout(card)
        outer = QHBoxLayout(self)
        outer.addStretch()
        outer.addWidget(card, 3)
        outer.addStretch()
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addLayout(choice)
        layout.addLayout(form)
        layout.addWidget(self.cert_box)
        venue_row = QHBoxLayout()
        venue_row.addWidget(self.venue_label, 1)
        self.enrol_button = QPushButton(self.tr("Register this seat…"))
        self.enrol_button.setToolTip(
            self.tr("Once per seat: the one-time code the venue technician gave you")
        )
        self.enrol_button.clicked.connect(self.enrol)
        venue_row.addWidget(self.enrol_button)
        layout.addLayout(venue_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.login_button)
        layout.addStretch()

        for button in (self.use_token, self.use_skf, self.use_file):  # each one switched on
            button.toggled.connect(self._mode_changed)
        modes = {"pkcs11": self.use_token, "skf": self.use_skf, "pkcs12": self.use_file}
        modes[service.settings.first_login_mode].setChecked(True)  # the last one used
        self._show_mode()  # the fields match the mode from the first paint
        if not self.use_file.isChecked():
            # listing keys loads the PKCS#11 module or SKF library: after the first paint
            QTimer.singleShot(0, self._first_listing)
        self._poll = QTimer(self)
        self._poll.setInterval(TOKEN_POLL_MS)
        self._poll.timeout.connect(self._refresh_tokens)
        self._poll.start()
        # the signing and network libraries load while the person reads and types (after the
        # first paint, so the import does not hold the window back)
        QTimer.singleShot(
            500, lambda: threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
        )

    def _first_listing(self) -> None:
        """The first paint's processEvents runs before the app's asyncio loop exists: a listing
        started then went to a loop that never runs, and the page showed 正在处理… with no key
        for good (the poll's listings were ignored as the same action still running)."""
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            QTimer.singleShot(FIRST_LISTING_RETRY_MS, self._first_listing)
            return
        self._refresh_tokens()

    # -- what is shown ---------------------------------------------------------------
    def _mode(self) -> str:
        return (
            "pkcs11"
            if self.use_token.isChecked()
            else "skf"
            if self.use_skf.isChecked()
            else "pkcs12"
        )

    def _mode_changed(self, checked: bool = True) -> None:
        if not checked:  # the button switched off; the one switched on follows
            return
        self._show_mode()
        self.tries_label.clear()
        self._clear_certificate()
        if not self.use_file.isChecked():
            self._first_listing()  # also called by __init__ choosing the mode last used

    def _no_certificate_yet(self) -> str:
        # a certificate file is encrypted: its certificate can be read only with the password
        if self.file_edit.text().strip() and self._mode() == "pkcs12":
            return self.tr("Certificate file chosen: its certificate is shown once you log in.")
        return self.tr("No certificate chosen yet.")

    def _clear_certificate(self) -> None:
        self.cert_text.setText(self._no_certificate_yet())

    def _show_mode(self) -> None:
        mode = self._mode()
        for widget in (self.pkcs11.module_edit, self.pkcs11.token_combo):
            widget.setEnabled(mode == "pkcs11")
        self.skf.set_enabled(mode == "skf")
        self.file_edit.setEnabled(mode == "pkcs12")
        for kind, rows in self._rows.items():
            for row in rows:
                self.form.setRowVisible(row, kind == mode)
        self.secret_label.setText(self.tr("Password:") if mode == "pkcs12" else self.tr("PIN:"))

    def show_error(self, error: BaseException) -> None:
        if not alive(self):
            return
        from evaluator_app.client.explain import explain

        self.error_label.setText(explain(error).text(self.language))

    def show_certificate(self, summary: CertificateSummary, pair: str = "") -> None:
        self.cert_box.show_summary(summary, pair, self.language)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.login_button.setEnabled(not busy)
        self.login_button.setText(self.tr("Logging in…") if busy else self.tr("Log in"))

    def controls(self) -> dict[str, QWidget]:
        """Logging in (challenge, then the signed statement) and registering the seat."""
        return {
            route("POST", "/login/challenge", session=False): self.login_button,
            route("POST", "/login", session=False): self.login_button,
            route("POST", "/workstations/enrol", session=False): self.enrol_button,
        }

    # -- registering the seat (once, with the technician's code) ------------------------
    @op
    async def enrol(self) -> None:
        from evaluator_app.ui.reason_dialog import ask_text

        code = await ask_text(
            self,
            self.tr("Register this seat"),
            self.tr("One-time enrolment code from the venue technician:"),
        )
        if not code:
            return
        where = await self.service.enrol(code)
        self.error_label.setObjectName("ok")
        self.error_label.setStyleSheet("")
        self.error_label.setText(self.tr("This seat is registered: {where}").format(where=where))

    def show_failure(self, text: str) -> None:
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet("")
        self.error_label.setText(text)

    # -- actions ---------------------------------------------------------------------
    @op
    async def _browse_module(self) -> None:
        from evaluator_app.ui.file_choice import file_to_open  # QFileDialog: after the first paint

        path = await file_to_open(self, self.tr("PKCS#11 module"), library_filter())
        if path and alive(self):
            self.pkcs11.module_edit.setText(path)
            self._refresh_tokens()

    @op
    async def _browse_file(self) -> None:
        from evaluator_app.ui.file_choice import file_to_open

        path = await file_to_open(self, self.tr("Certificate file"), certificate_filter())
        if path and alive(self):
            self.file_edit.setText(path)

    @op
    async def _refresh_tokens(self) -> None:
        if self._busy or self._listing:
            return
        if self.use_skf.isChecked():
            await self._refresh_skf()
            return
        if not self.use_token.isChecked() or not self.pkcs11.module():
            return
        self.service.settings = replace(self.service.settings, pkcs11_module=self.pkcs11.module())
        self._listing = True  # the poll and a click must not list at the same time
        try:
            tokens = await self.service.tokens()
        except Exception as exc:  # shown, never raised into Qt
            self.show_error(exc)
            return
        finally:
            self._listing = False
        if alive(self):
            self.pkcs11.show_tokens(tokens)

    @op
    async def _token_chosen(self) -> None:
        token = self.pkcs11.current_token()
        if token is None:
            return
        self.tries_label.setText(self.pkcs11.tries_text(token))
        own = self.pkcs11.signing_certificate(token)
        if own is not None:
            from cryptography import x509

            try:
                self.show_certificate(
                    await self.service.describe(x509.load_der_x509_certificate(own.der))
                )
            except Exception as exc:
                self.show_error(exc)

    async def _refresh_skf(self) -> None:
        if not self.skf.library():
            return
        self._listing = True  # the poll and a click must not list at the same time
        try:
            await self.skf.refresh()
        except Exception as exc:  # shown, never raised into Qt
            self.show_error(exc)
            return
        finally:
            self._listing = False
        if alive(self):
            self.tries_label.setText(self.skf.tries_text())

    @op
    async def _skf_chosen(self) -> None:
        self.tries_label.setText(self.skf.tries_text())
        container = self.skf.current_container()
        if container is None or container.sign_cert is None:
            self.cert_text.setText(self.skf.pair_text() or self.tr("No certificate chosen yet."))
            return
        from cryptography import x509

        try:
            summary = await self.service.describe(
                x509.load_der_x509_certificate(container.sign_cert)
            )
        except Exception as exc:
            self.show_error(exc)
            return
        if alive(self) and self.skf.current_container() == container:
            self.show_certificate(summary, self.skf.pair_text())

    @op
    async def _login(self) -> None:
        from evaluator_app.client.credentials import CredentialRef, certificate_of

        if self._busy:
            return
        self._set_busy(True)
        self.error_label.clear()
        signer = None
        try:
            secret = self.secret_edit.text()
            if self.use_skf.isChecked():
                credential = self.skf.credential()
            elif self.use_token.isChecked():
                credential = self.pkcs11.credential()
            else:
                credential = CredentialRef("pkcs12", self.file_edit.text().strip())
            signer = await credential.open(secret)
            pair = self.skf.pair_text() if credential.kind == "skf" else ""
            self.show_certificate(await self.service.describe(certificate_of(signer)), pair)
            done: LoggedIn = await self.service.login(signer, credential)
            signer = None  # login() closed it
        except Exception as exc:  # every refusal is shown in words, never a crash
            logger.info("login refused: %s", exc)
            self.show_error(exc)
            if signer is not None:
                signer.close()
            return
        finally:
            if alive(self):
                self.secret_edit.clear()
                self._set_busy(False)
        self._poll.stop()
        self.logged_in.emit(done)
