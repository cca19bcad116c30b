"""The main venue asks its witnesses to countersign its latest tree head.

Heads are signed at every phase change, every ``checkpoint_every`` entries and for receipts
(:mod:`venue.checkpoints`); each wakes :class:`WitnessAsker`, which sends the latest to every
witness of ``[witnesses]`` in venue.toml with a consistency proof from the last head that
witness countersigned, checks the cosignature against the witness's listed key and records it
in the log. A witness that is down is asked again at the next head; one that refuses is logged
(the evidence stays with the witness). Asking happens beside the requests, never in them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import serialization

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.tree_head import SignedTreeHead, asigned_by_party, parse_tree_head
from evaluator_app.auditlog.witness import Cosignature, parse_cosignature
from evaluator_app.protocol import API_PREFIX
from evaluator_app.venue.checkpoints import leaves_upto
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import VenueError
from evaluator_app.venue.witness.record import record_cosignature, witnessed_sizes

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 15


class WitnessRefused(VenueError):
    """A witness did not countersign (it refused, or its answer does not hold)."""

    code = "witness_refused"


@dataclass(frozen=True)
class Asked:
    witness: str
    tree_size: int
    recorded: bool  # False: it had countersigned this head already


def _latest_head(tx: Any) -> SignedTreeHead | None:
    for point in reversed(tx.checkpoints(max(0, tx.last_checkpoint_seq()))):
        try:
            parse_tree_head(point.content)
        except LogError:
            continue  # a checkpoint of the older format
        return SignedTreeHead(point.content, point.signature)
    return None


def trust_context(venue: Venue) -> ssl.SSLContext:
    """TLS to a witness: its certificate must chain to a CA the trust list recognises."""
    pem = b"".join(
        c.public_bytes(serialization.Encoding.PEM) for c in venue.trust_list.all_certificates()
    )
    return ssl.create_default_context(cadata=pem.decode("ascii"))


class WitnessAsker:
    def __init__(self, venue: Venue, urls: Mapping[str, str]) -> None:
        self.venue, self.urls = venue, dict(urls)
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def nudge(self) -> None:
        """A new head was signed: ask the witnesses soon (never waits)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="witness-asker")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self.ask_all()

    async def ask_all(self) -> dict[str, Asked | str]:
        """One round: each witness's answer, or why it gave none (logged)."""
        out: dict[str, Asked | str] = {}
        async with self._lock:
            for witness, url in self.urls.items():
                try:
                    asked = await self.ask(witness, url)
                except (aiohttp.ClientError, TimeoutError, OSError, VenueError, LogError) as exc:
                    why = getattr(exc, "message_en", None) or str(exc) or type(exc).__name__
                    logger.warning("witness %s at %s did not countersign: %s", witness, url, why)
                    out[witness] = why
                    continue
                if asked is not None:
                    out[witness] = asked
        return out

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(ssl=trust_context(self.venue))
            timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        return self._session

    async def ask(self, witness: str, url: str) -> Asked | None:
        """Ask one witness for the latest head (None: it holds that one already)."""
        venue = self.venue
        signed = await venue.store.read(_latest_head)
        if signed is None:
            return None
        head = signed.head
        known = (await venue.store.read(witnessed_sizes)).get(witness, 0)
        if known == head.tree_size:
            return None
        answer = await self._post(witness, url, signed, known)
        if answer.get("code") == "consistency_from":  # the witness last countersigned another
            answer = await self._post(witness, url, signed, int(answer["last_size"]))
        if answer.get("code") == "older_head":
            return None  # another worker of this venue sent it a later head already
        try:
            raw = answer["cosignature"]
            cosig = Cosignature(
                base64.b64decode(raw["content"], validate=True),
                base64.b64decode(raw["signature"], validate=True),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise WitnessRefused(f"unreadable answer: {exc}", "见证方的答复无法读取") from None
        seen = parse_cosignature(cosig)
        if seen.witness != witness or seen.signed_head != signed:
            raise WitnessRefused(
                f"{witness} answered a cosignature of another head or by {seen.witness}",
                f"{witness} 返回的见证签名与所请求的树头不符",
            )
        refused = await asigned_by_party(cosig.content, cosig.signature, witness, venue.trust_list)
        if refused:
            raise WitnessRefused(refused[0], refused[1])
        recorded = await venue.store.tx(
            lambda tx: record_cosignature(tx, venue.now_iso(), seen, cosig)
        )
        logger.info("witness %s countersigned the head of %d entries", witness, head.tree_size)
        return Asked(witness, head.tree_size, recorded)

    async def _post(
        self, witness: str, url: str, signed: SignedTreeHead, from_size: int
    ) -> dict[str, Any]:
        size = signed.head.tree_size
        proof: list[bytes] = []
        if 0 < from_size < size:
            leaves = await self.venue.store.read(lambda tx: leaves_upto(self.venue, tx, size))
            proof = merkle.consistency_proof(from_size, leaves)
        body = {
            "tree_head": {
                "content": base64.b64encode(signed.content).decode(),
                "signature": base64.b64encode(signed.signature).decode(),
            },
            "from_size": from_size if 0 < from_size < size else 0,
            "consistency": [p.hex() for p in proof],
        }
        endpoint = f"{url.rstrip('/')}{API_PREFIX}/witness/cosign"
        async with self._http().post(endpoint, json=body) as response:
            data = await response.json(content_type=None)
            if response.status == 200:
                return dict(data)
            error = data.get("error", {}) if isinstance(data, dict) else {}
            if response.status == 409 and error.get("code") in ("consistency_from", "older_head"):
                return {"code": error["code"], **error.get("details", {})}
            raise WitnessRefused(
                f"{witness} answered {response.status}: {error.get('message', '')}",
                f"{witness} 拒绝见证：{error.get('message_zh', response.status)}",
            )
