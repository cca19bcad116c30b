"""``evaluator venue init --store postgresql://…`` and ``venue migrate-store``: a venue that lived
on SQLite moves to PostgreSQL with its audit log, its documents and its numbers, verifies there,
and serves on as before."""

from __future__ import annotations

import re

from evaluator_app.cli.main import main
from evaluator_app.pki.revocation import DEFAULT_CACHE
from evaluator_app.protocol.messages import CreateSession, DocumentInput, MemberInput, Role
from evaluator_app.venue.config import load_config
from tests.venue.flow import declare
from tests.venue.harness import COMMITTEE, SEATS, VenueHarness, example_project


def test_init_records_the_store_and_creates_its_schema(tmp_path, pg_dsn, capsys):
    assert main(["venue", "init", str(tmp_path / "v"), "--store", pg_dsn]) == 0
    config = load_config(tmp_path / "v" / "venue.toml")
    assert config.store == pg_dsn
    assert main(["venue", "init", str(tmp_path / "w"), "--store", "mysql://x"]) == 2
    assert main(["venue", "init", str(tmp_path / "u"), "--store", pg_dsn + "_none"]) == 1
    assert not (tmp_path / "u" / "venue.toml").exists()  # nothing written for a bad database
    assert "数据库" in capsys.readouterr().err


async def test_a_sqlite_venue_moves_to_postgresql_and_serves_on(
    venue_pki, tmp_path, pg_dsn, capsys
):
    h = await VenueHarness(venue_pki, tmp_path / "venue").start()
    centre = await h.login("centre-1")
    pdf = b"%PDF-1.4 tender " + bytes(range(256)) * 50
    sha = await centre.put_blob(pdf)
    members = [MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in COMMITTEE]
    await centre.post(
        "/sessions",
        CreateSession(
            "S1", "迁移", example_project(), "lot-1", "jinan", tuple(members),
            (DocumentInput("tender", "招标文件", sha, len(pdf), None),),
        ),
    )  # fmt: skip
    for target in ("check_in", "declarations"):
        await centre.post("/sessions/S1/phase", {"target": target})
    expert = await h.login("expert-sd-1")
    first = await declare(h, expert, "expert-sd-1")
    before = await expert.get("/events?since=0")
    await h.stop()
    DEFAULT_CACHE.clear()

    config = tmp_path / "venue" / "venue.toml"
    assert main(["venue", "migrate-store", "--config", str(config), "--to", pg_dsn]) == 0
    said = capsys.readouterr().out
    assert "audit log verified in PostgreSQL" in said and "1 documents" in said
    assert re.search(rf'^store = "{re.escape(pg_dsn)}"$', config.read_text("utf-8"), re.M)
    assert (tmp_path / "venue" / "venue.toml.sqlite").is_file()
    assert main(["audit", "verify", pg_dsn, "--demo", str(venue_pki.root)]) == 0
    assert "审计日志完整" in capsys.readouterr().out
    # moving again into the same (no longer empty) database is refused
    assert main(["venue", "migrate-store", "--config", str(config), "--to", pg_dsn]) == 1

    moved = VenueHarness(venue_pki, tmp_path / "venue", reuse=True)  # the same folder
    assert moved.config.store == pg_dsn
    await moved.start()
    try:
        expert = await moved.login("expert-sd-1")
        events = (await expert.get("/events?since=0"))["events"]
        assert events[: len(before["events"])] == before["events"]  # the same numbers
        nca = await moved.login("expert-nca-1")
        second = await declare(moved, nca, "expert-nca-1")
        assert second.receipt != first.receipt
        with moved.venue.store.store.reading() as tx:
            ids = [a.id for a in tx.artefacts("S1", "declaration")]
        assert len(ids) == 2 and ids[0] < ids[1]  # the next id follows the moved ones
        url = f"{moved.base_url}/api/v1/sessions/S1/documents/tender"
        headers = {"Authorization": f"Bearer {expert.token}", "Range": "bytes=100-"}
        async with expert._session.get(url, headers=headers, ssl=moved.client_ssl) as answer:
            assert answer.status == 206 and await answer.read() == pdf[100:]
    finally:
        await moved.stop()
        DEFAULT_CACHE.clear()
