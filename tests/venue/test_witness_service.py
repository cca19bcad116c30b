"""The main venue asks its witnesses to countersign (issue 12, item 2), over real TLS.

济南 (jinan) names 淄博 (zibo) and the centre in venue.toml; each runs the witness service
with its own key from the demo PKI. At every phase change and every N entries the venue sends
them its new head with a consistency proof from the last one they countersigned; they check it
before signing, refuse a head that contradicts what they signed (keeping both as evidence),
and the venue records their cosignatures in its own log.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

from evaluator_app.auditlog.tree_head import SignedTreeHead, TreeHead
from evaluator_app.auditlog.witness import COSIGNED_ACTION
from evaluator_app.cli.main import main
from evaluator_app.demo.witnesses import RunningWitness, start_demo_witness
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.venue.app import ASKER_KEY as ASKER
from tests.venue.harness import VenueHarness
from tests.venue.witnessing import (
    jinan_signs,
    last_head_size,
    pair,
    sizes,
    until_witnessed,
    witness_json,
)


async def test_witnesses_countersign_at_phase_changes_and_every_n_entries(
    witnessed: VenueHarness, witnesses: dict[str, RunningWitness], tmp_path: Path
) -> None:
    h = witnessed
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})  # a phase change
    first = await last_head_size(h)
    await until_witnessed(h, first)
    for n in range(6):  # no phase change: a head every 4 entries, then the witnesses again
        await centre.post("/sessions/S1/broadcast", {"message": f"通知 {n}"})
    await until_witnessed(h, first + 4)
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    last = await last_head_size(h)
    sizes = await until_witnessed(h, last)
    assert sizes == {"zibo": last, "centre": last}
    # each witness keeps every head it countersigned, each extending the one before
    status, book = await witness_json(
        h, witnesses["zibo"], "GET", "/witness/cosignatures?venue=jinan"
    )
    assert status == 200 and book["witness"] == "zibo" and not book["refused"]
    seen = [json.loads(base64.b64decode(c["content"])) for c in book["cosignatures"]]
    heads = [json.loads(base64.b64decode(s["tree_head"]))["tree_size"] for s in seen]
    assert heads == sorted(heads) and len(heads) >= 3 and heads[-1] == last
    recorded = await h.venue.store.tx(lambda tx: tx.audit_entries_by_action(COSIGNED_ACTION))
    assert {e.actor for e in recorded} == {"zibo", "centre"}
    source = h.config.store if h.config.store != "sqlite" else str(h.config.database)
    verify = ["audit", "verify", source, "--demo", str(h.demo.root)]
    code = await asyncio.to_thread(main, [*verify, "--witness", "zibo", "--witness", "centre"])
    assert code == 0


async def test_a_witness_refuses_a_head_that_contradicts_what_it_countersigned(
    witnessed: VenueHarness, witnesses: dict[str, RunningWitness]
) -> None:
    """Shown another head of a size it countersigned (or one no proof links to it), the witness
    refuses with 409 and keeps both heads, each with the venue's signature, as evidence."""
    h = witnessed
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    size = await last_head_size(h)
    await until_witnessed(h, size)
    zibo = witnesses["zibo"]
    other = jinan_signs(h, TreeHead("jinan", size, "ab" * 32, h.venue.now_iso()))
    body = {"tree_head": other, "from_size": 0, "consistency": []}
    status, answer = await witness_json(h, zibo, "POST", "/witness/cosign", body)
    assert status == 409 and answer["error"]["code"] == "inconsistent_head", answer
    assert "不一致" in answer["error"]["message_zh"]
    bigger = jinan_signs(h, TreeHead("jinan", size + 3, "cd" * 32, h.venue.now_iso()))
    body = {"tree_head": bigger, "from_size": size, "consistency": ["00" * 32]}
    status, answer = await witness_json(h, zibo, "POST", "/witness/cosign", body)
    assert status == 409 and "no proof" in answer["error"]["message"], answer
    _, book = await witness_json(h, zibo, "GET", "/witness/cosignatures?venue=jinan")
    assert [r["shown"] for r in book["refused"]] == [other, bigger]
    before = book["refused"][0]["countersigned_before"]
    assert SignedTreeHead(base64.b64decode(before["content"]), b"").head.tree_size == size
    # a head signed by any key but jinan's listed one is refused outright (422), not evidence
    forged = dict(other, signature=pair(b"", b"x")["signature"])
    body = {"tree_head": forged, "from_size": 0, "consistency": []}
    status, answer = await witness_json(h, zibo, "POST", "/witness/cosign", body)
    assert status == 422 and answer["error"]["code"] == "bad_signature"
    # asked again for the head it countersigned, it answers the same cosignature
    genuine = book["cosignatures"][-1]
    signed = json.loads(base64.b64decode(genuine["content"]))
    again = {"content": signed["tree_head"], "signature": signed["venue_signature"]}
    body = {"tree_head": again, "from_size": 0, "consistency": []}
    status, answer = await witness_json(h, zibo, "POST", "/witness/cosign", body)
    assert (status, answer["cosignature"]) == (200, genuine)
    assert await h.app[ASKER].ask_all() == {}  # the venue holds both already: asks nothing
    assert (await sizes(h)) == {"zibo": size, "centre": size}


async def test_a_witness_that_is_down_is_asked_again_at_the_next_head(
    venue_pki: DemoPki, tmp_path: Path
) -> None:
    witness = await start_demo_witness(venue_pki, "zibo", tmp_path / "zibo")
    url = witness.url
    await witness.stop()  # down at the first phase change
    h = VenueHarness(venue_pki, tmp_path / "venue", witnesses={"zibo": url})
    await h.start()
    try:
        centre = await h.login("centre-1")
        await h.create_session(centre)
        await centre.post("/sessions/S1/phase", {"target": "check_in"})
        asked = await h.app[ASKER].ask_all()
        assert isinstance(asked["zibo"], str)  # why, logged; nothing recorded
        assert await sizes(h) == {}
        port = int(url.rsplit(":", 1)[1])
        witness = await start_demo_witness(venue_pki, "zibo", tmp_path / "zibo", port)
        await centre.post("/sessions/S1/phase", {"target": "declarations"})
        size = await last_head_size(h)
        for _ in range(400):
            if (await sizes(h)).get("zibo") == size:
                break
            await asyncio.sleep(0.05)
        assert await sizes(h) == {"zibo": size}
    finally:
        await h.stop()
        await witness.stop()


async def test_serve_witness_runs_the_service_from_the_command_line(
    venue_pki: DemoPki, tmp_path: Path
) -> None:
    """``evaluator audit serve-witness --id centre --demo DIR``: it answers over TLS, with the
    centre's certificate, until interrupted."""
    import os
    import signal
    import sys

    import aiohttp

    from evaluator_app.client.venue_client import client_ssl_context

    args = ["audit", "serve-witness", "--id", "centre", "--book", str(tmp_path / "book.db")]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "evaluator_app",
        *args,
        "--port",
        "0",
        "--demo",
        str(venue_pki.root),
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 120)).decode()
        assert line.startswith("见证服务 witness centre: https://127.0.0.1:"), line
        url = line.split(": ", 1)[1].strip()
        roots = [str(ca.root_cert) for ca in venue_pki.cas if ca.status == "granted"]
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{url}cosignatures?venue=jinan", ssl=client_ssl_context(roots)) as answer,
        ):
            body = await answer.json()
        assert answer.status == 200 and body == {
            "witness": "centre",
            "venue": "jinan",
            "cosignatures": [],
            "refused": [],
        }
    finally:
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 60) == 0
