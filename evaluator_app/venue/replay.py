"""Retried POSTs answered once: the ``Idempotency-Key`` header.

A client that loses the answer to a POST (its worker died, the line dropped, nginx said 502)
cannot know whether the change was made; it sends the same request again with the same key,
to the same worker or another. The transaction that makes the change marks the key (see
``store.REQUEST_KEY``), and the answer is kept once sent; a retry then gets that answer again,
or, when the worker died between its commit and its answer, ``200 {"already_applied": true}``
instead of a second application. Signed uploads need none of this: their own idempotency key
returns the same receipt. Keys are scoped by the caller's token and kept for a day.
"""

from __future__ import annotations

import hashlib
import re
import time

from aiohttp import web

from evaluator_app.venue.errors import BadRequest
from evaluator_app.venue.http import VENUE_KEY, Handler, json_response
from evaluator_app.venue.store import REQUEST_KEY

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[A-Za-z0-9_-]{8,100}$")
KEEP_BODY_BYTES = 256 * 1024  # a larger answer is replayed as "already applied"
KEEP_SECONDS = 86400


@web.middleware
async def replay_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    key, auth = request.headers.get(HEADER), request.headers.get("Authorization", "")
    if request.method != "POST" or key is None or not auth.startswith("Bearer "):
        return await handler(request)
    if not KEY.match(key):
        raise BadRequest(
            f"{HEADER}: 8 to 100 letters, digits, '-' or '_'",
            f"{HEADER} 须为 8 至 100 位字母、数字、- 或 _",
            code="invalid_field",
        )
    scope = hashlib.sha256(auth[7:].encode()).hexdigest()
    venue = request.app[VENUE_KEY]
    found = await venue.store.read(lambda tx: tx.request_answer(scope, key))
    if found is not None:
        status, body = found
        if status is None or body is None:
            return json_response(
                {"already_applied": True}, headers={"Idempotent-Replay": "applied"}
            )
        return web.Response(
            status=status,
            body=body,
            content_type="application/json",
            headers={"Idempotent-Replay": "answer"},
        )
    mark = REQUEST_KEY.set((scope, key))
    try:
        response = await handler(request)
    finally:
        REQUEST_KEY.reset(mark)
    if 200 <= response.status < 300 and isinstance(response, web.Response):
        body = bytes(response.body) if isinstance(response.body, bytes | bytearray) else None
        if body is not None and len(body) <= KEEP_BODY_BYTES:
            now = time.time()
            # scoped to the caller's token: only its own retries touch that row, so the answer
            # is kept beside every other writer instead of waiting for them all
            await venue.store.tx(
                lambda tx: tx.save_answer(scope, key, response.status, body, now),
                scope=f"~answers:{scope}",
            )
    return response
