"""系统 → 退出 ends the process within 3 s: the real application in its own process, logged in
through its login page with a session window open (connection, heartbeats, journal), quit from
the menu; the journal is flushed (the typed score is on disk after the exit)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from evaluator_app.client.settings import save_settings

CHILD = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from evaluator_app.ui.app import run_app

    data_dir, p12, password = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    app = QApplication([])

    async def until(condition, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            await asyncio.sleep(0.05)
        print("TIMEOUT", flush=True)
        sys.exit(3)

    async def drive():
        from evaluator_app.ui.main_window import MainWindow

        main = await until(
            lambda: next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)
        )
        page = main.login_page
        page.use_file.setChecked(True)
        page.file_edit.setText(p12)
        page.secret_edit.setText(password)
        page.login_button.click()
        await until(lambda: main.lobby is not None and main.lobby.sessions)
        main.lobby.join_button.click()
        window = await until(lambda: main.session_windows.get("S1"))
        await until(lambda: window.connection.state.status == "online" and window.session.lot)
        await window.session.record("B1", "t-organisation", "score", "8")
        if "--reopen" in sys.argv:  # closed, then opened again from the lobby
            window.close_anyway()
            await until(lambda: window.shutdown_task is not None and window.shutdown_task.done())
            main.lobby.join_button.click()
            again = await until(
                lambda: (w := main.session_windows.get("S1")) is not window and w
            )
            await until(lambda: again.connection.state.status == "online" and again.session.lot)
            await again.session.record("B2", "t-organisation", "score", "9")
        print("QUIT", time.monotonic(), flush=True)
        main.quit_action.trigger()  # 系统 → 退出

    QTimer.singleShot(200, lambda: asyncio.ensure_future(drive()))
    sys.exit(run_app(data_dir))
    """
)


@pytest.mark.parametrize("reopened", [False, True], ids=["open", "closed-and-reopened"])
def test_quit_from_the_menu_ends_the_process_within_3_s(
    venue, tmp_path: Path, reopened: bool
) -> None:  # type: ignore[no-untyped-def]
    """``reopened``: the session window was closed and opened again from the lobby first: the
    new window journals what is typed (it used to show the closed one again, whose journal and
    outbox were shut, and lost every score typed there)."""
    h = venue.harness
    centre = venue.call(h.login("centre-1"))
    venue.call(h.create_session(centre))
    key = "expert-sd-1"
    person = venue.demo.person(key)
    data_dir = tmp_path / "app"
    save_settings(data_dir, venue.settings_for(f"ws-{key}"))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir), str(person.p12), person.password]
        + (["--reopen"] if reopened else []),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    quit_at = None
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("QUIT"):
            quit_at = float(line.split()[1])
            break
        if line.startswith("TIMEOUT"):
            break
    assert quit_at is not None, child.stderr.read() if child.stderr else ""
    child.wait(timeout=30)
    ended = time.monotonic()
    stderr = child.stderr.read() if child.stderr else ""
    assert child.returncode == 0, stderr
    assert ended - quit_at < 3.0, f"quit took {ended - quit_at:.2f} s"
    assert "Task was destroyed" not in stderr and "never awaited" not in stderr, stderr
    assert "Traceback" not in stderr and "closed database" not in stderr, stderr
    # the journal was flushed and closed: the typed score is there for the next start
    from evaluator_app.client.journal import DraftJournal

    journal = DraftJournal(data_dir / "sessions" / "S1" / "journal.db")
    try:
        cells = journal.snapshot("S1", h.person_id(key)).cells
    finally:
        journal.close()
    assert cells[("B1", "t-organisation")].score == "8"
    if reopened:
        assert cells[("B2", "t-organisation")].score == "9"
