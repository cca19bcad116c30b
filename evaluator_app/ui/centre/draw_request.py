"""The draw request's form in the 专家抽取 tab: project, needs, seats, avoidance rules, the
supervising official. It only collects what is typed; the service checks it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from evaluator_app.client.centre_plan import ProjectCheck, check_project_file
from evaluator_app.client.credentials import CredentialRef
from evaluator_app.client.draw.request_form import RequestForm
from evaluator_app.core.draw.model import Party
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import say
from evaluator_app.ui.credential_files import certificate_filter, official_file_placeholder
from evaluator_app.ui.file_choice import file_to_open
from evaluator_app.ui.ops import op


class DrawRequestBox(QGroupBox):
    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.check: ProjectCheck | None = None
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.project_edit = QLineEdit()  # the project's name once read; the path in its tooltip
        self.project_edit.setReadOnly(True)
        self.project_edit.setPlaceholderText(self.tr("Choose the project file"))
        choose = QPushButton(self.tr("Project file…"))
        choose.clicked.connect(self._choose_project)
        self.lot = QComboBox()
        self.draw_id = QLineEdit()
        self.tenderer_city = QLineEdit()
        self.tenderer_city.setPlaceholderText(self.tr("e.g. 济南"))
        self.needs = QPlainTextEdit("A010101 3 1\nA010103 2 1")
        self.seats = QPlainTextEdit()
        self.recent = QSpinBox()
        self.recent.setRange(0, 365)
        self.recent.setValue(30)
        self.other_city = QSpinBox()
        self.other_city.setRange(0, 50)
        self.other_city.setValue(1)
        self.one_employer = QCheckBox(self.tr("At most one expert per employer"))
        self.one_employer.setChecked(True)
        self.related = QCheckBox(self.tr("Experts who declared a relation never sit together"))
        self.related.setChecked(True)
        self.supervisor = QComboBox()
        self.supervisor_file = QLineEdit()  # their own file: a .p12/.pfx or an SM2 .sm2.pem
        self.supervisor_file.setPlaceholderText(official_file_placeholder())
        self.supervisor_browse = QPushButton(self.tr("Browse…"))
        self.supervisor_browse.clicked.connect(self._choose_official_file)
        official_row = QHBoxLayout()
        official_row.addWidget(self.supervisor_file, 1)
        official_row.addWidget(self.supervisor_browse)
        form = QFormLayout(self)
        line = QHBoxLayout()
        line.addWidget(choose)
        line.addStretch(1)
        form.addRow(self.tr("Project"), self.project_edit)  # the whole width: never squeezed
        form.addRow("", line)
        form.addRow(self.tr("Lot"), self.lot)
        form.addRow(self.tr("Draw id"), self.draw_id)
        form.addRow(self.tr("Tenderer's city"), self.tenderer_city)
        form.addRow(self.tr("Specialty, experts, reserves"), self.needs)
        form.addRow(self.tr("Venue, city, seats"), self.seats)
        form.addRow(self.tr("Not drawn within (days)"), self.recent)
        form.addRow(self.tr("At least from other cities"), self.other_city)
        form.addRow(self.one_employer)
        form.addRow(self.related)
        form.addRow(self.tr("Supervising official"), self.supervisor)
        form.addRow(self.tr("Their certificate file"), official_row)
        form.addRow(self.problems)

    def set_venues(self, names: dict[str, str]) -> None:
        """Seat lines start with the venue's name: one line per venue to begin with."""
        if not self.seats.toPlainText().strip():
            self.seats.setPlainText("\n".join(f"{name} A01-A06" for name in names.values()))

    def set_supervisors(self, people: list[tuple[str, str]]) -> None:
        """The roster's supervisors (person id, name): one of them is the supervising official."""
        self.supervisor.clear()
        for person_id, name in people:
            self.supervisor.addItem(name, person_id)

    def supervisor_credential(self) -> CredentialRef:
        return CredentialRef("pkcs12", self.supervisor_file.text().strip())

    @op
    async def _choose_project(self) -> None:
        path = await file_to_open(self, self.tr("Project file"), "JSON (*.json)")
        if path and alive(self):
            self.load_project(path)

    @op
    async def _choose_official_file(self) -> None:
        path = await file_to_open(
            self, self.tr("Supervising official's certificate file"), certificate_filter()
        )
        if path and alive(self):
            self.supervisor_file.setText(path)

    @op
    async def load_project(self, path: str) -> None:
        import asyncio

        check = await asyncio.to_thread(check_project_file, Path(path))
        if not alive(self):
            return
        self.check = check
        self.project_edit.setText(check.title or Path(path).name)
        self.project_edit.setCursorPosition(0)  # the name's beginning, not its end
        self.project_edit.setToolTip(path)
        self.lot.clear()
        for lot in check.lots:
            self.lot.addItem(lot.name, lot.id)
        if not self.draw_id.text() and check.data:
            self.draw_id.setText(f"{check.data.get('project', {}).get('id', 'D')}-D1")
        if not check.ok:
            say(self.problems, "；".join(p.message for p in check.problems[:5]), ok=False)

    def form(self, person_id: str, name: str) -> RequestForm:
        """What is typed, for the service to check (every fault named there)."""
        today = date.today().isoformat()
        return RequestForm(
            self.draw_id.text().strip(),
            str(self.lot.currentData() or ""),
            self.needs.toPlainText(),
            self.seats.toPlainText(),
            self.recent.value(),
            self.other_city.value(),
            self.one_employer.isChecked(),
            self.related.isChecked(),
            today,
            today,
            Party("centre", person_id, name),
            Party(
                "supervisor",
                str(self.supervisor.currentData() or ""),
                self.supervisor.currentText(),
            ),
            self.tenderer_city.text().strip(),
        )
