"""A whole session through the real venue: declarations to summary, with refusals on the way."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from evaluator_app.archive.verify import averify_archive
from evaluator_app.client.errors import VenueRefused
from evaluator_app.pki.cms import verify_detached
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.protocol.messages import MemberInput, Role
from tests.venue.flow import declare, gate_votes, sheet, submit_sheet, vote_leader

# example expert (scores.json) played by each demo person
PLAYS = {
    "expert-sd-1": "E1",
    "expert-sd-2": "E2",
    "expert-nca-1": "E3",
    "expert-nca-2": "E4",
    "expert-sd-3": "E5",
}


async def phase(client, target, reason=""):  # type: ignore[no-untyped-def]
    return await client.post("/sessions/S1/phase", {"target": target, "reason": reason})


async def test_whole_session(harness):
    h = harness
    centre = await h.login("centre-1")
    supervisor = await h.login("supervisor-jinan")
    experts = {
        k: await h.login(k)
        for k in ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2", "expert-dual-sd"]
    }
    created = await h.create_session(centre)
    assert created["phase"] == "preparing" and created["venues"] == ["jinan", "zibo"]

    # an expert sees the session; a supervisor may not open check-in (centre only)
    assert [s["id"] for s in (await experts["expert-sd-1"].get("/sessions"))["sessions"]] == ["S1"]
    with pytest.raises(VenueRefused) as info:
        await phase(supervisor, "check_in")
    assert info.value.status == 409 and info.value.code == "illegal_transition"
    await phase(centre, "check_in")
    await phase(supervisor, "declarations")

    # declarations: one expert recuses and the centre replaces them
    for key in ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2"]:
        await declare(h, experts[key], key)
    receipt = await declare(
        h,
        experts["expert-dual-sd"],
        "expert-dual-sd",
        conflict=True,
        reason="三年内曾在投标人B3任职",
    )
    assert verify_detached(receipt.receipt, receipt.signature).integrity_ok
    with pytest.raises(VenueRefused) as info:  # a signed declaration cannot be changed
        await declare(h, experts["expert-dual-sd"], "expert-dual-sd")
    assert info.value.code in ("already_submitted", "not_member")
    await centre.post(
        "/sessions/S1/members", MemberInput(h.person_id("expert-sd-3"), Role.EXPERT, "jinan", "A04")
    )
    experts["expert-sd-3"] = await h.login("expert-sd-3")
    await declare(h, experts["expert-sd-3"], "expert-sd-3")
    assert (await centre.get("/sessions/S1"))["phase"] == "leader_election"

    # leader election: four for sd-1, one for nca-1 → sd-1 leads; the phase moves on by itself
    for key in PLAYS:
        await vote_leader(
            h, experts[key], key, "expert-nca-1" if key == "expert-nca-2" else "expert-sd-1"
        )
    session = await centre.get("/sessions/S1")
    assert (
        session["leader_id"] == h.person_id("expert-sd-1")
        and session["phase"] == "preliminary_review"
    )

    # gate votes, then the leader opens detailed scoring
    for key, example in PLAYS.items():
        await gate_votes(h, experts[key], key, example)
    with pytest.raises(VenueRefused):
        await phase(experts["expert-sd-2"], "detailed_scoring")  # not the leader
    await phase(experts["expert-sd-1"], "detailed_scoring")
    outcome = await experts["expert-nca-2"].get("/sessions/S1/gates")
    assert outcome["valid"] == ["B1", "B2", "B3"] and [
        r["bidder"] for r in outcome["rejected"]
    ] == ["B4", "B5"]

    # no scores for anybody before the summary
    with pytest.raises(VenueRefused) as info:
        await supervisor.get("/sessions/S1/summary")
    assert info.value.code == "before_summary"

    # sheets: E5's 6 on t-organisation for B2 must be explained
    for key in ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2"]:
        await submit_sheet(h, experts[key], key, sheet(h, key, PLAYS[key]))
    # before signing, the client asks which deviations need an explanation (nothing is stored)
    draft = sheet(h, "expert-sd-3", "E5", explain=False)
    checked = await experts["expert-sd-3"].post("/sessions/S1/sheets/check", draft)
    assert checked["valid_bidders"] == ["B1", "B2", "B3"]
    assert [(f["bidder_id"], f["item_id"], f["explained"]) for f in checked["flags"]] == [
        ("B2", "t-organisation", False)
    ]
    project = await experts["expert-sd-3"].get("/sessions/S1/project")
    assert (
        project["lot_id"] == "lot-1" and project["project"]["lots"][0]["bidders"][0]["id"] == "B1"
    )
    with pytest.raises(VenueRefused) as info:
        await submit_sheet(h, experts["expert-sd-3"], "expert-sd-3", draft)
    assert info.value.code == "deviation_unexplained"
    assert [(f["bidder_id"], f["item_id"]) for f in info.value.details["flags"]] == [
        ("B2", "t-organisation")
    ]
    await submit_sheet(h, experts["expert-sd-3"], "expert-sd-3", sheet(h, "expert-sd-3", "E5"))
    assert (await centre.get("/sessions/S1"))["phase"] == "summary"

    summary = await supervisor.get("/sessions/S1/summary")
    assert [(e["bidder_id"], e["final"]) for e in summary["ranking"]["entries"]] == [
        ("B2", "90.63"),
        ("B1", "88.17"),
        ("B3", "80.19"),
    ]
    assert summary["deviations"][0]["explanation"].startswith("施工组织设计")
    assert [o["bidder_id"] for o in summary["gates"]["outcomes"] if o["rejected"]] == ["B4", "B5"]

    # the leader returns sheet of sd-2; version 2 replaces it; both stay on record
    returned = f"/sessions/S1/sheets/{h.person_id('expert-sd-2')}/return"
    await experts["expert-sd-1"].post(returned, {"reason": "第B3项分数录入有误"})
    assert (await centre.get("/sessions/S1"))["phase"] == "detailed_scoring"
    # the answer was lost (a crash, a cut network): the same request again is the same return
    again = await experts["expert-sd-1"].post(returned, {"reason": "第B3项分数录入有误"})
    assert again == {"returned": h.person_id("expert-sd-2")}
    returns = await h.venue.store.tx(
        lambda tx: [e for e in tx.audit_entries() if e.action == "score_sheet.return"]
    )
    assert len(returns) == 1
    second = sheet(h, "expert-sd-2", "E2", version=2, change={("B3", "c-credit"): "3"})
    await submit_sheet(h, experts["expert-sd-2"], "expert-sd-2", second)
    assert (await centre.get("/sessions/S1"))["phase"] == "summary"
    mine = await experts["expert-sd-2"].get("/sessions/S1/sheets/mine")
    assert [(v["version"], v["status"]) for v in mine["versions"]] == [
        (1, "returned"),
        (2, "accepted"),
    ]
    sheets = await h.venue.store.tx(
        lambda tx: tx.artefacts("S1", "score_sheet", h.person_id("expert-sd-2"))
    )
    assert [(a.version, a.status) for a in sheets] == [(1, "returned"), (2, "accepted")]

    # the centre exports the archive; it verifies offline, item by item
    archive = await _download(centre, "/sessions/S1/archive")
    path = h.config.data_dir.parent / "S1.zip"
    path.write_bytes(archive)
    report = await averify_archive(path, h.demo.trust_list_signer.load_cert())
    assert report.ok, [c for c in report.checks if not c.ok]
    names = [c.name for c in report.checks]
    assert {"manifest signature", "files", "trust list", "audit chain", "results"} <= set(names)
    # 6 declarations (one recusal, one substitute), 5 leader votes, 5 gate votes,
    # 6 sheets (one returned)
    assert sum(1 for n in names if n.startswith("artefacts/")) == 22
    result_line = next(c for c in report.checks if c.name == "results")
    assert "1.B2" in result_line.detail
    await _tampering_is_caught(h, path)
    await _damaged_zip_member_is_named(path)
    await _a_second_member_of_one_name_is_refused(path)
    cli = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "evaluator_app",
        "verify",
        "--pinned",
        str(h.demo.trust_list_signer.cert),
        str(path),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await cli.communicate()
    assert cli.returncode == 0, out.decode()
    assert (
        "archive valid" in out.decode()
        and "OK      results: recomputed from the signed sheets" in out.decode()
    )
    with pytest.raises(VenueRefused) as info:  # only the centre exports
        await supervisor.request("GET", "/sessions/S1/archive")
    assert info.value.status == 403


def _rewrite(source, target, change, signer=None):  # type: ignore[no-untyped-def]
    """Copy an archive, changing members; with ``signer``, also forge a new signed manifest."""
    import zipfile

    from evaluator_app.pki.cms import sign_detached
    from evaluator_app.protocol import archive_layout as layout

    with zipfile.ZipFile(source) as old:
        files = {n: old.read(n) for n in old.namelist()}
    files.update(change(files))
    if signer is not None:
        manifest = json.loads(files[layout.MANIFEST])
        entries = [
            layout.entry_for(n, d)
            for n, d in files.items()
            if n not in (layout.MANIFEST, layout.MANIFEST_SIGNATURE)
        ]
        files[layout.MANIFEST] = layout.manifest_bytes(
            manifest["venue"], manifest["session_id"], manifest["exported_at"], entries
        )
        files[layout.MANIFEST_SIGNATURE] = sign_detached(files[layout.MANIFEST], signer)
    with zipfile.ZipFile(target, "w") as new:
        for name, data in files.items():
            new.writestr(name, data)
    return target


async def _tampering_is_caught(h, path):  # type: ignore[no-untyped-def]
    sheet_name = next(
        n
        for n in __import__("zipfile").ZipFile(path).namelist()
        if "score_sheet-v1" in n and n.endswith(".json")
    )

    def alter_sheet(files):  # type: ignore[no-untyped-def]
        return {sheet_name: files[sheet_name].replace(b'"score":"8', b'"score":"9', 1)}

    report = await averify_archive(_rewrite(path, path.with_name("t1.zip"), alter_sheet), None)
    files_check = next(c for c in report.checks if c.name == "files")
    assert not report.ok and not files_check.ok and f"{sheet_name} altered" in files_check.detail
    # a forger holding the venue key re-signs the manifest: the expert's signature still fails
    venue_key = open_pkcs12(h.demo.venue("jinan").p12, h.demo.venue("jinan").password)
    report = await averify_archive(
        _rewrite(path, path.with_name("t2.zip"), alter_sheet, venue_key), None
    )
    assert not report.ok and next(c for c in report.checks if c.name == sheet_name).ok is False

    def alter_results(files):  # type: ignore[no-untyped-def]
        return {"results.json": files["results.json"].replace(b'"90.63"', b'"95.63"')}

    report = await averify_archive(
        _rewrite(path, path.with_name("t3.zip"), alter_results, venue_key), None
    )
    assert not next(c for c in report.checks if c.name == "results").ok

    def drop_audit_entry(files):  # type: ignore[no-untyped-def]
        lines = files["audit/audit.jsonl"].decode().splitlines()
        return {"audit/audit.jsonl": ("\n".join(lines[:3] + lines[4:]) + "\n").encode()}

    report = await averify_archive(
        _rewrite(path, path.with_name("t4.zip"), drop_audit_entry, venue_key), None
    )
    audit = next(c for c in report.checks if c.name == "audit chain")
    assert not audit.ok and "entry 5 found where 4 was expected" in audit.detail


async def _a_second_member_of_one_name_is_refused(path):  # type: ignore[no-untyped-def]
    """A forged copy of a sheet ahead of the genuine one: readers differ on which one counts."""
    import warnings
    import zipfile

    with zipfile.ZipFile(path) as archive:
        files = [(i.filename, archive.read(i)) for i in archive.infolist()]
    name = next(n for n, _ in files if "score_sheet-v1" in n and n.endswith(".json"))
    forged = path.with_name("t6.zip")
    with zipfile.ZipFile(forged, "w") as out, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
        for member, data in files:
            if member == name:
                out.writestr(member, data.replace(b'"score":"8', b'"score":"9', 1))
            out.writestr(member, data)
    report = await averify_archive(forged, None)
    check = next(c for c in report.checks if c.name == "archive")
    assert not report.ok and not check.ok and f"{name} appears twice" in check.detail


async def _damaged_zip_member_is_named(path):  # type: ignore[no-untyped-def]
    """One byte flipped inside a member's compressed data: the verifier names that member."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        info = next(
            i
            for i in archive.infolist()
            if "score_sheet-v1.json" in i.filename and not i.filename.endswith(".p7s")
        )
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(path.read_bytes())
    data[start + info.compress_size // 2] ^= 0x55
    broken = path.with_name("t5.zip")
    broken.write_bytes(bytes(data))
    report = await averify_archive(broken, None)
    assert not report.ok
    assert any(c.name == info.filename and not c.ok for c in report.checks), [
        c.name for c in report.checks if not c.ok
    ]
    cli = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "evaluator_app", "verify", str(broken), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await cli.communicate()
    assert cli.returncode == 1 and f"INVALID {info.filename}" in out.decode()


async def _download(client, path):  # type: ignore[no-untyped-def]
    from evaluator_app.protocol import API_PREFIX

    async with client._session.get(
        f"{client.base_url}{API_PREFIX}{path}", headers=client._headers(), ssl=client.ssl_context
    ) as response:
        assert response.status == 200, await response.text()
        return await response.read()


async def test_retried_upload_is_never_a_duplicate(harness):
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    expert = await h.login("expert-sd-1")
    from evaluator_app.protocol.artefacts import Declaration
    from tests.venue.flow import BIDDERS, PLEDGE, now

    body = Declaration(
        "S1", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), False, "", PLEDGE, now()
    )
    content, signature = await expert.sign_artefact("declaration", body, h.signer("expert-sd-1"))
    first = await expert.upload("S1", "declarations", content, signature, key="decl-1")
    again = await expert.upload("S1", "declarations", content, signature, key="decl-1")
    assert again == first
    stored = await h.venue.store.tx(lambda tx: tx.artefacts("S1", "declaration"))
    assert len(stored) == 1
    other = Declaration(
        "S1", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), True, "x", PLEDGE, now()
    )
    content2, signature2 = await expert.sign_artefact("declaration", other, h.signer("expert-sd-1"))
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "declarations", content2, signature2, key="decl-1")
    assert info.value.code == "idempotency_conflict"


