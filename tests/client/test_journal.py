"""The draft journal: durable per keystroke, revisions, the venue's copy, a SIGKILL mid-typing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from evaluator_app.client.journal import CellDraft, DraftJournal, pull_draft, push_draft
from evaluator_app.protocol.messages import DraftPut, DraftView
from tests.client.conftest import login


def test_record_and_snapshot(tmp_path: Path) -> None:
    with DraftJournal(tmp_path / "j.sqlite") as journal:
        assert journal.snapshot("S1", "E1").revision == 0 and not journal.unsynced("S1", "E1")
        revisions = [
            journal.record("S1", "E1", "B1", "t-schedule", "score", "8"),
            journal.record("S1", "E1", "B1", "t-schedule", "comment", "工期合理"),
            journal.record("S1", "E1", "B2", "t-schedule", "score", "7.5"),
            journal.record("S1", "E1", "B1", "t-schedule", "score", "8.5"),
            journal.record("S1", "E1", "B2", "t-schedule", "score", ""),  # cleared
            journal.record("S1", "E1", "B2", "t-schedule", "explanation", "见第3页"),
        ]
        assert revisions == [1, 2, 3, 4, 5, 6]
        journal.record(
            "S1", "E2", "B1", "t-schedule", "score", "1"
        )  # another expert: own counter, own cells
        snap = journal.snapshot("S1", "E1")
        assert snap.revision == 6
        assert dict(snap.cells) == {
            ("B1", "t-schedule"): CellDraft("8.5", "工期合理", ""),
            ("B2", "t-schedule"): CellDraft(None, "", "见第3页"),
        }
        with pytest.raises(TypeError):
            snap.cells[("B9", "x")] = CellDraft()  # type: ignore[index]
        with pytest.raises(ValueError):
            journal.record("S1", "E1", "B1", "t-schedule", "total", "1")  # type: ignore[arg-type]
        assert journal.unsynced("S1", "E1")
        journal.mark_synced("S1", "E1", 6)
        journal.mark_synced("S1", "E1", 4)  # a late answer never moves it back
        assert not journal.unsynced("S1", "E1")
        assert journal.record(
            "S1", "E1", "B1", "t-schedule", "score", "9"
        ) == 7 and journal.unsynced("S1", "E1")
        assert journal.clear("S1", "E1") == 8  # monotonic across a clear
        assert (
            journal.snapshot("S1", "E1").cells == {} and journal.snapshot("S1", "E2").revision == 1
        )


def test_venue_copy_merged_with_this_seats_work(tmp_path: Path) -> None:
    with (
        DraftJournal(tmp_path / "a.sqlite") as seat_a,
        DraftJournal(tmp_path / "b.sqlite") as seat_b,
    ):
        for i, value in enumerate(["6", "7", "8"]):
            seat_a.record(
                "S1", "E1", f"B{i}", "t/organisation", "score", value
            )  # '/' in an id survives
        seat_a.record("S1", "E1", "B0", "t/organisation", "comment", "较好")
        snap = seat_a.snapshot("S1", "E1")
        view = DraftView(snap.revision, seat_a.to_venue_content(snap), "2026-01-01T00:00:00Z")
        # seat B typed a comment on B1 and a score of B9 before it saw seat A's work
        seat_b.record("S1", "E1", "B1", "t/organisation", "comment", "方案可行")
        seat_b.record("S1", "E1", "B9", "x", "score", "1")
        assert seat_b.merge_venue_draft("S1", "E1", view)
        moved = seat_b.snapshot("S1", "E1")
        assert dict(moved.cells) == {
            **snap.cells,
            ("B1", "t/organisation"): CellDraft("7", "方案可行", ""),  # A's score, B's comment
            ("B9", "x"): CellDraft("1"),
        }
        # B's own work is newer than the venue's copy: it is still to be sent
        assert moved.revision == snap.revision + 1 and seat_b.unsynced("S1", "E1")
        assert not seat_b.merge_venue_draft("S1", "E1", view)  # nothing B has not seen
        seat_b.mark_synced("S1", "E1", moved.revision)
        # a field both seats changed: the one typed here wins, the others come in
        seat_b.record("S1", "E1", "B2", "t/organisation", "score", "9")
        newer = DraftView(
            99,
            {"B2/t/organisation": "5", "B0/t/organisation": "4"},  # the flat form is read too
            "",
        )
        assert seat_b.merge_venue_draft("S1", "E1", newer)
        after = seat_b.snapshot("S1", "E1")
        assert dict(after.cells) == {
            ("B2", "t/organisation"): CellDraft("9"),
            ("B0", "t/organisation"): CellDraft("4"),
        }
        assert after.revision == 100 and seat_b.unsynced("S1", "E1")
        # a copy with nothing of this seat's left to add is taken as it is, already synced
        seat_b.mark_synced("S1", "E1", 100)
        assert seat_b.merge_venue_draft("S1", "E1", DraftView(101, {"B0/t/organisation": "3"}, ""))
        assert seat_b.snapshot("S1", "E1").revision == 101 and not seat_b.unsynced("S1", "E1")


def test_a_journal_from_before_per_field_revisions_opens(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE drafts (session_id TEXT NOT NULL, expert_id TEXT NOT NULL, "
        "revision INTEGER NOT NULL, synced_revision INTEGER NOT NULL DEFAULT 0, "
        "PRIMARY KEY (session_id, expert_id));"
        "CREATE TABLE cells (session_id TEXT NOT NULL, expert_id TEXT NOT NULL, "
        "bidder_id TEXT NOT NULL, item_id TEXT NOT NULL, score TEXT, "
        "comment TEXT NOT NULL DEFAULT '', explanation TEXT NOT NULL DEFAULT '', "
        "PRIMARY KEY (session_id, expert_id, bidder_id, item_id));"
        "INSERT INTO drafts VALUES ('S1', 'E1', 3, 0);"
        "INSERT INTO cells VALUES ('S1', 'E1', 'B1', 't', '8', '', '');"
    )
    old.commit()
    old.close()
    with DraftJournal(path) as journal:
        assert journal.snapshot("S1", "E1").cells[("B1", "t")].score == "8"
        assert journal.record("S1", "E1", "B1", "t", "score", "9") == 4


async def test_draft_round_trip_through_the_venue(harness, clients, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Seat A writes, the venue keeps it, seat B (another machine) continues from it."""
    h = harness
    await h.create_session(await login(h, clients, "centre-1"))
    expert = await login(h, clients, "expert-sd-1")
    person = h.person_id("expert-sd-1")
    with (
        DraftJournal(tmp_path / "a.sqlite") as seat_a,
        DraftJournal(tmp_path / "b.sqlite") as seat_b,
    ):
        seat_a.record("S1", person, "B1", "t-schedule", "score", "8")
        seat_a.record("S1", person, "B1", "t-schedule", "comment", "工期安排合理，关键线路清晰")
        snap = seat_a.snapshot("S1", person)
        stored = await expert.request(
            "PUT", "/sessions/S1/draft", DraftPut(snap.revision, seat_a.to_venue_content(snap))
        )
        seat_a.mark_synced("S1", person, stored["revision"])
        assert not seat_a.unsynced("S1", person)
        elsewhere = await login(h, clients, "expert-sd-1", workstation_id="ws-expert-sd-3")
        assert seat_b.merge_venue_draft(
            "S1", person, await elsewhere.get("/sessions/S1/draft", DraftView)
        )
        assert dict(seat_b.snapshot("S1", person).cells) == dict(snap.cells)


