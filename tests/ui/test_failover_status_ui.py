"""The expert window when the venue has two addresses and the one in use goes away: the status
line says (in Chinese) that it moved to the other address, kept the login, and replayed what
was missed while away."""

from __future__ import annotations

import asyncio
import re

from tests.client.conftest import CutProxy
from tests.ui.conftest import until
from tests.ui.test_expert_flow_ui import _setup
from tests.ui.test_expert_resilience_ui import _close, _open


async def _broadcast(h, message: str) -> int:  # type: ignore[no-untyped-def]
    centre = await h.login("centre-1")
    try:
        return int((await centre.post("/sessions/S1/broadcast", {"message": message}))["seq"])
    finally:
        await centre.close()


async def _cut(relay: CutProxy) -> None:
    relay.down = True
    relay.cut()


async def _restore(relay: CutProxy) -> None:
    relay.down = False


def test_the_status_line_says_the_client_moved_kept_its_login_and_replayed(
    qtbot, drive, venue, tmp_path
):
    h = venue.harness

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _setup(h))
        # the venue's two addresses: two relays to the same venue (two workers, as seen here)
        first = await asyncio.to_thread(venue.call, CutProxy(h.port).start())
        second = await asyncio.to_thread(venue.call, CutProxy(h.port).start())
        window, session_window = await _open(
            qtbot, venue, tmp_path / "app", f"{first.url} {second.url}"
        )
        label = session_window.connection_label
        client = session_window.connection.client
        token = client.token
        await until(lambda: "已连接" in label.text(), message=label.text)
        assert client.base_url == first.url and "改连" not in label.text()

        # both addresses out while the centre broadcasts: the expert misses that event
        await asyncio.to_thread(venue.call, _cut(first))
        await asyncio.to_thread(venue.call, _cut(second))
        await until(lambda: "已连接" not in label.text(), message=label.text)
        seq = await asyncio.to_thread(venue.call, _broadcast(h, "请各位专家注意"))
        await until(lambda: "改连" in label.text(), message=label.text)  # offline, moving on
        await asyncio.to_thread(venue.call, _restore(second))  # the other worker answers again

        await until(lambda: "已补收" in label.text(), timeout=40, message=label.text)
        text = label.text()
        assert "已连接" in text and f"已改连场地的另一地址 {second.url}" in text, text
        replayed = re.search(r"已补收断线期间的 (\d+) 条消息", text)
        assert "登录保持有效" in text and replayed and int(replayed[1]) >= 1, text
        assert client.token == token  # the same login, no new PIN asked
        assert session_window.connection.last_seq >= seq
        assert "请各位专家注意" in session_window.banner.text()  # the missed event, delivered
        await _close(window)
        for relay in (first, second):
            await asyncio.to_thread(venue.call, relay.close())

    drive(scenario)
