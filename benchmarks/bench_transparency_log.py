"""The transparency log's cost (a script, not a test).

    python benchmarks/bench_transparency_log.py [--entries 10000] [--every 100] [--receipts 50]

In one run, on a real venue (SQLite store in a temporary folder, the demo venue's ECDSA key):
1. appending N audit entries through the store, a signed tree head every ``--every`` entries
   (the venue's ``checkpoint``), beside the same appends without heads and beside the bare
   SHA-256 of the same entries' canonical bytes;
2. verifying that log offline as ``evaluator audit verify`` does (every leaf, every head's
   signature by the venue's listed key, consistency of successive heads) with ``--receipts``
   receipts (each a signed tree head and an inclusion proof), beside the bare SHA-256 of the
   same bytes (the exported log and the receipts);
3. a witness countersigning every head in turn (issue 12, item 2), beside the bare SHA-256 of
   the heads' bytes and a bare ECDSA P-256 verification + signature per head.
Each figure is printed with its ratio to the baseline named beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def line(
    label: str, seconds: float, n: int, unit: str, baseline: tuple[float, str] | None = None
) -> None:
    """One figure; with ``baseline`` (seconds measured in the same run, and what), its ratio."""
    ratio = f"  {seconds / baseline[0]:7.1f}x {baseline[1]}" if baseline else "  (a baseline)"
    print(f"{label:<58} {seconds * 1000:10.1f} ms  {n / seconds:10.0f} {unit}/s{ratio}")


def bare_verify_and_sign(count: int) -> float:
    """``count`` times a bare ECDSA P-256 verification and signature (a head's two checks'
    and the countersignature's floor), in seconds."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key, message = ec.generate_private_key(ec.SECP256R1()), b"tree head" * 8
    signature, public = key.sign(message, ec.ECDSA(hashes.SHA256())), key.public_key()
    t0 = time.perf_counter()
    for _ in range(count):
        public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        key.sign(message, ec.ECDSA(hashes.SHA256()))
    return time.perf_counter() - t0


async def run(args: argparse.Namespace, root: Path) -> None:
    from evaluator_app.auditlog.files import audit_lines, parse_lines
    from evaluator_app.auditlog.receipts import ReceiptProof
    from evaluator_app.auditlog.verify_log import averify_log
    from evaluator_app.core.canonical import canonical_bytes
    from evaluator_app.pki.demo_build import build_demo
    from evaluator_app.pki.demo_pki import load_demo_pki
    from evaluator_app.pki.trust_list import load_trust_list
    from evaluator_app.protocol.messages import Receipt, SignedHead
    from evaluator_app.protocol.schema import B64, encode
    from evaluator_app.venue.checkpoints import checkpoint, inclusion
    from evaluator_app.venue.intake.accept import RECEIPT_KIND
    from tests.venue.harness import VenueHarness

    build_demo(root / "pki", services_url="http://127.0.0.1:9")
    demo = load_demo_pki(root / "pki")
    n, every = args.entries, args.every
    payloads = [{"artefact": i, "kind": "declaration", "sha256": f"{i:064x}"} for i in range(n)]

    in_heads = [0.0]  # seconds spent in checkpoint() (the heads: root, signature, insert)

    async def append(h: VenueHarness, heads: bool) -> float:
        venue = h.venue
        t0 = time.perf_counter()
        for i, payload in enumerate(payloads):
            at = venue.now_iso()
            await venue.store.tx(
                lambda tx, p=payload, t=at: tx.append_audit(t, "p1", "declaration.accept", "S1", p)
            )
            if heads and (i + 1) % every == 0:
                t1 = time.perf_counter()
                await checkpoint(venue, force=False)
                in_heads[0] += time.perf_counter() - t1
        return time.perf_counter() - t0

    bare = VenueHarness(demo, root / "bare", checkpoint_every=every)
    logged = VenueHarness(demo, root / "logged", checkpoint_every=every)
    try:
        t_bare = await append(bare, heads=False)
        t_log = await append(logged, heads=True)
        entries = await logged.venue.store.tx(lambda tx: list(tx.audit_entries()))
        points = await logged.venue.store.tx(lambda tx: tx.checkpoints())
        bodies = [  # the bytes each entry's hash is over (as auditlog.chain.entry_hash)
            canonical_bytes(
                {
                    "seq": e.seq,
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action,
                    "session_id": e.session_id,
                    "payload": e.payload,
                    "prev_hash": e.prev_hash,
                }
            )
            for e in entries
        ]
        t0 = time.perf_counter()
        for body in bodies:
            hashlib.sha256(body).digest()
        t_sha = time.perf_counter() - t0
        assert [hashlib.sha256(b).hexdigest() for b in bodies] == [e.hash for e in entries]
        print(f"appending {n} audit entries ({len(points)} signed tree heads, one per {every}):")
        line("  bare SHA-256 of the entries' bytes", t_sha, n, "entries")
        line("  store appends, no tree heads", t_bare, n, "entries", (t_sha, "SHA-256"))
        line(
            f"  store appends + a signed tree head every {every}",
            t_log,
            n,
            "entries",
            (t_bare, "no heads"),
        )
        spent, count = in_heads[0] * 1000, len(points)
        print(f"  of which the {count} heads: {spent:.1f} ms, {spent / count:.1f} ms each")

        # receipts for entries spread over the log, as ensure_receipt makes them
        venue, receipts = logged.venue, []
        for k in range(args.receipts):
            seq = 1 + k * (n - 1) // max(1, args.receipts - 1)
            proof = await inclusion(venue, seq)
            body = Receipt(
                "jinan", "S1", seq - 1, "declaration", "p1", 1, payloads[seq - 1]["sha256"],
                entries[seq - 1].at, "张伟", seq, proof.entry_hash,
                SignedHead(B64(proof.head.content), B64(proof.head.signature)),
                tuple(p.hex() for p in proof.proof),
            )  # fmt: skip
            content, signature = await venue.sign_artefact(RECEIPT_KIND, encode(body))
            receipts.append(ReceiptProof(content, signature, f"receipt-{seq}"))
        points = await logged.venue.store.tx(lambda tx: tx.checkpoints())
    finally:
        await bare.venue.store.close()
        await logged.venue.store.close()

    exported = ("\n".join(audit_lines(entries, points)) + "\n").encode()
    trust = load_trust_list(demo.trust_list, demo.trust_list_signer.cert)
    blobs = [exported] + [r.content + r.signature for r in receipts]
    t0 = time.perf_counter()
    for blob in blobs:
        hashlib.sha256(blob).digest()
    t_sha = time.perf_counter() - t0
    t0 = time.perf_counter()
    parsed_entries, parsed_points = parse_lines(exported.decode().splitlines())
    report = await averify_log(parsed_entries, parsed_points, trust, receipts=receipts)
    t_verify = time.perf_counter() - t0
    assert report.ok, report.problems
    size = sum(len(b) for b in blobs)
    print(
        f"verifying the log ({len(exported) / 1e6:.1f} MB, {report.entries} entries,"
        f" {report.heads} heads) with {report.receipts} receipts:"
    )
    line("  bare SHA-256 of the same bytes", t_sha, size // 1000, "kB")
    verify = "  audit verify (leaves, heads, consistency, receipts)"
    line(verify, t_verify, size // 1000, "kB", (t_sha, "SHA-256"))
    await _witness(demo, trust, entries, points)


async def _witness(demo: Any, trust: Any, entries: Any, points: Any) -> None:
    """3. A witness (the centre's key) countersigns every head in turn, as the venue asks it:
    the venue's signature by its listed key, the consistency proof from the head before, its
    own signature. The proofs are the venue's work, made before the clock starts."""
    from evaluator_app.auditlog import merkle
    from evaluator_app.auditlog.tree_head import SignedTreeHead
    from evaluator_app.auditlog.verify_log import leaves_of, tree_heads
    from evaluator_app.auditlog.witness import witness_head
    from evaluator_app.pki.credentials import open_key_file

    heads = sorted(tree_heads(points)[0], key=lambda h: h.head.tree_size)
    leaves = leaves_of(entries)
    proofs: list[list[bytes]] = [[]]
    for old, new in itertools.pairwise(heads):
        size = new.head.tree_size
        proofs.append(merkle.consistency_proof(old.head.tree_size, leaves[:size]))
    centre = demo.party("centre")
    signer = open_key_file(centre.p12, centre.password)
    t0 = time.perf_counter()
    for signed in heads:
        hashlib.sha256(signed.content + signed.signature).digest()
    t_sha = time.perf_counter() - t0
    t0 = time.perf_counter()
    last: SignedTreeHead | None = None
    for signed, proof in zip(heads, proofs, strict=True):
        at = signed.head.timestamp
        prior = last.head if last is not None else None
        await witness_head(signed, proof, prior, "centre", signer, trust, at)
        last = signed
    t_witness = time.perf_counter() - t0
    print(f"a witness countersigning the {len(heads)} heads in turn:")
    t_ecdsa = bare_verify_and_sign(len(heads))
    line("  bare SHA-256 of the heads and their signatures", t_sha, len(heads), "heads")
    line("  bare ECDSA P-256 verify + sign, once per head", t_ecdsa, len(heads), "heads")
    witness = "  check (venue key, consistency proof) and countersign"
    line(witness, t_witness, len(heads), "heads", (t_ecdsa, "bare ECDSA"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--every", type=int, default=100)
    ap.add_argument("--receipts", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    main()
