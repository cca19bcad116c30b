"""The demo launcher: the demo people, one click to open the application as each of them."""

from __future__ import annotations

import logging
import os
import subprocess

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.demo.runner import ServicesThread, app_command
from evaluator_app.demo.world import CITY, DemoPerson, DemoWorld, credential_kind
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.phase_names import role_name
from evaluator_app.ui.style import apply_style

logger = logging.getLogger(__name__)


class Launcher(QMainWindow):
    def __init__(self, world: DemoWorld, parent: QWidget | None = None):
        super().__init__(parent)
        self.world = world
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.setWindowTitle(self.tr("Remote bid evaluation: demo"))
        self.resize(980, 560)
        title = QLabel(self.tr("Demo: a cross-city evaluation on this computer"))
        title.setObjectName("title")
        intro = QLabel(
            self.tr(
                "The Jinan venue hosts the session; experts seated in Zibo connect to it. Click a person to open the application as them; their certificate file is filled in, type the password shown."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(world.people), 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Role"),
                self.tr("Venue / seat"),
                self.tr("Certificate"),
                self.tr("Certificate password"),
                "",
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        kinds = {
            "skf": self.tr("SM2 on the software SKF USB key (self-test); SM2 key file in the app"),
            "sm2-file": self.tr("SM2 key file"),
            "p12": self.tr("ECDSA .p12 file"),
        }
        self.buttons: dict[str, QPushButton] = {}
        for row, person in enumerate(world.people):
            cells = [
                person.name,
                role_name(person.role),
                f"{CITY[person.venue]} {person.seat}",
                kinds[credential_kind(person)],
                person.password,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, column, item)
            button = QPushButton(self.tr("Open"))
            button.clicked.connect(lambda _=False, p=person: self.open_as(p))
            self.buttons[person.key] = button
            self.table.setCellWidget(row, 5, button)
        self.status = QLabel(
            self.tr("Venue {url} · demo folder {dir}").format(url=world.venue_url, dir=world.root)
        )
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        central = QWidget()
        layout = QVBoxLayout(central)
        for widget in (title, intro, self.table, self.status):
            layout.addWidget(widget)
        self.setCentralWidget(central)
        self._reaper = QTimer(self)  # a closed application frees its button again
        self._reaper.setInterval(1000)
        self._reaper.timeout.connect(self._reap)
        self._reaper.start()

    def open_as(self, person: DemoPerson) -> None:
        running = self.children.get(person.key)
        if running is not None and running.poll() is None:
            self.status.setText(
                self.tr("{name}'s application is already open.").format(name=person.name)
            )
            return
        QGuiApplication.clipboard().setText(person.password)
        env = dict(os.environ)
        self.children[person.key] = subprocess.Popen(app_command(person.data_dir), env=env)
        self.status.setText(
            self.tr("Opened the application as {name} (password copied to the clipboard).").format(
                name=person.name
            )
        )

    def _reap(self) -> None:
        for key, child in list(self.children.items()):
            if child.poll() is not None:
                del self.children[key]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_children()
        super().closeEvent(event)

    def stop_children(self) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        for child in self.children.values():
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        self.children.clear()


def run_launcher(world: DemoWorld) -> int:
    app = QApplication.instance() or QApplication([])
    apply_style(app)  # type: ignore[arg-type]
    install_language(app, "zh_CN")
    services = ServicesThread(world).start()
    if services.error is not None:
        print(f"演示服务无法启动 the demo services did not start: {services.error}")
        return 1
    launcher = Launcher(world)
    launcher.show()
    import signal

    signal.signal(signal.SIGINT, lambda *_: launcher.close())  # Ctrl+C closes everything cleanly
    ticker = QTimer()  # lets Python see Ctrl+C while Qt runs
    ticker.start(300)
    ticker.timeout.connect(lambda: None)
    try:
        app.exec()
    finally:
        launcher.stop_children()
        services.stop()
        print("演示已结束 demo stopped")
    return 0
