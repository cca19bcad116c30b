"""The whole expert flow in the real window, by clicks and keys, against the real venue;
the other four experts are driven through the client library at the same time."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from evaluator_app.protocol.messages import CreateSession, MemberInput, Role
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow
from evaluator_app.ui.pages import base
from tests.venue import flow
from tests.venue.harness import SEATS, example_project

SHOTS = os.environ.get("EVALUATOR_SCREENSHOTS")  # set by tools/screenshots.py


def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save what a person sees (docs/screenshots), when the screenshot script runs this test."""
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


UI_EXPERT = "expert-dual-sd"  # plays E5 of the bundled example, whose B2 score deviates
OTHERS = {"expert-sd-1": "E1", "expert-sd-2": "E2", "expert-nca-1": "E3", "expert-nca-2": "E4"}


async def _setup(h):  # type: ignore[no-untyped-def]
    centre = await h.login("centre-1")
    committee = [*OTHERS, UI_EXPERT]
    members = [MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in committee]
    await centre.post("/sessions", CreateSession("S1", "教学楼改扩建工程 第一标段", example_project(), "lot-1", "jinan", tuple(members)))
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    return {k: await h.login(k) for k in OTHERS}


def test_expert_flow_by_clicks_and_keys(qtbot, loop, wait_for, venue, tmp_path, monkeypatch):
    h = venue.harness
    others = venue.call(_setup(h))
    person = venue.demo.person(UI_EXPERT)
    monkeypatch.setattr(base, "secret_prompt", lambda parent, what, kind: person.password)

    from PySide6.QtWidgets import QApplication

    install_language(QApplication.instance(), "zh_CN")
    window = MainWindow(venue.settings_for(f"ws-{UI_EXPERT}"), tmp_path / "app")
    qtbot.addWidget(window)
    window.show()
    page = window.login_page
    page.use_file.setChecked(True)
    page.file_edit.setText(str(person.p12))
    page.secret_edit.setText(person.password)
    shot(window, "expert-login")
    page.login_button.click()
    wait_for(lambda: window.lobby is not None and window.lobby.sessions, message="lobby lists S1")
    shot(window, "expert-lobby")
    window.lobby.join_button.click()
    session_window = window.session_windows["S1"]
    qtbot.addWidget(session_window)
    wait_for(lambda: session_window.session.lot is not None and session_window.steps.currentRow() == 0, message="declaration step")

    # 1. declaration: no conflict, signed
    declaration = session_window.pages[0]
    declaration.no_conflict.setChecked(True)
    shot(session_window, "expert-declaration")
    declaration.sign_button.click()
    wait_for(lambda: "场地" in declaration.message.text() or "venue" in declaration.message.text(), message="declaration delivered")
    assert not declaration.sign_button.isEnabled()
    for key in OTHERS:
        venue.call(flow.declare(h, others[key], key))
    wait_for(lambda: session_window.session.phase == "leader_election", message="leader election")

    # 2. leader election: vote for expert-sd-1
    election = session_window.pages[1]
    wait_for(lambda: election.vote_button.isEnabled(), message="vote enabled")
    leader_row = next(i for i in range(election.members.count()) if "张伟" in election.members.item(i).text())
    election.members.setCurrentRow(leader_row)
    election.vote_button.click()
    wait_for(lambda: not election.vote_button.isEnabled(), message="vote delivered")
    for key in OTHERS:
        venue.call(flow.vote_leader(h, others[key], key, "expert-sd-1"))
    wait_for(lambda: session_window.session.phase == "preliminary_review", message="preliminary review")

    # 3. preliminary review: a fail without reason is refused on the page; then all pass
    gates = session_window.pages[2]
    wait_for(lambda: gates.sign_button.isEnabled(), message="gates enabled")
    gates.set_verdict("B1", "q-licence", passed=False, reason="")
    gates.sign_button.click()
    wait_for(lambda: "理由" in gates.message.text() or "reason" in gates.message.text(), message="reason demanded")
    gates.set_verdict("B1", "q-licence", passed=True)
    shot(session_window, "expert-preliminary-review")
    gates.sign_button.click()
    wait_for(lambda: not gates.sign_button.isEnabled(), message="gate votes delivered")
    for key, example in OTHERS.items():
        venue.call(flow.gate_votes(h, others[key], key, example))
    venue.call(others["expert-sd-1"].post("/sessions/S1/phase", {"target": "detailed_scoring"}))
    wait_for(lambda: session_window.session.phase == "detailed_scoring" and session_window.scoring.bidders == ["B1", "B2", "B3"], message="scoring grid")

    # the others' sheets are in first, so E5's 6 on B2/t-organisation is a deviation
    for key, example in OTHERS.items():
        venue.call(flow.submit_sheet(h, others[key], key, flow.sheet(h, key, example)))

    # 4. scoring: a score off its step is refused as typed; then the example's scores
    scoring = session_window.scoring
    session_window.steps.setCurrentRow(3)
    scoring.typed(1, "7.3")
    assert scoring.hint.text(), "an off-step score must be explained at once"
    scores = flow.EXAMPLE_SCORES["sheets"]["E5"]
    for bidder, items in scores.items():
        for item, value in items.items():
            scoring.set_score(bidder, item, value)
    assert scoring.table.item(len(scoring.items) + 1, 1).text() != "0"  # live total for B2
    snapshot = session_window.session.snapshot()
    assert snapshot.cells[("B2", "t-organisation")].score == "6"  # in the journal at once

    # 5. review: the deviation must be explained first
    review = session_window.review
    session_window.steps.setCurrentRow(4)
    review.prepare_button.click()
    wait_for(lambda: scoring.flagged == {("B2", "t-organisation")}, message="deviation flagged")
    assert session_window.steps.currentRow() == 3 and scoring.explanation.isVisible()
    shot(session_window, "expert-scoring-deviation")
    scoring.explanation.setPlainText(flow.EXAMPLE_SCORES["explanations"]["E5"]["B2/t-organisation"])
    session_window.steps.setCurrentRow(4)
    review.prepare_button.click()
    wait_for(lambda: review.sign_button.isEnabled(), message="sheet ready to sign")
    assert review.document.pageCount() >= 1
    if SHOTS:  # QPdfView paints its pages asynchronously
        loop.run_until_complete(asyncio.sleep(1.5))
    shot(session_window, "expert-review-sign")
    review.sign_button.click()
    wait_for(lambda: review.receipt is not None, message="receipt")
    assert review.receipt["version"] == 1 and review.receipt["kind"] == "score_sheet"
    wait_for(lambda: session_window.session.phase == "summary", message="summary phase")
    summary = venue.call(others["expert-sd-1"].get("/sessions/S1/summary"))
    assert [e["bidder_id"] for e in summary["ranking"]["entries"]] == ["B2", "B1", "B3"]
    session_window.close()
