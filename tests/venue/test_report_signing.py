"""The evaluation report: generated at report signing, signed by each member in turn, dissent."""

from __future__ import annotations

import asyncio
import base64

import pytest

from evaluator_app.archive.verify import averify_archive
from evaluator_app.client.errors import VenueRefused
from evaluator_app.pki.pades import async_sign_pdf, async_verify_pdf
from evaluator_app.protocol.artefacts import ReportDissent
from evaluator_app.venue.results import report as venue_report
from tests.reports.conftest import pdftotext
from tests.venue.flow import declare, gate_votes, now, sheet, submit_sheet, vote_leader

PLAYS = {
    "expert-sd-1": "E1",
    "expert-sd-2": "E2",
    "expert-nca-1": "E3",
    "expert-nca-2": "E4",
    "expert-dual-sd": "E5",
}


async def _to_summary(h):  # type: ignore[no-untyped-def]
    centre = await h.login("centre-1")
    experts = {k: await h.login(k) for k in PLAYS}
    await h.create_session(centre, committee=list(PLAYS))
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    for key in PLAYS:
        await declare(h, experts[key], key)
    for key in PLAYS:
        await vote_leader(h, experts[key], key, "expert-sd-1")
    for key, example in PLAYS.items():
        await gate_votes(h, experts[key], key, example)
    await experts["expert-sd-1"].post("/sessions/S1/phase", {"target": "detailed_scoring"})
    for key, example in PLAYS.items():
        await submit_sheet(h, experts[key], key, sheet(h, key, example))
    return centre, experts


async def _sign(h, client, key, report):  # type: ignore[no-untyped-def]
    signed = await async_sign_pdf(base64.b64decode(report["pdf"]), h.signer(key))
    return await client.post(
        "/sessions/S1/report/signatures",
        {"base_revision": report["revision"], "pdf": base64.b64encode(signed).decode()},
    )


async def test_members_sign_in_turn_one_dissents_then_the_session_closes(harness):
    h = harness
    centre, experts = await _to_summary(h)
    with pytest.raises(VenueRefused) as info:
        await experts["expert-sd-2"].get("/sessions/S1/report")
    assert info.value.code == "before_report"
    await experts["expert-sd-1"].post("/sessions/S1/phase", {"target": "report_signing"})

    # a dissent before anyone signed: the report is rendered again and shows it
    dissent = ReportDissent(
        "S1",
        h.person_id("expert-nca-2"),
        "对B2施工组织设计评分有不同意见：冬季施工方案缺失应扣分更多。",
        now(),
    )
    content, signature = await experts["expert-nca-2"].sign_artefact(
        "dissent", dissent, h.signer("expert-nca-2")
    )
    await experts["expert-nca-2"].upload("S1", "report/dissent", content, signature)
    report = await experts["expert-sd-1"].get("/sessions/S1/report")
    assert report["revision"] == 0 and report["dissented"] == [h.person_id("expert-nca-2")]
    assert len(report["pending"]) == 4
    # every venue by its name, as the windows say it, never its id
    text = pdftotext(base64.b64decode(report["pdf"]), h.config.data_dir.parent, "-raw")
    names = h.config.names
    assert names["jinan"] + "主场" in text and names["zibo"] + "副场" in text, text[:2000]
    assert "jinan" not in text and "zibo" not in text

    # the first member signs; a second signature on the stale revision is refused
    first = await _sign(h, experts["expert-sd-1"], "expert-sd-1", report)
    assert first["revision"] == 1
    with pytest.raises(VenueRefused) as info:
        await _sign(h, experts["expert-sd-2"], "expert-sd-2", report)
    assert info.value.code == "stale_report"
    # a tampered report (not the newest revision plus a signature) is refused
    newest = await experts["expert-sd-2"].get("/sessions/S1/report")
    forged = bytearray(base64.b64decode(newest["pdf"]))
    forged[len(forged) // 2] ^= 0x01
    signed_forgery = await async_sign_pdf(bytes(forged), h.signer("expert-sd-2"))
    with pytest.raises(VenueRefused) as info:
        await experts["expert-sd-2"].post(
            "/sessions/S1/report/signatures",
            {"base_revision": newest["revision"], "pdf": base64.b64encode(signed_forgery).decode()},
        )
    assert info.value.code == "not_incremental"
    # someone signing on another member's behalf is refused
    with pytest.raises(VenueRefused) as info:
        await _sign(h, experts["expert-sd-2"], "expert-nca-1", newest)
    assert info.value.code == "certificate_refused"
    # the rest sign in turn; the session closes by itself
    for key in ["expert-sd-2", "expert-nca-1", "expert-dual-sd"]:
        await _sign(h, experts[key], key, await experts[key].get("/sessions/S1/report"))
    final = await centre.get("/sessions/S1/report")
    assert final["pending"] == [] and final["revision"] == 4
    assert (await centre.get("/sessions/S1"))["phase"] == "closed"
    verdicts = await async_verify_pdf(base64.b64decode(final["pdf"]), None)
    assert len(verdicts) == 4 and all(v.integrity_ok for v in verdicts)

    # the archive carries the signed report and the dissent; it verifies offline
    from tests.venue.test_session_flow import _download

    path = h.config.data_dir.parent / "S1.zip"
    path.write_bytes(await _download(centre, "/sessions/S1/archive"))
    result = await averify_archive(path, h.demo.trust_list_signer.load_cert())
    assert result.ok, [c for c in result.checks if not c.ok]
    report_check = next(c for c in result.checks if c.name == "evaluation report")
    assert "4 intact signature(s)" in report_check.detail and "张伟" in report_check.detail
    assert any(c.name.endswith("-dissent-v1.json") and c.ok for c in result.checks)


async def test_the_store_serves_other_requests_while_the_report_is_rendered(harness, monkeypatch):
    """reportlab runs outside the store's transactions: while revision 0 is being rendered,
    another member's request (which needs the store's one thread) is answered."""
    h = harness
    _centre, experts = await _to_summary(h)
    loop = asyncio.get_running_loop()
    render = venue_report.render_report
    answered: list[str] = []

    def render_while_another_request_runs(inputs):  # type: ignore[no-untyped-def]
        other = asyncio.run_coroutine_threadsafe(experts["expert-sd-2"].get("/sessions/S1"), loop)
        answered.append(other.result(timeout=60)["phase"])  # blocked forever if inside a tx
        return render(inputs)

    monkeypatch.setattr(venue_report, "render_report", render_while_another_request_runs)
    await experts["expert-sd-1"].post("/sessions/S1/phase", {"target": "report_signing"})
    assert answered == ["report_signing"]
    report = await experts["expert-sd-2"].get("/sessions/S1/report")
    assert report["revision"] == 0 and report["pending"]
    assert len(await async_verify_pdf(base64.b64decode(report["pdf"]), None)) == 0
