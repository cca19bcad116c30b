"""The status bar's connection words follow the connection's real state, as it changes: while it
waits to retry, the seconds count down (the player saw "28 秒后重试" for half a minute), and "saved"
is said only of work there is. A real connection to a venue address where nothing listens."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QApplication, QLabel

from evaluator_app.client.connection import VenueConnection
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.ui.connection_text import ConnectionIndicator
from evaluator_app.ui.i18n import install_language
from tests.pki_fixtures import free_port
from tests.ui.conftest import until


def _seconds(text: str) -> int | None:
    found = re.search(r"(\d+) 秒后重试", text)
    return int(found.group(1)) if found else None


def test_the_retry_countdown_counts_down_and_saved_means_something(qtbot, drive, venue):  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        install_language(QApplication.instance(), "zh_CN")
        label = QLabel()
        qtbot.addWidget(label)
        work: list[str] = []  # nothing typed or signed yet
        indicator = ConnectionIndicator(label, "zh_CN", lambda: True if work else None)
        client = VenueClient(f"https://127.0.0.1:{free_port()}", venue.harness.client_ssl, "ws-x")
        connection = VenueConnection(
            client, lambda e: None, on_state=indicator.show, backoff_initial=16.0
        )
        connection.start()
        try:
            await until(lambda: connection.state.status == "offline", message="offline")
            state = connection.state
            first = _seconds(label.text())
            assert first is not None and first >= 8, label.text()  # 8–16 s for the first wait
            assert "无法连接场地" in label.text() and "已保存" not in label.text(), label.text()
            await until(
                lambda: (_seconds(label.text()) or first) <= first - 2,
                timeout=4,
                message=lambda: f"counting down from {first}: {label.text()!r}",
            )
            assert connection.state is state  # the same wait, told as it goes
            work.append("a typed score")
            await until(lambda: "已保存在本机" in label.text(), timeout=2, message="work kept")
        finally:
            await connection.stop()
            await client.close()
        assert "无法连接" not in label.text()  # stopped: no countdown left running

    drive(scenario)
