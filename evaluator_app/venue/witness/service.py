"""The witness service: what a secondary venue or the centre runs for the main venues.

``POST /api/v1/witness/cosign`` (a :class:`CosignRequest`): the head must be signed with the
key the trust list names for its venue and extend the last head this witness countersigned for
that venue (the request's consistency proof, from that size). Asked twice for one head, it
answers the same cosignature. A head that does not extend what it countersigned — a split
view, a rewritten past — is refused (409 ``inconsistent_head``) and kept with the earlier head
as evidence. ``GET /api/v1/witness/cosignatures?venue=ID``: everything it countersigned and
refused for a venue, for anyone comparing witnesses (``evaluator audit verify --cosignatures``).
"""

from __future__ import annotations

import asyncio
import base64
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.tree_head import SignedTreeHead, asigned_by_party, parse_tree_head
from evaluator_app.auditlog.witness import parse_cosignature, witness_head
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.messages import CosignRequest
from evaluator_app.venue.errors import BadRequest, Conflict, Unprocessable
from evaluator_app.venue.http import error_middleware, json_response, read_body
from evaluator_app.venue.witness.book import WitnessBook

logger = logging.getLogger(__name__)
REQUEST_BYTES = 64 * 1024  # a head, its signature and a consistency proof of ~60 hashes


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Witness:
    id: str  # this witness's party id in the trust list
    signer: Signer
    trust_list: TrustList
    book: WitnessBook
    clock: Callable[[], str] = _now
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict, repr=False)

    def lock(self, venue: str) -> asyncio.Lock:
        return self._locks.setdefault(venue, asyncio.Lock())


WITNESS_KEY = web.AppKey("witness", Witness)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


async def cosign(request: web.Request) -> web.Response:
    witness = request.app[WITNESS_KEY]
    body = await read_body(request, CosignRequest, REQUEST_BYTES)
    signed = SignedTreeHead(bytes(body.tree_head.content), bytes(body.tree_head.signature))
    try:
        head = parse_tree_head(signed.content)
        proof = [bytes.fromhex(h) for h in body.consistency]
    except (LogError, ValueError) as exc:
        raise BadRequest(
            f"not a tree head: {exc}", "不是有效的树头", code="invalid_field"
        ) from None
    refused = await asigned_by_party(
        signed.content, signed.signature, head.venue, witness.trust_list, head.timestamp
    )
    if refused:
        raise Unprocessable(refused[0], f"拒绝见证：{refused[1]}", code="bad_signature")
    async with witness.lock(head.venue):  # one head at a time per venue: each extends the last
        last = await asyncio.to_thread(witness.book.last, head.venue)
        if last is not None and (last.head.tree_size, last.head.root) == (
            head.tree_size,
            head.root,
        ):
            return json_response({"cosignature": last.cosignature.to_json()})  # asked again
        if last is not None and head.tree_size < last.head.tree_size:
            # not evidence of anything: two workers of one venue may send heads out of order
            raise Conflict(
                f"a head of {head.tree_size} entries, older than the {last.head.tree_size}"
                " countersigned",
                f"该树头（{head.tree_size} 条）早于此前见证的 {last.head.tree_size} 条树头",
                {"last_size": last.head.tree_size},
                code="older_head",
            )
        grows = last is not None and head.tree_size > last.head.tree_size
        if last is not None and grows and body.from_size != last.head.tree_size:
            raise Conflict(
                f"the proof must start at {last.head.tree_size}, the head last countersigned",
                f"一致性证明须从此前见证的 {last.head.tree_size} 条树头开始",
                {"last_size": last.head.tree_size},
                code="consistency_from",
            )
        before = last.signed_head if last else None
        try:
            cosig = await witness_head(
                signed,
                proof,
                last.head if last else None,
                witness.id,
                witness.signer,
                witness.trust_list,
                witness.clock(),
            )
        except LogError as exc:
            at = witness.clock()
            await asyncio.to_thread(witness.book.refuse, head.venue, at, str(exc), signed, before)
            logger.warning("witness %s refused %s's head: %s", witness.id, head.venue, exc)
            evidence = {"shown": _pair(signed), "countersigned_before": before and _pair(before)}
            raise Conflict(
                exc.message_en, exc.message_zh, evidence, code="inconsistent_head"
            ) from None
        await asyncio.to_thread(witness.book.add, parse_cosignature(cosig))
    return json_response({"cosignature": cosig.to_json()})


def _pair(signed: SignedTreeHead) -> dict[str, str]:
    return {"content": _b64(signed.content), "signature": _b64(signed.signature)}


async def cosignatures(request: web.Request) -> web.Response:
    witness = request.app[WITNESS_KEY]
    venue = request.query.get("venue", "")
    if not venue:
        raise BadRequest(
            "say which venue: ?venue=ID", "请指明场地：?venue=ID", code="invalid_field"
        )
    signed = await asyncio.to_thread(witness.book.cosignatures, venue)
    refused = await asyncio.to_thread(witness.book.refusals, venue)
    return json_response(
        {
            "witness": witness.id,
            "venue": venue,
            "cosignatures": [c.to_json() for c in signed],
            "refused": [r.to_json() for r in refused],
        }
    )


def make_witness_app(witness: Witness) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=REQUEST_BYTES)
    app[WITNESS_KEY] = witness
    app.router.add_post(f"{API_PREFIX}/witness/cosign", cosign)
    app.router.add_get(f"{API_PREFIX}/witness/cosignatures", cosignatures)

    async def close(_app: web.Application) -> None:
        witness.book.close()

    app.on_cleanup.append(close)
    return app


async def start_witness(
    witness: Witness, host: str, port: int, tls_chain: Path, tls_key: Path
) -> tuple[web.AppRunner, int]:
    """Serve over HTTPS (the chain file: the witness's certificate, then its issuing CA); returns
    the runner and the port (``port`` 0: one the OS chose)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(tls_chain), str(tls_key))
    runner = web.AppRunner(make_witness_app(witness), shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=context)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    return runner, int(bound)
