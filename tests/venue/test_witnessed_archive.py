"""The plan names the witnesses; the archive carries their cosigned heads; a split view is
reported with both signatures (issue 12, item 2b and 2c). Real venue, real witness services,
real archives read by ``evaluator verify`` and ``evaluator audit verify``."""

from __future__ import annotations

import asyncio
import base64
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from evaluator_app.archive.verify import averify_archive
from evaluator_app.auditlog.tree_head import TreeHead
from evaluator_app.cli.main import main
from evaluator_app.client.errors import VenueRefused
from evaluator_app.demo.witnesses import RunningWitness, start_demo_witness
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.protocol import API_PREFIX
from tests.venue.harness import VenueHarness, example_project
from tests.venue.witnessing import jinan_signs, last_head_size, until_witnessed, witness_json


def _project(witnesses: list[str]) -> dict[str, Any]:
    project = example_project()
    for plan in project["plans"]:
        plan["witnesses"] = witnesses
    return project


async def _archive(h: VenueHarness, centre: Any, path: Path) -> Path:
    async with centre._session.get(
        f"{h.base_url}{API_PREFIX}/sessions/S1/archive",
        headers=centre._headers(),
        ssl=centre.ssl_context,
    ) as response:
        assert response.status == 200, await response.text()
        path.write_bytes(await response.read())
    return path


async def _witnessed_session(
    h: VenueHarness, who: tuple[str, ...], required: tuple[str, ...] = ("zibo", "centre")
) -> Any:
    """A session whose plan names ``required``, until ``who`` countersigned its last head."""
    centre = await h.login("centre-1")
    await h.create_session(centre, project=_project(list(required)))
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    await until_witnessed(h, await last_head_size(h), who)
    return centre


