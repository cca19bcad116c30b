"""New session (新建评标会话): project file → plan check → documents → committee → create."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.centre_plan import (
    Assignment,
    BidderInfo,
    Person,
    ProjectCheck,
    SessionDraft,
    assignment_problem,
    check_project_file,
    conflict_reason,
    draft_problems,
)
from evaluator_app.client.centre_service import CentreService
from evaluator_app.client.draw.roster import assignments_from_draw, drawn_seats
from evaluator_app.client.draw.service import OpenDraw, session_bundle
from evaluator_app.client.explain import Explanation
from evaluator_app.client.login import LoggedIn
from evaluator_app.client.names import venue_label
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import fill, heading, say, show_error, table
from evaluator_app.ui.centre.documents_box import DocumentsBox
from evaluator_app.ui.ops import op
from evaluator_app.ui.phase_names import role_name
from evaluator_app.ui.sign_dialog import ask_secret, signing_op

logger = logging.getLogger(__name__)


class NewSessionWizard(QWidget):
    created = Signal(str)  # session id

    def __init__(
        self, service: CentreService, logged: LoggedIn, language: str, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.service, self.logged, self.language = service, logged, language
        self.check: ProjectCheck | None = None
        self.roster: list[Person] = []
        self.assignments: list[Assignment] = []
        self.draw_bundle: bytes | None = None  # the committee came from this draw record
        self.drawn_seats: tuple[tuple[str, str, str], ...] = ()
        self.busy = False

        # 1. the project file and its plan check
        self.project_edit = QLineEdit()
        self.project_edit.setPlaceholderText(self.tr("Project file (.json)"))
        choose = QPushButton(self.tr("Choose…"))
        choose.clicked.connect(self._choose_project)
        self.plan_status = QLabel()
        self.problems = table(
            [self.tr("Field"), self.tr("Value found"), self.tr("Problem")], stretch=2
        )
        project_box = QGroupBox(self.tr("1. Project file and evaluation plan"))
        row = QHBoxLayout()
        row.addWidget(self.project_edit, 1)
        row.addWidget(choose)
        box = QVBoxLayout(project_box)
        box.addLayout(row)
        box.addWidget(self.plan_status)
        box.addWidget(self.problems)

        # 2. session details and bidders
        self.session_id = QLineEdit()
        self.title_edit = QLineEdit()
        self.lot = QComboBox()
        self.lot.currentIndexChanged.connect(self._show_bidders)
        self.main_venue = QComboBox()  # by name; the id is the item's data
        self.names = logged.client.venue_names or {logged.result.venue: logged.result.venue}
        ordered = sorted(self.names, key=lambda v: (v != logged.result.venue, v))
        for venue_id in ordered:
            self.main_venue.addItem(venue_label(venue_id, self.names), venue_id)
        self.start = QLineEdit()
        self.start.setPlaceholderText("2026-12-01T09:00:00+08:00")
        self.bidders = table(
            [
                self.tr("No."),
                self.tr("Bidder"),  # the bidder's name; its number is the column before
                self.tr("Organisation"),
                self.tr("City"),
                self.tr("Price"),
            ],
            stretch=1,
        )
        details = QGroupBox(self.tr("2. Session and bidders"))
        form = QFormLayout()
        form.addRow(self.tr("Session id"), self.session_id)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Lot"), self.lot)
        form.addRow(self.tr("Main venue"), self.main_venue)
        form.addRow(self.tr("Scheduled start"), self.start)
        box = QVBoxLayout(details)
        box.addLayout(form)
        box.addWidget(self.bidders)

        # 3. documents, hashed off the Qt thread
        documents = self.documents_box = DocumentsBox(
            self.tr("3. Tender and bid documents"), self._bidders, language
        )

        # 4. the committee from the roster
        self.people = table(
            [
                self.tr("Name"),
                self.tr("Role"),
                self.tr("Organisation"),
                self.tr("City"),
                self.tr("Venue"),
            ],
            stretch=2,
        )
        self.venue_edit = QComboBox()
        for venue_id in ordered:
            self.venue_edit.addItem(venue_label(venue_id, self.names), venue_id)
        self.seat_edit = QLineEdit()
        self.seat_edit.setPlaceholderText(self.tr("Seat"))
        assign = QPushButton(self.tr("Assign →"))
        assign.clicked.connect(self._assign_selected)
        remove = QPushButton(self.tr("Remove"))
        remove.clicked.connect(self._remove_selected)
        self.committee = table(
            [self.tr("Name"), self.tr("Role"), self.tr("Venue"), self.tr("Seat")], stretch=0
        )
        self.people.currentCellChanged.connect(lambda *_: self._suggest_venue())
        committee = QGroupBox(self.tr("4. Committee and supervisors"))
        grid = QGridLayout(committee)
        grid.addWidget(self.people, 0, 0, 1, 4)
        grid.addWidget(self.venue_edit, 1, 0)
        grid.addWidget(self.seat_edit, 1, 1)
        grid.addWidget(assign, 1, 2)
        grid.addWidget(remove, 1, 3)
        grid.addWidget(self.committee, 2, 0, 1, 4)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.create_button = QPushButton(self.tr("Create session and open check-in"))
        self.create_button.setObjectName("primary")
        self.create_button.clicked.connect(self.create)
        columns = QGridLayout()
        columns.addWidget(project_box, 0, 0)
        columns.addWidget(details, 1, 0)
        columns.addWidget(documents, 0, 1)
        columns.addWidget(committee, 1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("New evaluation session")))
        layout.addLayout(columns, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.create_button)
        layout.addLayout(bottom)

    # -- the project file -----------------------------------------------------------
    def _choose_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Project file"), "", self.tr("Project files (*.json)")
        )
        if path:
            self.load_project(path)

    @op
    async def load_project(self, path: str) -> None:
        self.project_edit.setText(path)
        check = await asyncio.to_thread(check_project_file, Path(path))
        if not alive(self):
            return
        self.check = check
        fill(
            self.problems,
            [(p.field, p.value, p.message) for p in check.problems],
            [False] * len(check.problems),
        )
        if check.ok:
            say(
                self.plan_status,
                self.tr("The project file is valid: {n} lot(s).").format(n=len(check.lots)),
            )
            if not self.title_edit.text():
                self.title_edit.setText(check.title)
        else:
            say(
                self.plan_status,
                self.tr(
                    "The project file has {n} problem(s); fix them and choose it again."
                ).format(n=len(check.problems)),
                ok=False,
            )
        self.lot.clear()
        for lot in check.lots:
            self.lot.addItem(f"{lot.id} · {lot.name}", lot.id)
        self._show_bidders()
        if check.ok and not self.roster:
            await self.load_roster()

    def _bidders(self) -> tuple[BidderInfo, ...]:
        lot = self.check.lot(self.lot.currentData()) if self.check else None
        return lot.bidders if lot else ()

    def _show_bidders(self) -> None:
        fill(
            self.bidders, [(b.id, b.name, b.organisation, b.city, b.price) for b in self._bidders()]
        )
        self._show_roster()

    def _show_roster(self) -> None:
        """The roster, with the people a bidder of this lot employs marked (they cannot be
        assigned)."""
        bidders = self._bidders()
        fill(
            self.people,
            [
                (
                    p.name,
                    role_name(p.role),
                    p.organisation,
                    p.city,
                    venue_label(p.venue, self.names),
                )
                for p in self.roster
            ],
            [False if conflict_reason(p, bidders) else None for p in self.roster],
        )

    async def load_roster(self) -> None:
        try:
            roster = await self.service.roster()
        except Exception as exc:
            show_error(self.message, exc, self.language)
            return
        if not alive(self):
            return
        self.roster = [p for p in roster if p.role in ("expert", "supervisor")]
        self._show_roster()

    # -- documents ------------------------------------------------------------------
    # -- committee ------------------------------------------------------------------
    def _suggest_venue(self) -> None:
        row = self.people.currentRow()
        if 0 <= row < len(self.roster):
            self.venue_edit.setCurrentIndex(self.venue_edit.findData(self.roster[row].venue))

    def _assign_selected(self) -> None:
        row = self.people.currentRow()
        if 0 <= row < len(self.roster):
            self.assign(
                self.roster[row].person_id,
                str(self.venue_edit.currentData() or ""),
                self.seat_edit.text().strip(),
            )

    def assign(self, person_id: str, venue: str, seat: str) -> Explanation | None:
        """Add a person to the committee; a refusal (conflict, seat taken) is shown with its
        reason."""
        person = next((p for p in self.roster if p.person_id == person_id), None)
        if person is None:
            why = Explanation(f"{person_id} 不在名册中", f"{person_id} is not on the roster")
            say(self.message, why.text(self.language), ok=False)
            return why
        candidate = Assignment(person, venue, seat)
        problem = assignment_problem(tuple(self.assignments), candidate, self._bidders())
        if problem is not None:
            say(
                self.message,
                self.tr("Refused: {why}").format(why=problem.text(self.language)),
                ok=False,
            )
            return problem
        self.assignments.append(candidate)
        self._show_committee()
        say(
            self.message,
            self.tr("{name} assigned to {venue}, seat {seat}.").format(
                name=person.name, venue=venue, seat=seat
            ),
        )
        return None

    def _remove_selected(self) -> None:
        row = self.committee.currentRow()
        if 0 <= row < len(self.assignments):
            del self.assignments[row]
            self._show_committee()

    def _show_committee(self) -> None:
        fill(
            self.committee,
            [
                (a.person.name, role_name(a.person.role), venue_label(a.venue, self.names), a.seat)
                for a in self.assignments
            ],
        )

    # -- the committee from a draw (专家抽取) ---------------------------------------------
    def use_draw(self, opened: OpenDraw) -> list[Explanation]:
        """The draw's seated experts replace any typed ones; supervisors stay as assigned."""
        assignments, problems = assignments_from_draw(opened.committee, self.roster)
        if problems:
            say(self.message, "；".join(p.text(self.language) for p in problems), ok=False)
            return problems
        keep = [a for a in self.assignments if a.person.role != "expert"]
        self.assignments = [*assignments, *keep]
        self.draw_bundle = session_bundle(opened)
        self.drawn_seats = drawn_seats(opened.committee)
        self._show_committee()
        say(
            self.message,
            self.tr("{n} experts taken from draw {id}, with their seats.").format(
                n=len(assignments), id=opened.draw_id
            ),
        )
        return []

    # -- create ---------------------------------------------------------------------
    def draft(self) -> SessionDraft | None:
        if self.check is None or not self.check.ok or self.check.data is None:
            return None
        return SessionDraft(
            self.session_id.text().strip(),
            self.title_edit.text().strip(),
            self.check.data,
            str(self.lot.currentData() or ""),
            str(self.main_venue.currentData() or ""),
            tuple(self.assignments),
            tuple(self.documents_box.documents),
            self.start.text().strip() or None,
            self.draw_bundle,
            self.drawn_seats,
        )

    @signing_op
    async def create(self) -> None:
        if self.busy:
            return
        draft = self.draft()
        if draft is None:
            say(self.message, self.tr("Choose a valid project file first."), ok=False)
            return
        problems = draft_problems(draft, self._bidders())
        if problems:
            say(self.message, "；".join(p.text(self.language) for p in problems), ok=False)
            return
        secret = await ask_secret(
            self,
            self.tr("the document manifest of {sid}").format(sid=draft.session_id),
            self.logged,
        )
        if secret is None:
            say(self.message, self.tr("Not signed."), ok=False)
            return
        self.busy = True
        self.create_button.setEnabled(False)
        say(self.message, self.tr("Uploading documents and creating the session…"))
        try:
            await self.service.create_session(draft, lambda: self.logged.credential.open(secret))
        except Exception as exc:
            logger.info("session %s not created: %s", draft.session_id, exc)
            if alive(self):
                show_error(self.message, exc, self.language)
            return
        finally:
            self.busy = False
            if alive(self):
                self.create_button.setEnabled(True)
        if alive(self):
            say(
                self.message,
                self.tr(
                    "Session {sid} created; its documents are signed and check-in is open."
                ).format(sid=draft.session_id),
            )
            self.created.emit(draft.session_id)
