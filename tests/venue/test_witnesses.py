"""Witnesses countersign the venue's tree heads over the real API (issue 12, item 2).

淄博 (zibo) runs ``evaluator audit witness`` against 济南's venue: each round checks the head
against the key the trust list names for jinan and against the head it countersigned before
(a consistency proof from the venue), countersigns it with zibo's own key and posts it; the
venue records it in its log, so ``audit verify --witness zibo`` finds it in any export.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import pytest

from evaluator_app.auditlog.tree_head import SignedTreeHead, TreeHead
from evaluator_app.auditlog.witness import cosignature_content
from evaluator_app.cli.main import main
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.protocol import API_PREFIX
from tests.signing.pki_helpers import TinyPki
from tests.venue.harness import VenueHarness


def _pair(content: bytes, signature: bytes) -> dict[str, str]:
    b64 = base64.b64encode
    return {"content": b64(content).decode(), "signature": b64(signature).decode()}


async def _witness(
    h: VenueHarness, state: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    args = ["audit", "witness", h.base_url, "--id", "zibo", "--state", str(state)]
    code = await asyncio.to_thread(main, [*args, "--demo", str(h.demo.root)])
    return code, capsys.readouterr().out


async def _post(h: VenueHarness, body: dict[str, str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    async with h.clients[0]._session.post(
        f"{h.base_url}{API_PREFIX}/log/cosignatures", json=body, ssl=h.client_ssl
    ) as response:
        return response.status, await response.json()


async def test_a_witness_countersigns_and_the_verifier_needs_it(
    harness: VenueHarness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})  # a head at a phase change
    state = tmp_path / "zibo-state.json"
    code, out = await _witness(h, state, capsys)
    assert code == 0 and "countersigned the head of" in out, out
    first = json.loads(state.read_text())["jinan"]
    code, out = await _witness(h, state, capsys)  # nothing new signed: nothing countersigned
    assert code == 0 and "head unchanged" in out, out
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    code, out = await _witness(h, state, capsys)  # extends the first: a consistency proof
    assert code == 0 and "countersigned" in out, out
    # the same cosignature twice is recorded once; a key the trust list does not name is refused
    cosigs = await h.venue.store.tx(lambda tx: tx.audit_entries_by_action("log.cosigned"))
    assert [e.actor for e in cosigs] == ["zibo", "zibo"]
    status, answer = await _post(h, cosigs[0].payload["cosignature"])
    assert (status, answer["recorded"]) == (200, False)
    signed = SignedTreeHead(
        base64.b64decode(first["content"]), base64.b64decode(first["signature"])
    )
    forger = TinyPki(tmp_path).person("假见证")
    content = cosignature_content(signed, "zibo", h.venue.now_iso())
    forged = sign_detached(content, open_pkcs12(forger.p12, forger.password))
    status, answer = await _post(h, _pair(content, forged))
    assert status == 422 and "does not recognise for zibo" in answer["error"]["message"]
    verify = ["audit", "verify", str(h.config.database), "--demo", str(h.demo.root)]
    assert await asyncio.to_thread(main, [*verify, "--witness", "zibo"]) == 0
    out = capsys.readouterr().out
    assert "witnessed by zibo up to entry" in out
    assert await asyncio.to_thread(main, [*verify, "--witness", "centre"]) == 1
    assert "witness centre has countersigned no head of this log" in capsys.readouterr().out


async def test_a_head_that_does_not_extend_what_the_witness_saw_is_refused_with_evidence(
    harness: VenueHarness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The venue shows zibo a head of the same size as one zibo countersigned, but another root
    (a split view): zibo refuses and keeps both heads, each with the venue's signature."""
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    state = tmp_path / "zibo-state.json"
    code, _ = await _witness(h, state, capsys)
    assert code == 0
    seen = json.loads(state.read_text())["jinan"]
    size = json.loads(base64.b64decode(seen["content"]))["tree_size"]
    # what the venue showed "before": same size, another root, signed with jinan's own key
    other = TreeHead("jinan", size, "ab" * 32, h.venue.now_iso()).content()
    venue_key = open_pkcs12(h.demo.venue("jinan").p12, h.demo.venue("jinan").password)
    before = _pair(other, sign_detached(other, venue_key))
    state.write_text(json.dumps({"jinan": before}))
    code, out = await _witness(h, state, capsys)
    assert code == 1 and "REFUSED" in out and "does not extend" in out, out
    evidence = json.loads((tmp_path / "zibo-state-evidence-jinan.json").read_text())
    assert evidence["countersigned_before"] == before and evidence["shown_now"] == seen