async def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = await asyncio.to_thread(main, list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


async def test_an_archive_verifies_with_the_witnesses_its_plan_names(
    witnessed: VenueHarness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = witnessed
    centre = await _witnessed_session(h, ("zibo", "centre"))
    archive = await _archive(h, centre, tmp_path / "S1.zip")
    with zipfile.ZipFile(archive) as z:  # the cosigned heads travel in the archive's log
        log = [json.loads(x) for x in z.read("audit/audit.jsonl").decode().splitlines()]
    cosigned = {e["actor"] for e in log if e.get("action") == "log.cosigned"}
    assert cosigned == {"zibo", "centre"}
    report = await averify_archive(archive, h.demo.trust_list_signer.load_cert())
    audit = next(c for c in report.checks if c.name == "audit chain")
    assert report.ok and "; witnessed by centre up to entry" in audit.detail, audit
    assert ", zibo up to entry" in audit.detail
    assert "zibo 见证至第" in audit.detail_zh and "centre 见证至第" in audit.detail_zh
    demo = ["--demo", str(h.demo.root)]
    code, out = await _cli(capsys, "audit", "verify", str(archive), *demo)
    assert code == 0 and "witnessed by zibo" in out and "witnessed by centre" in out, out


async def test_a_session_whose_plan_names_a_witness_the_venue_does_not_ask_is_refused(
    venue_pki: DemoPki, tmp_path: Path, witnesses: dict[str, RunningWitness]
) -> None:
    """Its archive could never verify: the venue says so when the session is created."""
    h = VenueHarness(venue_pki, tmp_path / "venue", witnesses={"zibo": witnesses["zibo"].url})
    await h.start()
    try:
        centre = await h.login("centre-1")
        with pytest.raises(VenueRefused) as refused:
            await h.create_session(centre, project=_project(["zibo", "centre"]))
        assert refused.value.code == "unknown_witness"
        assert "评标计划要求见证方 centre，本场地未配置" in refused.value.message_zh
        assert await h.venue.store.tx(lambda tx: tx.sessions()) == []
    finally:
        await h.stop()


async def test_an_archive_without_a_witness_its_plan_names_fails_in_words(
    venue_pki: DemoPki,
    tmp_path: Path,
    witnesses: dict[str, RunningWitness],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The plan names 淄博 and the centre; the centre's service was down all session."""
    down = await start_demo_witness(venue_pki, "centre", tmp_path / "centre-down")
    await down.stop()
    urls = {"zibo": witnesses["zibo"].url, "centre": down.url}
    h = VenueHarness(venue_pki, tmp_path / "venue", witnesses=urls)
    await h.start()
    try:
        centre = await _witnessed_session(h, ("zibo",))
        archive = await _archive(h, centre, tmp_path / "S1.zip")
    finally:
        await h.stop()
    report = await averify_archive(archive, venue_pki.trust_list_signer.load_cert())
    audit = next(c for c in report.checks if c.name == "audit chain")
    assert not report.ok and not audit.ok
    assert audit.detail_zh.startswith("见证方 centre 未对本日志的任何树头签名（最新树头：")
    assert "witness centre has countersigned no head of this log (the last head:" in audit.detail
    demo = ["--demo", str(venue_pki.root)]
    code, out = await _cli(capsys, "audit", "verify", str(archive), *demo)
    assert code == 1 and "BROKEN" in out, out
    line = next(x for x in out.splitlines() if "centre" in x)
    assert line.strip().startswith("见证方 centre 未对本日志的任何树头签名"), line  # Chinese first
    pinned = str(venue_pki.trust_list_signer.cert)
    code, out = await _cli(capsys, "verify", str(archive), "--pinned", pinned)
    assert code == 1 and "见证方 centre" in out, out


async def test_a_split_view_is_reported_with_both_witnesses_and_both_roots(
    venue_pki: DemoPki,
    tmp_path: Path,
    witnesses: dict[str, RunningWitness],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """淄博 countersigned the log's real head; the same venue key showed the centre another head
    of the same size. Neither witness alone can tell; their books side by side do."""
    zibo, centre_w = witnesses["zibo"], witnesses["centre"]
    h = VenueHarness(venue_pki, tmp_path / "venue", witnesses={"zibo": zibo.url})
    await h.start()
    try:
        await _witnessed_session(h, ("zibo",), ("zibo",))
        size = await last_head_size(h)
        other = jinan_signs(h, TreeHead("jinan", size, "5e" * 32, h.venue.now_iso()))
        body = {"tree_head": other, "from_size": 0, "consistency": []}
        status, _ = await witness_json(h, centre_w, "POST", "/witness/cosign", body)
        assert status == 200  # the centre never saw jinan before: nothing to contradict
        books = []
        for w in (zibo, centre_w):
            status, book = await witness_json(h, w, "GET", "/witness/cosignatures?venue=jinan")
            assert status == 200
            books.append(tmp_path / f"{w.id}-book.json")
            books[-1].write_text(json.dumps(book), "utf-8")
    finally:
        await h.stop()
    heads = [
        json.loads(base64.b64decode(json.loads(base64.b64decode(c["content"]))["tree_head"]))
        for c in json.loads(books[0].read_text())["cosignatures"]
    ]
    real = next(head["root_hash"] for head in heads if head["tree_size"] == size)
    demo = ["--demo", str(venue_pki.root)]
    verify = ["audit", "verify", str(h.config.database), *demo]
    code, out = await _cli(capsys, *verify)
    assert code == 0, out  # the log alone holds only 淄博's view
    evidence = [a for b in books for a in ("--cosignatures", str(b))]
    code, out = await _cli(capsys, *verify, *evidence)
    assert code == 1, out
    split = next(x for x in out.splitlines() if "split view" in x)
    assert split.strip().startswith(f"分叉视图：jinan 对 {size} 条记录签发了不同的树头")
    assert f"zibo 见证的根为 {real[:16]}" in split and real[:16] in split.split(" / ")[1]
    assert f"centre 见证的根为 {'5e' * 8}" in split
    assert "zibo countersigned root" in split and "centre countersigned root" in split
    assert split.count("venue signature") == 2 and split.count("cosignature ") == 2
