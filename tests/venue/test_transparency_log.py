"""The audit log as a transparency log (issue 12, item 1): every forgery of the finding fails.

The finding: ``evaluator audit verify`` checked that a checkpoint's signature matched its bytes,
never who signed it. On a copy of a venue database these all passed with exit 0: edit an entry,
recompute every later hash and re-sign the checkpoints with a self-made key; rewrite the whole
chain from entry 1 the same way; delete the last entry; delete the entries after the last
checkpoint; delete the last entries with the checkpoints above them. The same forged
``audit/audit.jsonl`` in an archive passed too. Here each is run on a real venue's database.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.chain import GENESIS, entry_hash
from evaluator_app.auditlog.tree_head import TreeHead, parse_tree_head
from evaluator_app.cli.main import main
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.pki.demo_pki import DemoPki
from tests.signing.pki_helpers import TinyPki
from tests.venue.flow import declare
from tests.venue.harness import VenueHarness


@pytest.fixture
async def logged(venue_pki: DemoPki, tmp_path: Path) -> Any:
    """A venue whose log has a few dozen entries, heads every 5, and two receipts."""
    h = await VenueHarness(venue_pki, tmp_path / "venue", checkpoint_every=5).start()
    try:
        centre = await h.login("centre-1")
        await h.create_session(centre)
        await centre.post("/sessions/S1/phase", {"target": "check_in"})
        await centre.post("/sessions/S1/phase", {"target": "declarations"})
        receipts = {}
        for key in ("expert-sd-1", "expert-nca-1"):
            client = await h.login(key)
            receipts[key] = await declare(h, client, key)
        for _ in range(3):  # entries after the last head: logins, no receipt
            await h.login("supervisor-jinan")
        out = {}
        for key, signed in receipts.items():
            path = tmp_path / f"{key}.receipt.json"
            path.write_text(
                json.dumps(
                    {
                        "receipt": base64.b64encode(signed.receipt).decode(),
                        "signature": base64.b64encode(signed.signature).decode(),
                    }
                )
            )
            out[key] = path
    finally:
        await h.stop()
    return h, out


def _copy(h: VenueHarness, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(h.config.database, target)
    return target


def _rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()


def _forge(db: Path, *, edit: int | None, heads_from: int, cut: int = 0) -> None:
    """Change entry ``edit`` (or none), drop the last ``cut`` entries and the heads above,
    recompute every hash from ``heads_from`` on and re-sign the heads with a self-made key."""
    pki = TinyPki(db.parent)
    forger = pki.person("伪造者")
    signer = open_pkcs12(forger.p12, forger.password)
    with sqlite3.connect(db) as conn:
        rows = _rows(conn)
        keep = len(rows) - cut
        conn.execute("DELETE FROM audit WHERE seq > ?", (keep,))
        conn.execute("DELETE FROM checkpoints WHERE audit_seq > ?", (keep,))
        prev = GENESIS if heads_from == 1 else rows[heads_from - 2]["hash"]
        hashes = [r["hash"] for r in rows[:keep]]
        for row in rows[heads_from - 1 : keep]:
            payload = json.loads(row["payload"])
            if row["seq"] == edit:
                payload["forged"] = True
            digest = entry_hash(
                row["seq"], row["at"], row["actor"], row["action"], row["session_id"], payload, prev
            )
            conn.execute(
                "UPDATE audit SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (json.dumps(payload, ensure_ascii=False, sort_keys=True), prev, digest, row["seq"]),
            )
            hashes[row["seq"] - 1], prev = digest, digest
        leaves = [merkle.leaf_hash(bytes.fromhex(x)) for x in hashes]
        for size, content in conn.execute("SELECT audit_seq, content FROM checkpoints").fetchall():
            old = parse_tree_head(bytes(content))
            head = TreeHead(old.venue, size, merkle.root(leaves[:size]).hex(), old.timestamp)
            new = head.content()
            conn.execute(
                "UPDATE checkpoints SET content = ?, signature = ? WHERE audit_seq = ?",
                (new, sign_detached(new, signer), size),
            )


def test_the_genuine_log_verifies(logged: Any, capsys: pytest.CaptureFixture[str]) -> None:
    h, receipts = logged
    assert main(["audit", "verify", str(h.config.database), "--demo", str(h.demo.root),
                 "--receipt", str(receipts["expert-sd-1"])]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "OK" in out and "审计日志完整" in out


@pytest.mark.parametrize("start", [None, 1], ids=["edit-one-entry", "rewrite-from-entry-1"])
def test_rewritten_log_with_heads_signed_by_another_key_is_refused(
    logged: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], start: int | None
) -> None:
    h, _ = logged
    db = _copy(h, tmp_path, "forged.db")
    entries = len(_rows(sqlite3.connect(db)))
    edit = entries // 2
    _forge(db, edit=edit, heads_from=start or edit)
    assert main(["audit", "verify", str(db), "--demo", str(h.demo.root)]) == 1
    out = capsys.readouterr().out
    assert "a key the trust list does not recognise for jinan" in out
    assert "不被认可" in out


def test_the_same_forgery_in_an_export_or_an_archive_is_refused(
    logged: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An archive's audit/audit.jsonl is read by ``audit verify`` as an export is."""
    h, _ = logged
    db = _copy(h, tmp_path, "forged.db")
    _forge(db, edit=3, heads_from=1)
    export = tmp_path / "forged.jsonl"
    assert main(["audit", "export", str(db), "--out", str(export)]) == 0
    archive = tmp_path / "forged.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("audit/audit.jsonl", export.read_bytes())
    capsys.readouterr()
    for source in (export, archive):
        assert main(["audit", "verify", str(source), "--demo", str(h.demo.root)]) == 1
        assert "a key the trust list does not recognise for jinan" in capsys.readouterr().out
    # and without the trust list nothing is judged: the venue's key is what makes a head count
    assert main(["audit", "verify", str(export)]) == 2