async def test_signature_of_another_person_or_moved_to_another_sheet_is_refused(harness):
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    expert = await h.login("expert-sd-1")
    from evaluator_app.protocol.artefacts import Declaration
    from tests.venue.flow import BIDDERS, PLEDGE, now

    mine = Declaration(
        "S1", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), False, "", PLEDGE, now()
    )
    content, _ = await expert.sign_artefact("declaration", mine, h.signer("expert-sd-1"))
    _, foreign = await expert.sign_artefact("declaration", mine, h.signer("expert-sd-2"))
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "declarations", content, foreign)
    assert info.value.code == "signer_mismatch"
    # a real signature of sd-1 over another content, attached to this one
    other = Declaration(
        "S1", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), True, "x", PLEDGE, now()
    )
    _, moved = await expert.sign_artefact("declaration", other, h.signer("expert-sd-1"))
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "declarations", content, moved)
    assert info.value.code == "bad_signature"
    # a declaration for another session
    wrong = Declaration(
        "S9", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), False, "", PLEDGE, now()
    )
    content3, signature3 = await expert.sign_artefact("declaration", wrong, h.signer("expert-sd-1"))
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "declarations", content3, signature3)
    assert info.value.code == "wrong_session"
    # nothing was accepted
    assert await h.venue.store.tx(lambda tx: tx.artefacts("S1")) == []
    _ = json
