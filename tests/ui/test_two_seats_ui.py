"""The same expert at two seats, through the app's windows (issue 14 item 5): what is typed at
either seat reaches the venue's draft through the one, merging, sync; a seat taken later starts
from it, and a seat left behind takes the other's work in without losing its own."""

from __future__ import annotations

import asyncio

from tests.ui.conftest import until
from tests.ui.test_expert_resilience_ui import _close, _open, _to_scoring

SECOND_SEAT = "ws-expert-sd-3"  # another workstation of the venue: the expert moved seats


async def _at_seat(qtbot, venue, data_dir, workstation: str):  # type: ignore[no-untyped-def]
    """The app opened by the same expert at another workstation, with its own data folder."""
    return await _open(qtbot, venue, data_dir, workstation=workstation)


def test_the_same_expert_at_two_seats_loses_nothing(qtbot, drive, venue, tmp_path):
    h = venue.harness

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _to_scoring(venue, h))
        a_window, a = await _open(qtbot, venue, tmp_path / "seat-a")
        grid_a = a.scoring
        await until(lambda: grid_a.bidders == ["B1", "B2", "B3"], message="grid at seat A")
        grid_a.set_score("B1", "t-schedule", "8.5")
        await grid_a.written()
        await until(lambda: not a.session.journal.unsynced("S1", a.session.me), message="A synced")

        # seat B: the same person at another workstation starts from what A typed
        b_window, b = await _at_seat(qtbot, venue, tmp_path / "seat-b", SECOND_SEAT)
        assert b.session.logged.result.person_id == a.session.me
        grid_b = b.scoring
        await until(
            lambda: grid_b.bidders and grid_b.typed_values().get(("B1", "t-schedule")) == "8.5",
            message=lambda: f"A's score at seat B: {grid_b.typed_values()}",
        )
        grid_b.set_score("B2", "t-schedule", "7")
        await grid_b.written()
        await until(lambda: not b.session.journal.unsynced("S1", b.session.me), message="B synced")

        # seat A, left behind, types once more: B's work comes in, A's own stays
        grid_a.set_score("B3", "t-schedule", "6")
        await grid_a.written()
        await until(
            lambda: grid_a.typed_values().get(("B2", "t-schedule")) == "7",
            message=lambda: f"B's score at seat A: {grid_a.typed_values()}",
        )
        await until(
            lambda: not a.session.journal.unsynced("S1", a.session.me), message="merge sent"
        )
        at_a = grid_a.typed_values()
        assert (at_a[("B1", "t-schedule")], at_a[("B3", "t-schedule")]) == ("8.5", "6")
        await _close(b_window)

        # seat B opened again: all three, as merged and sent by A
        again_window, again = await _at_seat(qtbot, venue, tmp_path / "seat-b", SECOND_SEAT)
        grid = again.scoring
        await until(
            lambda: grid.bidders and grid.typed_values().get(("B3", "t-schedule")) == "6",
            message=lambda: f"the merge at seat B: {grid.typed_values()}",
        )
        typed = {k: v for k, v in grid.typed_values().items() if v}
        assert (
            typed
            == {k: v for k, v in grid_a.typed_values().items() if v}
            == {
                ("B1", "t-schedule"): "8.5",
                ("B2", "t-schedule"): "7",
                ("B3", "t-schedule"): "6",
            }
        )
        for w in (again_window, a_window):
            await _close(w)

    drive(scenario)