def test_deleting_the_last_entry_under_a_head_is_truncation(
    logged: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h, _ = logged
    db = _copy(h, tmp_path, "cut.db")
    with sqlite3.connect(db) as conn:
        last_head = conn.execute("SELECT MAX(audit_seq) FROM checkpoints").fetchone()[0]
        conn.execute("DELETE FROM audit WHERE seq >= ?", (last_head,))
    assert main(["audit", "verify", str(db), "--demo", str(h.demo.root)]) == 1
    out = capsys.readouterr().out
    assert f"proves {last_head} entries; the log ends at {last_head - 1}" in out
    assert "日志被截断" in out


def test_deleting_entries_and_the_heads_above_them_is_caught_by_a_receipt(
    logged: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h, receipts = logged
    signed = json.loads(receipts["expert-nca-1"].read_text())
    receipt = json.loads(base64.b64decode(signed["receipt"]))
    seq = receipt["audit_seq"]
    db = _copy(h, tmp_path, "tail.db")
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit WHERE seq >= ?", (seq,))
        conn.execute("DELETE FROM checkpoints WHERE audit_seq >= ?", (seq,))
    # without the receipt nothing says the tail existed; with it, the cut shows
    assert main(["audit", "verify", str(db), "--demo", str(h.demo.root)]) == 0
    capsys.readouterr()
    code = main(["audit", "verify", str(db), "--demo", str(h.demo.root),
                 "--receipt", str(receipts["expert-sd-1"]),
                 "--receipt", str(receipts["expert-nca-1"])])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    name = h.demo.person("expert-nca-1").name
    assert f"log truncated: {name}'s receipt proves entry {seq}; the log ends at {seq - 1}" in out
    assert f"日志被截断：{name} 的回执证明第 {seq} 条记录存在" in out


def test_a_receipt_is_proven_offline_and_a_forged_one_is_not(
    logged: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h, receipts = logged
    path = receipts["expert-sd-1"]
    assert main(["audit", "prove", str(path), "--demo", str(h.demo.root)]) == 0
    out = capsys.readouterr().out
    assert h.demo.person("expert-sd-1").name in out and "jinan" in out
    doc = json.loads(path.read_text())
    inner = json.loads(base64.b64decode(doc["receipt"]))
    inner["inclusion_proof"] = inner["inclusion_proof"][::-1] or ["00" * 32]
    forged = tmp_path / "forged.receipt.json"
    altered = base64.b64encode(json.dumps(inner).encode()).decode()
    forged.write_text(json.dumps({**doc, "receipt": altered}))
    assert main(["audit", "prove", str(forged), "--demo", str(h.demo.root)]) == 1
    assert "INVALID" in capsys.readouterr().out


async def test_a_clock_stepped_back_still_signs_heads_the_log_accepts(
    venue_pki: DemoPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """NTP stepping the clock back (or another worker's clock behind): the next heads are dated
    no earlier than the newest one, every receipt is signed, and the log verifies."""
    from datetime import timedelta

    from evaluator_app.venue.context import utc_now

    h = await VenueHarness(venue_pki, tmp_path / "venue", checkpoint_every=2).start()
    try:
        centre = await h.login("centre-1")
        await h.create_session(centre)
        await centre.post("/sessions/S1/phase", {"target": "check_in"})
        await centre.post("/sessions/S1/phase", {"target": "declarations"})
        before = await declare(h, await h.login("expert-sd-1"), "expert-sd-1")
        h.venue.clock = lambda: utc_now() - timedelta(minutes=2)
        after = await declare(h, await h.login("expert-nca-1"), "expert-nca-1")
        assert before.receipt and after.receipt
    finally:
        await h.stop()
    assert main(["audit", "verify", str(h.config.database), "--demo", str(h.demo.root)]) == 0
    assert "审计日志完整" in capsys.readouterr().out


async def test_a_burst_of_receipts_waits_for_one_head_instead_of_each_signing_one(
    venue_pki: DemoPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twelve entries committed, no head covering them, twelve receipts asking at once: one
    head is signed (the others wait for it and find their entry covered), every proof checks
    against it, and the log verifies."""
    from evaluator_app.venue.checkpoints import inclusion

    h = await VenueHarness(venue_pki, tmp_path / "venue", checkpoint_every=1000).start()
    try:
        venue = h.venue

        def append(tx: Any) -> list[int]:
            return [
                tx.append_audit(venue.now_iso(), "p1", "x.accept", "S1", {"artefact": i}).seq
                for i in range(12)
            ]

        seqs = await venue.store.tx(append)
        signed = 0
        sign_bytes = venue.sign_bytes

        async def counted(content: bytes) -> bytes:
            nonlocal signed
            signed += 1
            return await sign_bytes(content)

        venue.sign_bytes = counted  # type: ignore[method-assign]
        proofs = await asyncio.gather(*(inclusion(venue, s, uncovered=True) for s in seqs))
        assert signed == 1
        for proof in proofs:
            head = parse_tree_head(proof.head.content)
            leaf = merkle.leaf_hash(bytes.fromhex(proof.entry_hash))
            assert merkle.verify_inclusion(
                proof.audit_seq - 1, head.tree_size, leaf, list(proof.proof), head.root
            )
    finally:
        await h.stop()
    assert main(["audit", "verify", str(h.config.database), "--demo", str(h.demo.root)]) == 0
