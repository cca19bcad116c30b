"""The app's draft sync (ExpertSession, as the scoring grid calls it) with one expert at two seats:
what is typed at either seat reaches the venue, and neither seat's work overwrites the other's."""

from __future__ import annotations

from pathlib import Path

from evaluator_app.client.credentials import CredentialRef
from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.client.login import LoginService
from evaluator_app.client.settings import AppSettings
from evaluator_app.protocol.messages import DraftView
from tests.client.conftest import login
from tests.venue.harness import VenueHarness

EXPERT = "expert-sd-1"


async def _seat(h: VenueHarness, workstation_id: str, data_dir: Path) -> ExpertSession:
    """Log in as the app does (LoginService with this seat's settings) and open session S1."""
    roots = tuple(str(ca.root_cert) for ca in h.demo.cas if ca.status == "granted")
    settings = AppSettings(
        main_venue_url=h.base_url,
        workstation_id=workstation_id,
        trust_list=str(h.demo.trust_list),
        trust_list_signer=str(h.demo.trust_list_signer.cert),
        ca_roots=roots,
    )
    person = h.demo.person(EXPERT)
    service = LoginService(settings)
    logged = await service.login(
        await service.open_file(person.p12, person.password),
        CredentialRef("pkcs12", str(person.p12)),
    )
    return ExpertSession(logged, "S1", data_dir)


async def test_one_expert_at_two_seats_loses_nothing(harness, clients, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    h = harness
    await h.create_session(await login(h, clients, "centre-1"))
    seat_a = await _seat(h, f"ws-{EXPERT}", tmp_path / "a")
    seat_b = await _seat(h, "ws-expert-sd-3", tmp_path / "b")
    reloads: list[str] = []
    seat_a.draft_listeners.append(lambda: reloads.append("a"))
    try:
        await seat_a.record("B1", "t-schedule", "score", "8")
        assert await seat_a.sync_draft()
        # the expert moves to seat B and continues from the venue's copy
        assert await seat_b.resume_from_venue()
        assert seat_b.snapshot().cells[("B1", "t-schedule")].score == "8"
        await seat_b.record("B3", "t-schedule", "score", "5")
        await seat_b.record("B1", "t-schedule", "comment", "工期合理")
        # meanwhile seat A, still open, got one more score that it has not sent yet
        await seat_a.record("B2", "t-schedule", "score", "6")
        assert await seat_b.sync_draft()
        assert await seat_a.sync_draft()  # the venue is ahead: merged, and the merge sent
        assert reloads == ["a"], "the grid at seat A is told to reload"
        expected = {
            ("B1", "t-schedule"): ("8", "工期合理"),
            ("B2", "t-schedule"): ("6", ""),
            ("B3", "t-schedule"): ("5", ""),
        }
        at_a = {k: (c.score, c.comment) for k, c in seat_a.snapshot().cells.items()}
        assert at_a == expected
        venue_copy = await seat_a.client.get("/sessions/S1/draft", DraftView)
        cells = seat_a.journal.cells_from_content(venue_copy.content)
        assert {k: (c.score, c.comment) for k, c in cells.items()} == expected
        assert venue_copy.revision == seat_a.snapshot().revision
        assert not seat_a.journal.unsynced("S1", seat_a.me)
        # seat B catches up from the venue on its next join
        assert await seat_b.resume_from_venue()
        at_b = {k: (c.score, c.comment) for k, c in seat_b.snapshot().cells.items()}
        assert at_b == expected
        assert await seat_b.sync_draft() and not seat_b.journal.unsynced("S1", seat_b.me)
    finally:
        for seat in (seat_a, seat_b):
            await seat.client.close()
            seat.close()
