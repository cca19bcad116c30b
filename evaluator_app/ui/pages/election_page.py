"""Leader election (推选组长): one signed vote for a member of the committee."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPushButton, QWidget

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.client.names import venue_label
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.sign_dialog import signing_op


class ElectionPage(StepPage):
    def __init__(self, session: ExpertSession, language: str, parent: QWidget | None = None):
        super().__init__(session, language, self.tr("Elect the committee leader"), parent)
        self.members = QListWidget()
        self.vote_button = QPushButton(self.tr("Sign my vote"))
        self.vote_button.setObjectName("primary")
        self.vote_button.clicked.connect(self.vote)
        self.body.addWidget(self.members)
        self.body.addWidget(self.vote_button)
        self.refresh()

    def refresh(self) -> None:
        current = (
            self.members.currentItem().data(Qt.ItemDataRole.UserRole)
            if self.members.currentItem()
            else None
        )
        self.members.clear()
        for member in self.session.committee:
            item = QListWidgetItem(
                self.tr("{name} · {venue} {seat}").format(
                    name=member.name,
                    venue=venue_label(
                        member.venue,
                        self.session.client.venue_names,
                        self.session.view.main_venue if self.session.view else None,
                    ),
                    seat=member.seat,
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, member.person_id)
            self.members.addItem(item)
            if member.person_id == current:
                self.members.setCurrentItem(item)
        leader = self.session.view.leader_id if self.session.view else None
        if leader:
            name = self.session.member_name(leader)
            self.say(self.tr("Leader elected: {name}").format(name=name))
        self.vote_button.setEnabled(
            self.session.phase == "leader_election"
            and not self.session.paused
            and not self.session.has_sent("leader-votes")
        )

    @signing_op
    async def vote(self) -> None:
        item = self.members.currentItem()
        if item is None:
            self.say(self.tr("Choose a member first."), ok=False)
            return
        candidate = item.data(Qt.ItemDataRole.UserRole)
        done = await self.signed(
            self.tr("vote for {name}").format(name=item.text()),
            lambda secret: self.session.vote_leader(candidate, secret),
        )
        if done is not None and done.state == "delivered":
            self.vote_button.setEnabled(False)
