"""Every move and every action a person may make has a control in their window.

Walks the phase machine's table (``core.phases.TRANSITIONS``) and the venue's route table
(``venue.routes.ROUTES`` with the role decision of ``tests/venue/test_roles.ALLOWED``) and fails
when a (move, role) or (route, role) pair has no control in that role's real windows, built here
for a real session (the expert is the elected leader). What the venue does by itself (SYSTEM)
must be said to the people who wait for it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QWidget

from evaluator_app.client.credentials import CredentialRef
from evaluator_app.client.login import LoginService
from evaluator_app.client.moves import NEXT, move_key
from evaluator_app.core.phases import TRANSITIONS, Role
from evaluator_app.ui.centre.workspace import CentreWorkspace
from evaluator_app.ui.login_page import LoginPage
from evaluator_app.ui.session_window import SessionWindow
from evaluator_app.ui.supervisor.window import SupervisorWindow
from evaluator_app.venue.api.routes import ROUTES
from tests.ui.conftest import until
from tests.venue import flow
from tests.venue.test_roles import ALLOWED, PUBLIC, SV, C, E

# Routes that are not a person's action, each with why it needs no control (reviewed list).
NOT_PERSON_ACTIONS: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/tsa"): "RFC 3161 timestamps, requested by the signing code itself",
    ("POST", "/api/v1/sessions/{sid}/sheets/check"): "part of 生成待签评分表: nothing is stored",
    ("PUT", "/api/v1/sessions/{sid}/draft"): "the draft journal syncs by itself, every keystroke",
    ("POST", "/api/v1/workstations"): (
        "the venue technician registers seats at the server: `evaluator venue workstation`"
    ),
    ("POST", "/api/v1/log/cosignatures"): (
        "a witness venue's service countersigns tree heads as it sees them: `evaluator witness`"
    ),
}
# GET routes change nothing: they are the reads a window makes to show what it shows.
READS = {"GET"}

WHO = {"expert-sd-1": E, "supervisor-jinan": SV, "centre-1": C}


async def _login(venue, key: str):  # type: ignore[no-untyped-def]
    person = venue.demo.person(key)
    service = LoginService(venue.settings_for(f"ws-{key}"))
    signer = await service.open_file(Path(person.p12), person.password)
    return await service.login(signer, CredentialRef("pkcs12", str(person.p12))), service


async def _leader_elected(h) -> None:  # type: ignore[no-untyped-def]
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    experts = ["expert-sd-1", "expert-sd-2", "expert-dual-sd", "expert-nca-1", "expert-nca-2"]
    clients = {k: await h.login(k) for k in experts}
    for key in experts:
        await flow.declare(h, clients[key], key)
    for key in experts:
        await flow.vote_leader(h, clients[key], key, "expert-sd-1")


def _is_control(widget: QWidget) -> bool:
    if isinstance(widget, QAbstractButton):
        return bool(widget.text().strip())
    return isinstance(widget, QWidget)


def test_every_move_and_action_of_every_role_has_a_control(qtbot, drive, venue, tmp_path):  # type: ignore[no-untyped-def]
    h = venue.harness

    async def scenario() -> dict[str, dict[str, bool]]:
        await asyncio.to_thread(venue.call, _leader_elected(h))
        controls: dict[str, dict[str, QWidget]] = {}
        windows: list[QWidget] = []
        for key, role in WHO.items():
            logged, service = await _login(venue, key)
            settings = venue.settings_for(f"ws-{key}")
            if role == E:
                window: QWidget = SessionWindow(logged, "S1", settings, tmp_path / key, service)
                qtbot.addWidget(window)
                window.show()
                await until(
                    lambda w=window: w.moves.role is Role.LEADER,  # type: ignore[attr-defined]
                    message="the leader's window knows it leads",
                )
                controls[role] = window.controls()  # type: ignore[attr-defined]
            else:
                window = SupervisorWindow(logged, "S1", settings, tmp_path / key, service)
                qtbot.addWidget(window)
                window.show()
                controls[role] = dict(window.controls())  # type: ignore[attr-defined]
                if role == C:
                    workspace = CentreWorkspace(logged, settings, tmp_path / "centre", service)
                    qtbot.addWidget(workspace)
                    controls[role].update(workspace.controls())
                    windows.append(workspace)
            windows.append(window)
        page = LoginPage(LoginService(venue.settings_for("ws-x")), "zh_CN")
        qtbot.addWidget(page)
        controls["public"] = page.controls()
        described = {
            role: {key: _is_control(widget) for key, widget in found.items()}
            for role, found in controls.items()
        }
        for window in windows:
            window.close()
            task = getattr(window, "shutdown_task", None)
            if task is not None:
                await task
        return described

    controls = drive(scenario)
    missing: list[str] = []

    # the phase machine: every (move, role) a person makes has a control in that role's window
    role_of = {Role.CENTRE: C, Role.SUPERVISOR: SV, Role.LEADER: E}
    for (source, target), roles in TRANSITIONS.items():
        for role in roles:
            if role is Role.SYSTEM:
                if (source, target) not in NEXT:
                    missing.append(f"{source.value}->{target.value} by the venue: not said")
                continue
            if not controls[role_of[role]].get(move_key(source, target)):
                missing.append(f"{source.value}->{target.value} by {role.value}")

    # the route table: every action a role may take has a control
    for method, path, _handler in ROUTES:
        if method in READS or (method, path) in NOT_PERSON_ACTIONS:
            continue
        for role in sorted(ALLOWED[(method, path)]):
            if path.endswith("/phase"):
                continue  # the moves above
            who = "public" if ALLOWED[(method, path)] == PUBLIC else role
            if not controls[who].get(f"{method} {path}"):
                missing.append(f"{method} {path} for {role}")
    assert not missing, "no control for:\n  " + "\n  ".join(missing)


def test_the_reviewed_exemptions_are_routes_of_the_table() -> None:
    paths = {(m, p) for m, p, _ in ROUTES}
    assert set(NOT_PERSON_ACTIONS) <= paths, set(NOT_PERSON_ACTIONS) - paths
