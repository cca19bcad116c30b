"""A witness of a main venue's transparency log: what a secondary venue or the centre runs.

Each round reads the venue's latest signed tree head, checks it is signed with the venue's
listed key and extends the last head this witness countersigned (a consistency proof from the
venue), countersigns it with the witness's own key and posts the cosignature, which the venue
records in its log. The last head countersigned per venue is kept in ``--state``. A head that
does not extend it — a split view, a rewritten past — is refused and both heads are written
beside the state file as evidence.
"""

from __future__ import annotations

import base64
import json
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.tree_head import SignedTreeHead, parse_tree_head
from evaluator_app.auditlog.witness import Cosignature, witness_head
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.trust_list import TrustList


@dataclass(frozen=True)
class Round:
    """What one round did: the head's size, and the cosignature when one was made."""

    tree_size: int
    cosignature: Cosignature | None


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _pair(signed: SignedTreeHead) -> dict[str, str]:
    return {"content": _b64(signed.content), "signature": _b64(signed.signature)}


def _signed(data: Any) -> SignedTreeHead:
    return SignedTreeHead(
        base64.b64decode(data["content"], validate=True),
        base64.b64decode(data["signature"], validate=True),
    )


def _state(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


async def witness_round(
    base_url: str,
    context: ssl.SSLContext,
    signer: Signer,
    witness: str,
    trust_list: TrustList,
    state_path: Path,
    now: str,
) -> Round:
    """One round against the venue at ``base_url`` (LogError when its head is refused)."""
    state = _state(state_path)
    async with VenueClient(base_url, context, f"witness-{witness}") as client:
        signed = _signed(await client.get("/log/head"))
        head = parse_tree_head(signed.content)
        kept = state.get(head.venue)
        last = _signed(kept) if kept else None
        last_head = parse_tree_head(last.content) if last else None
        if last_head is not None and (last_head.tree_size, last_head.root) == (
            head.tree_size,
            head.root,
        ):
            return Round(head.tree_size, None)  # nothing new to countersign
        proof: list[bytes] = []
        if last_head is not None and head.tree_size > last_head.tree_size:
            answer = await client.get(
                f"/log/consistency?from={last_head.tree_size}&to={head.tree_size}"
            )
            proof = [bytes.fromhex(h) for h in answer["proof"]]
        try:
            cosig = await witness_head(signed, proof, last_head, witness, signer, trust_list, now)
        except LogError:
            if last is not None:
                evidence = state_path.with_name(f"{state_path.stem}-evidence-{head.venue}.json")
                both = {"countersigned_before": _pair(last), "shown_now": _pair(signed)}
                evidence.write_text(json.dumps(both, indent=1), "utf-8")
            raise
        await client.post("/log/cosignatures", cosig.to_json())
    state[head.venue] = _pair(signed)
    state_path.write_text(json.dumps(state, indent=1), "utf-8")
    return Round(head.tree_size, cosig)


def serve_witness(args: Any, trust_list: TrustList) -> int:
    """``evaluator audit serve-witness``: the witness service until Ctrl+C (exit 2 if it cannot
    start: a key, a certificate or the port)."""
    import asyncio
    import sys

    from evaluator_app.pki.credentials import open_key_file
    from evaluator_app.pki.errors import PkiError
    from evaluator_app.venue.witness.book import WitnessBook
    from evaluator_app.venue.witness.service import Witness, start_witness

    key, password, chain, tls_key = args.key, None, args.tls_cert, args.tls_key
    try:
        if args.password_file:
            password = args.password_file.read_text("utf-8").strip()
        if args.demo:
            from evaluator_app.pki.demo_pki import load_demo_pki

            demo = load_demo_pki(args.demo)
            entity = demo.party(args.id)
            key, password = key or entity.p12, password or entity.password
            if chain is None:
                chain = args.book.with_suffix(".tls-chain.pem")
                issuing = demo.ca(entity.ca or "nca").cert.read_bytes()
                chain.write_bytes(entity.cert.read_bytes() + issuing)
            tls_key = tls_key or entity.key
        if key is None or chain is None or tls_key is None:
            print(
                "需要 --key、--tls-cert 与 --tls-key（或 --demo）/ need --key, --tls-cert and"
                " --tls-key (or --demo)",
                file=sys.stderr,
            )
            return 2
        witness = Witness(args.id, open_key_file(key, password), trust_list, WitnessBook(args.book))
    except (PkiError, OSError, KeyError) as exc:
        print(f"无法启动见证服务 / cannot start the witness: {exc}", file=sys.stderr)
        return 2

    async def serve() -> None:
        runner, port = await start_witness(witness, args.host, args.port, chain, tls_key)
        print(f"见证服务 witness {args.id}: https://{args.host}:{port}/api/v1/witness/", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"无法启动见证服务 / cannot start the witness: {exc}", file=sys.stderr)
        return 2
    return 0
