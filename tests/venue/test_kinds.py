"""The registry of artefact kinds (protocol/kinds.py) is the one contract between the layers.

The venue's upload routes, its intake (role, phase, rule) and the offline archive read it:
a kind this version does not have is added with one registry entry and its rule, and works
end to end through the real venue.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pytest

from evaluator_app.client.errors import VenueRefused
from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.core.phases import Phase
from evaluator_app.protocol import API_PREFIX, kinds
from evaluator_app.protocol.artefacts import ARTEFACT_VERSION, LeaderVote, WitnessNote
from evaluator_app.protocol.kinds import (
    ARTEFACT_KINDS,
    KINDS,
    ArtefactError,
    ArtefactKind,
    ArtefactProblem,
    read_artefact,
)
from evaluator_app.protocol.messages import Role
from evaluator_app.protocol.schema import encode
from evaluator_app.venue import app as venue_app
from evaluator_app.venue.api.routes import ROUTES, routes
from evaluator_app.venue.intake.accept import new_record, record_acceptance
from evaluator_app.venue.intake.rules import RULES
from tests.venue.harness import VenueHarness
from tests.venue.test_session_flow import _download

S = f"{API_PREFIX}/sessions/{{sid}}"


def test_every_kind_has_one_upload_route_and_one_rule():
    uploads = {  # every route served by the one upload handler of api/artefacts.py
        (method, path): getattr(handler, "__name__", "")
        for method, path, handler in ROUTES
        if getattr(handler, "__qualname__", "") == "upload.<locals>.handler"
    }
    assert uploads == {("POST", f"{S}/{k.route}"): f"upload_{k.name}" for k in ARTEFACT_KINDS}
    assert set(RULES) == set(KINDS)
    assert len({k.route for k in ARTEFACT_KINDS}) == len(ARTEFACT_KINDS)


def test_read_artefact_decodes_by_the_stamp_and_refuses_anything_else():
    vote = LeaderVote("S1", "E1", "E2", "2025-01-01T00:00:00Z")
    content = artefact_bytes("leader_vote", ARTEFACT_VERSION, encode(vote))
    assert read_artefact(content) == (KINDS["leader_vote"], vote)
    refusals = {
        b"not json": ArtefactProblem.MALFORMED,
        b"[1]": ArtefactProblem.MALFORMED,
        artefact_bytes("no_such_kind", ARTEFACT_VERSION, encode(vote)): ArtefactProblem.WRONG_KIND,
        artefact_bytes("leader_vote", ARTEFACT_VERSION + 1, encode(vote)): (
            ArtefactProblem.WRONG_KIND
        ),
        artefact_bytes("leader_vote", ARTEFACT_VERSION, {"session_id": "S1"}): (
            ArtefactProblem.INVALID_FIELD
        ),
        content.replace(b",", b", ", 1): ArtefactProblem.NOT_CANONICAL,
    }
    for bad, problem in refusals.items():
        with pytest.raises(ArtefactError) as info:
            read_artefact(bad)
        assert info.value.problem is problem, bad
        assert info.value.message_zh and info.value.message_en
    with pytest.raises(ArtefactError) as info:  # a valid artefact of another kind
        read_artefact(content, KINDS["declaration"])
    assert info.value.problem is ArtefactProblem.WRONG_KIND


@dataclass(frozen=True)
class SeatingNote:
    """A kind this version does not have: a supervisor notes the seating at check-in."""

    session_id: str
    supervisor_id: str
    text: str
    at: str


SEATING = ArtefactKind(
    "seating_note",
    SeatingNote,
    "seating-notes",
    frozenset({Role.SUPERVISOR}),
    frozenset({Phase.CHECK_IN}),
    "座位记录",
    "seating note",
)


def _seating_rule(tx, venue, caller, session, members, body, upload):  # type: ignore[no-untyped-def]
    stored, event = record_acceptance(
        tx, venue, new_record(venue, caller, session.id, SEATING.name, upload), audience="staff"
    )
    return stored, [event], session


async def test_a_new_kind_is_one_registry_entry_and_its_rule(venue_pki, tmp_path, monkeypatch):
    # the registry entry and the rule (what the @rule decorator does, undone after the test)
    monkeypatch.setitem(KINDS, SEATING.name, SEATING)
    monkeypatch.setitem(kinds._BY_BODY, SeatingNote, SEATING)
    monkeypatch.setitem(RULES, SEATING.name, _seating_rule)
    monkeypatch.setattr(venue_app, "ROUTES", routes((*ARTEFACT_KINDS, SEATING)))
    h = await VenueHarness(venue_pki, tmp_path / "venue").start()
    try:
        centre = await h.login("centre-1")
        supervisor = await h.login("supervisor-jinan")
        expert = await h.login("expert-sd-1")
        await h.create_session(centre)
        note = SeatingNote("S1", h.person_id("supervisor-jinan"), "A01–A04 已就座", "2025-01-01")

        async def send(client, key):  # type: ignore[no-untyped-def]
            body = SeatingNote(note.session_id, h.person_id(key), note.text, note.at)
            content, signature = await client.sign_artefact(SEATING.name, body, h.signer(key))
            return await client.upload("S1", SEATING.route, content, signature)

        with pytest.raises(VenueRefused) as info:  # the registry's phases: check-in only
            await send(supervisor, "supervisor-jinan")
        assert info.value.status == 409 and info.value.code == "wrong_phase"
        await centre.post("/sessions/S1/phase", {"target": "check_in", "reason": ""})
        with pytest.raises(VenueRefused) as info:  # the registry's roles: supervisors only
            await send(expert, "expert-sd-1")
        assert info.value.status == 403 and info.value.code == "wrong_role"
        receipt = await send(supervisor, "supervisor-jinan")
        assert receipt.receipt

        # the archive holds it and the offline reader decodes it by the same registry
        data = await _download(centre, "/sessions/S1/archive")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if n.endswith("-seating_note-v1.json")]
            assert len(names) == 1
            assert read_artefact(archive.read(names[0])) == (SEATING, note)
    finally:
        await h.stop()


def test_the_kinds_in_use_keep_their_wire_names_and_routes():
    # the wire is a contract with every installed client: renaming a kind or route breaks it
    assert {k.name: k.route for k in ARTEFACT_KINDS} == {
        "declaration": "declarations",
        "leader_vote": "leader-votes",
        "gate_votes": "gate-votes",
        "score_sheet": "sheets",
        "witness_note": "witness-notes",
        "dissent": "report/dissent",
        "warning_decision": "warning-decisions",
        "document_manifest": "manifest",
    }
    assert kinds.kind_of(WitnessNote("S1", "P", "V", "t", "at")) is KINDS["witness_note"]