async def test_arecord_keeps_typing_order(tmp_path: Path) -> None:
    import asyncio

    with DraftJournal(tmp_path / "j.sqlite") as journal:
        typed = ["8", "8.", "8.5", "", "9"]
        revisions = await asyncio.gather(
            *(journal.arecord("S1", "E1", "B1", "t", "score", v) for v in typed)
        )
        assert revisions == [1, 2, 3, 4, 5]
        assert journal.snapshot("S1", "E1").cells[("B1", "t")].score == "9"


async def test_push_and_pull_through_the_venue(harness, clients, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    h = harness
    await h.create_session(await login(h, clients, "centre-1"))
    person = h.person_id("expert-sd-1")
    at_a = await login(h, clients, "expert-sd-1")
    with (
        DraftJournal(tmp_path / "a.sqlite") as seat_a,
        DraftJournal(tmp_path / "b.sqlite") as seat_b,
    ):
        assert not await pull_draft(seat_a, at_a, "S1", person)  # no draft at the venue yet
        seat_a.record("S1", person, "B1", "t-schedule", "score", "8")
        seat_a.record("S1", person, "B2", "t-schedule", "score", "6")
        pushed = await push_draft(seat_a, at_a, "S1", person)
        assert pushed.snapshot.revision == 2 and not pushed.merged
        assert not seat_a.unsynced("S1", person)
        at_b = await login(
            h, clients, "expert-sd-1", workstation_id="ws-expert-sd-3"
        )  # moved seats
        assert await pull_draft(seat_b, at_b, "S1", person)
        for value in ["7", "7.", "7.5"]:
            seat_b.record("S1", person, "B2", "t-schedule", "score", value)
        assert (await push_draft(seat_b, at_b, "S1", person)).snapshot.revision == 5
        # seat A, left behind at revision 2, types once more: B's work comes in, A's is kept
        seat_a.record("S1", person, "B3", "t-schedule", "score", "5")
        taken = await push_draft(seat_a, at_a, "S1", person)
        assert taken.merged and taken.snapshot.revision == 6
        scores = {k: c.score for k, c in taken.snapshot.cells.items()}
        assert scores == {
            ("B1", "t-schedule"): "8",
            ("B2", "t-schedule"): "7.5",
            ("B3", "t-schedule"): "5",
        }
        assert not seat_a.unsynced("S1", person)  # and the merge went to the venue
        assert await pull_draft(seat_b, at_b, "S1", person)
        assert dict(seat_b.snapshot("S1", person).cells) == dict(taken.snapshot.cells)
        # both seats typed as fast, to the same revision: neither's work is lost
        seat_a.record("S1", person, "B1", "t-schedule", "comment", "甲")
        seat_b.record("S1", person, "B3", "t-schedule", "comment", "乙")
        assert seat_a.snapshot("S1", person).revision == seat_b.snapshot("S1", person).revision
        await push_draft(seat_a, at_a, "S1", person)
        both = await push_draft(seat_b, at_b, "S1", person)
        assert both.merged and not seat_b.unsynced("S1", person)
        assert await pull_draft(seat_a, at_a, "S1", person)
        for seat in (seat_a, seat_b):
            cells = seat.snapshot("S1", person).cells
            assert cells[("B1", "t-schedule")].comment == "甲"
            assert cells[("B3", "t-schedule")].comment == "乙"


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from evaluator_app.client.journal import DraftJournal
    journal = DraftJournal(Path(sys.argv[1]))
    r = 0
    while True:
        r += 1
        got = journal.record("S1", "E1", f"B{r % 3}", f"i{r % 5}", "score", str(r))
        assert got == r
        print(got, flush=True)  # only after record() returned: the parent counts it durable
    """
)


def test_sigkill_mid_typing_loses_nothing_recorded(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True
    )
    acknowledged = 0
    try:
        assert child.stdout is not None
        while acknowledged < 150:
            line = child.stdout.readline()
            assert line, "the writer died on its own"
            acknowledged = int(line)
        os.kill(child.pid, signal.SIGKILL)
        for line in child.stdout:  # lines written before the kill
            acknowledged = int(line)
    finally:
        child.kill()
        child.wait()
    with DraftJournal(path) as journal:
        snap = journal.snapshot("S1", "E1")
    assert snap.revision >= acknowledged
    # every cell holds the last value written to it up to the surviving revision:
    # nothing lost, nothing torn
    expected = {}
    for r in range(1, snap.revision + 1):
        expected[(f"B{r % 3}", f"i{r % 5}")] = str(r)
    assert {key: cell.score for key, cell in snap.cells.items()} == expected
