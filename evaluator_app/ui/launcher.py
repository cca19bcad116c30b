"""The demo launcher: the demo people, one click to open the application as each of them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QFont, QFontDatabase, QFontInfo, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
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
from evaluator_app.demo.workers import die_with_parent
from evaluator_app.demo.world import CITY, EXPERTS, DemoPerson, DemoWorld, credential_kind
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.phase_names import role_name
from evaluator_app.ui.style import apply_style, set_app_icon

logger = logging.getLogger(__name__)

PASSWORD_COLUMN = 5


def part_of(person: DemoPerson) -> str:
    """What the person does in the demo session: committee, reserve, supervisor or centre."""
    if person.role == "expert":
        return "committee" if person.key in EXPERTS else "reserve"
    return "supervisor" if person.role == "supervisor" else "centre"


def _fixed_pitch_font() -> QFont:
    """The system's fixed-pitch font, or the first installed fixed-pitch family where the
    platform names only the alias "monospace" and resolves it to a proportional face (seen with
    the offscreen platform: QFontInfo then says the font is not fixed-pitch)."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if QFontInfo(font).fixedPitch():
        return font
    for family in QFontDatabase.families():
        if QFontDatabase.isFixedPitch(family) and not QFontDatabase.isPrivateFamily(family):
            chosen = QFont(family)
            if QFontInfo(chosen).fixedPitch():
                return chosen
    return font


def _centred(button: QPushButton) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(4, 2, 4, 2)
    layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
    return holder


def _row_height(buttons: dict[str, QPushButton]) -> int:
    return max((b.sizeHint().height() for b in buttons.values()), default=0) + 4


class Launcher(QMainWindow):
    def __init__(self, world: DemoWorld, parent: QWidget | None = None):
        super().__init__(parent)
        self.world = world
        self.apps: dict[str, subprocess.Popen[bytes]] = {}  # the apps it opened, by person
        self.setWindowTitle(self.tr("Remote bid evaluation: demo"))
        self.resize(980, 560)
        title = QLabel(self.tr("Demo: a cross-city evaluation on this computer"))
        title.setObjectName("title")
        intro = QLabel(
            self.tr(
                "The Jinan venue hosts the session; experts seated in Zibo connect to it. Click a "
                "person to open the application as them; their certificate file (or USB key) "
                "is chosen, type the password shown (a USB key's PIN)."
            )
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(world.people), 7)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Role"),
                self.tr("Venue / seat"),
                self.tr("In this session"),
                self.tr("Certificate"),
                self.tr("Certificate password"),
                "",
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        parts = {
            "committee": self.tr("Committee member"),
            # as the demo plays it: 孙丽 recuses, no reserve is left, a supplementary draw by the
            # same rules finds this expert (who joined the pool after the first draw)
            "reserve": self.tr(
                "Drawn later: not on the committee at first; when an expert recuses, "
                "the supplementary draw (same rules) seats them"
            ),
            "supervisor": self.tr("Watches the experts at this venue"),
            "centre": self.tr("Creates the session, collects the results, archives"),
        }
        kinds = {
            # her app opens on the key (demo/world.py): never "the key file in the app"
            "skf": self.tr("SM2 on the software SKF USB key; its PIN is the password shown"),
            "sm2-file": self.tr("SM2 key file"),
            "p12": self.tr("ECDSA .p12 file"),
        }
        self.buttons: dict[str, QPushButton] = {}
        # the passwords mix l, I and 1, O and 0: in the proportional UI font 陈静's "lofd…"
        # reads as "Iofd…" and the login fails; a fixed-pitch font draws each one apart
        typed = _fixed_pitch_font()
        typed.setPointSizeF(max(typed.pointSizeF(), self.table.font().pointSizeF()))
        for row, person in enumerate(world.people):
            cells = [
                person.name,
                role_name(person.role),
                f"{CITY[person.venue]} {person.seat}",
                parts[part_of(person)],
                kinds[credential_kind(person)],
                person.password,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if column == PASSWORD_COLUMN:
                    item.setFont(typed)
                self.table.setItem(row, column, item)
            button = QPushButton(self.tr("Open"))
            button.clicked.connect(lambda _=False, p=person: self.open_as(p))
            self.buttons[person.key] = button
            self.table.setCellWidget(row, 6, _centred(button))
        self._fit_columns()
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

    def _fit_columns(self) -> None:
        """Short columns as wide as their text; the two long ones wrap within a readable width
        (never cut off with "…"), each row as tall as its text and at least its button (the 打开
        buttons sit on their rows, not half a row off); the window shows the whole table."""
        table, header = self.table, self.table.horizontalHeader()
        table.setWordWrap(True)
        table.resizeColumnsToContents()
        han = table.fontMetrics().horizontalAdvance("中")
        for column, chars in ((3, 14), (4, 16)):
            header.resizeSection(column, min(header.sectionSize(column), han * chars))
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        rows = table.verticalHeader()
        rows.setMinimumSectionSize(max(rows.minimumSectionSize(), _row_height(self.buttons)))
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.resizeRowsToContents()
        wanted = sum(header.sectionSize(c) for c in range(table.columnCount()))
        wanted += table.frameWidth() * 2 + table.verticalScrollBar().sizeHint().width() + 40
        tall = (
            rows.length() + header.height() + table.frameWidth() * 2 + 180
        )  # title, intro, status
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            wanted, tall = min(wanted, screen.width()), min(tall, screen.height())
        self.resize(max(self.width(), wanted), max(self.height(), tall))

    def open_as(self, person: DemoPerson) -> None:
        running = self.apps.get(person.key)
        if running is not None and running.poll() is None:
            self.status.setText(
                self.tr("{name}'s application is already open.").format(name=person.name)
            )
            return
        QGuiApplication.clipboard().setText(person.password)
        env = dict(os.environ)
        # in the demo folder: a file dialog opens beside pool/ and the documents
        self.apps[person.key] = subprocess.Popen(
            app_command(person.data_dir),
            env=env,
            cwd=self.world.root,
            # the launcher killed by a signal takes the people's apps with it
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )
        self.status.setText(
            self.tr("Opened the application as {name} (password copied to the clipboard).").format(
                name=person.name
            )
        )

    def _reap(self) -> None:
        for key, child in list(self.apps.items()):
            if child.poll() is not None:
                del self.apps[key]

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_children()
        super().closeEvent(event)

    def stop_children(self) -> None:
        for child in self.apps.values():
            if child.poll() is None:
                child.terminate()
        for child in self.apps.values():
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        self.apps.clear()


def run_launcher(world: DemoWorld) -> int:
    app = QApplication.instance() or QApplication([])
    # mypy: instance() is typed QCoreApplication; here it is always a QApplication
    apply_style(app)  # type: ignore[arg-type]
    set_app_icon(app)  # type: ignore[arg-type]
    install_language(app, "zh_CN")
    services = ServicesThread(world).start()
    if services.error is not None:
        print(f"演示服务无法启动 the demo services did not start: {services.error}")
        return 1
    launcher = Launcher(world)
    launcher.show()
    import signal

    for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl+C or kill: everything closes cleanly
        signal.signal(sig, lambda *_: launcher.close())
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
