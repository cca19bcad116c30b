"""The transparency log's public face: the latest signed tree head, consistency proofs, and
witnesses' cosignatures (issue 12, item 2).

Like a CT log's ``get-sth`` and ``get-sth-consistency``, the first two need no login: a head is
public and proves nothing about anyone. A witness (a secondary venue, the centre) posts its
cosignature unauthenticated too; it counts only when signed with the key the trust list names
for that witness, over a head this venue signed, and is then recorded in the audit log itself
(action ``log.cosigned``), so every export and archive carries it.
"""

from __future__ import annotations

import base64

from aiohttp import web

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.tree_head import asigned_by_party
from evaluator_app.auditlog.witness import Cosignature, parse_cosignature
from evaluator_app.protocol.messages import CosignatureUpload
from evaluator_app.venue.checkpoints import leaves_upto
from evaluator_app.venue.errors import BadRequest, NotFound, Unprocessable
from evaluator_app.venue.http import UNAUTHENTICATED_BODY_BYTES, json_response, read_body, venue_of
from evaluator_app.venue.store.sqlite import SqliteTx
from evaluator_app.venue.witness.record import record_cosignature


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


async def head(request: web.Request) -> web.Response:
    """The latest signed tree head (heads are signed at phase changes, every N entries and
    for receipts; asking signs none, so a witness polling an idle venue adds nothing)."""
    venue = venue_of(request)
    last = await venue.store.tx(lambda tx: tx.checkpoints(tx.last_checkpoint_seq()))
    if not last:
        raise NotFound("the log is empty", "日志为空", code="no_tree_head")
    return json_response({"content": _b64(last[0].content), "signature": _b64(last[0].signature)})


def _size(request: web.Request, name: str) -> int:
    try:
        value = int(request.query.get(name, ""))
    except ValueError:
        value = -1
    if not 0 < value < 2**62:
        raise BadRequest(
            f"{name} must be a tree size from 1", f"{name} 参数必须是正整数", code="invalid_field"
        )
    return value


async def consistency(request: web.Request) -> web.Response:
    """RFC 9162 PROOF(from, D[to]): the tree of ``from`` entries is a prefix of ``to``."""
    venue = venue_of(request)
    old, new = _size(request, "from"), _size(request, "to")
    leaves = await venue.store.read(lambda tx: leaves_upto(venue, tx, new))
    if not old <= new <= len(leaves):
        raise BadRequest(
            f"no consistency proof from {old} to {new} in a log of {len(leaves)}",
            f"日志共 {len(leaves)} 条，无法给出从 {old} 到 {new} 的一致性证明",
            code="invalid_field",
        )
    proof = merkle.consistency_proof(old, leaves) if old < new else []
    return json_response({"from": old, "to": new, "proof": [p.hex() for p in proof]})


async def cosign(request: web.Request) -> web.Response:
    venue = venue_of(request)
    body = await read_body(request, CosignatureUpload, UNAUTHENTICATED_BODY_BYTES)
    cosig = Cosignature(bytes(body.content), bytes(body.signature))
    try:
        seen = parse_cosignature(cosig)
    except LogError as exc:
        raise BadRequest(exc.message_en, exc.message_zh, code="invalid_field") from None
    refused = await asigned_by_party(cosig.content, cosig.signature, seen.witness, venue.trust_list)
    if refused:
        raise Unprocessable(refused[0], refused[1], code="bad_signature")

    def record(tx: SqliteTx) -> bool:
        return record_cosignature(tx, venue.now_iso(), seen, cosig)

    recorded = await venue.store.tx(record)
    return json_response({"recorded": recorded, "tree_size": seen.head.tree_size})
