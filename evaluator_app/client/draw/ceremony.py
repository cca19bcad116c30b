"""Making a draw, step by step, as signed files of a bundle (layout in :mod:`protocol.draw`).

The order is the protocol: the request, then every party's commitment, then the pool snapshot
is fixed together with those commitments (freeze), then the secrets are revealed, then the
record is computed and signed by every party. Each method refuses a step out of order.
Signing runs in a worker thread (a token or a file key may block).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets as random_source
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from evaluator_app.client.errors import ClientError
from evaluator_app.core.canonical import artefact_bytes, to_json_value
from evaluator_app.core.draw import drbg
from evaluator_app.core.draw.model import DrawRequest, DrawResult
from evaluator_app.core.draw.pool import parse_snapshot
from evaluator_app.core.draw.record import Person, record_body, record_bytes
from evaluator_app.core.draw.request_json import request_body
from evaluator_app.core.draw.select import run_draw
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.credentials import Signer
from evaluator_app.protocol import draw as layout

logger = logging.getLogger(__name__)


class CeremonyError(ClientError):
    """A step out of order, a missing signer or secret, a record that does not verify."""


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Step:
    """One signed step, for the audit log and the progress shown."""

    draw_id: str
    name: str  # the file in the bundle
    kind: str
    sha256: str
    signer: str


class Ceremony:
    """One draw being made. ``files`` grows with each step; ``on_step`` hears of each."""

    def __init__(
        self,
        request: DrawRequest,
        *,
        tsa_url: str | None = None,
        on_step: Callable[[Step], Awaitable[None]] | None = None,
        files: dict[str, bytes] | None = None,
    ):
        self.request = request
        self.tsa_url = tsa_url
        self.on_step = on_step
        self.files: dict[str, bytes] = files if files is not None else {}
        self._secrets: dict[int, bytes] = {}
        self.result: DrawResult | None = None

    def _path(self, name: str) -> str:
        return layout.path(self.request.draw_id, name)

    def has(self, name: str) -> bool:
        return self._path(name) in self.files

    async def _sign(
        self,
        name: str,
        kind: str,
        body: dict[str, Any],
        signer: Signer,
        sig_name: str | None = None,
    ) -> bytes:
        content = self.files.get(self._path(name)) or artefact_bytes(
            kind, layout.VERSION, to_json_value(body)
        )
        signature = await asyncio.to_thread(sign_detached, content, signer, tsa_url=self.tsa_url)
        self.files[self._path(name)] = content
        self.files[self._path(sig_name or name + ".p7s")] = signature
        step = Step(self.request.draw_id, sig_name or name, kind, sha(content), _who(signer))
        logger.info("draw %s: %s signed by %s", step.draw_id, step.name, step.signer)
        if self.on_step is not None:
            await self.on_step(step)
        return content

    def _party(self, index: int) -> None:
        if not 0 <= index < len(self.request.parties):
            raise CeremonyError(f"no party {index}", f"没有第 {index + 1} 方")

    # -- the steps ---------------------------------------------------------------------
    async def sign_request(self, signer: Signer) -> None:
        if self.has(layout.REQUEST):
            raise CeremonyError("the request is signed already", "抽取申请已签署")
        await self._sign(layout.REQUEST, layout.REQUEST_KIND, request_body(self.request), signer)

    def request_sha256(self) -> str:
        return sha(self.files[self._path(layout.REQUEST)])

    async def commit(self, index: int, signer: Signer, secret: bytes | None = None) -> None:
        self._party(index)
        if not self.has(layout.REQUEST) or self.has(layout.FREEZE):
            raise CeremonyError(
                "commitments come after the request and before the freeze",
                "承诺须在申请之后、快照固定之前",
            )
        party = self.request.parties[index]
        secret = secret if secret is not None else random_source.token_bytes(drbg.SECRET_BYTES)
        body = layout.DrawCommitment(
            self.request.draw_id,
            party.person_id,
            party.role,
            self.request_sha256(),
            drbg.commitment(self.request.draw_id, party.person_id, secret),
            now_iso(),
        )
        self._secrets[index] = secret
        await self._sign(
            layout.commit_name(index), layout.COMMITMENT_KIND, to_json_value(body), signer
        )

    async def freeze(self, pool: bytes, signer: Signer) -> None:
        parties = range(len(self.request.parties))
        if not all(self.has(layout.commit_name(i)) for i in parties) or self.has(layout.FREEZE):
            raise CeremonyError(
                "every party commits before the pool is fixed", "各方承诺后方可固定专家库快照"
            )
        snapshot = await asyncio.to_thread(parse_snapshot, pool)
        self.files[self._path(layout.POOL)] = pool
        body = layout.DrawFreeze(
            self.request.draw_id,
            self.request_sha256(),
            snapshot.sha256,
            len(snapshot),
            snapshot.as_of,
            tuple(sha(self.files[self._path(layout.commit_name(i))]) for i in parties),
            now_iso(),
        )
        await self._sign(layout.FREEZE, layout.FREEZE_KIND, to_json_value(body), signer)

    async def reveal(self, index: int, signer: Signer, secret: bytes | None = None) -> None:
        self._party(index)
        if not self.has(layout.FREEZE):
            raise CeremonyError(
                "secrets are revealed after the pool is fixed", "专家库快照固定后方可揭示"
            )
        secret = secret if secret is not None else self._secrets.get(index)
        if secret is None:
            raise CeremonyError("this party's secret is not known here", "本机没有该方的秘密值")
        party = self.request.parties[index]
        body = layout.DrawReveal(
            self.request.draw_id,
            party.person_id,
            sha(self.files[self._path(layout.FREEZE)]),
            secret.hex(),
            now_iso(),
        )
        await self._sign(layout.reveal_name(index), layout.REVEAL_KIND, to_json_value(body), signer)

    def compute(self, people: Callable[[list[str]], dict[str, Person]]) -> bytes:
        """The record's canonical bytes (the draw recomputed here as the verifier will)."""
        parties = range(len(self.request.parties))
        if not all(self.has(layout.reveal_name(i)) for i in parties):
            raise CeremonyError("every party reveals before the draw", "各方揭示后方可抽取")
        reveals = [json.loads(self.files[self._path(layout.reveal_name(i))]) for i in parties]
        seed = drbg.seed({r["person_id"]: bytes.fromhex(r["secret"]) for r in reveals})
        snapshot = parse_snapshot(self.files[self._path(layout.POOL)])
        self.result = run_draw(self.request, snapshot, seed)
        drawn = sorted({i for n in self.result.needs for i in (*n.principals, *n.reserves)})
        body = record_body(
            draw_id=self.request.draw_id,
            request_sha256=self.request_sha256(),
            pool_sha256=snapshot.sha256,
            pool_count=len(snapshot),
            freeze_sha256=sha(self.files[self._path(layout.FREEZE)]),
            reveals=[sha(self.files[self._path(layout.reveal_name(i))]) for i in parties],
            seed=seed,
            result=self.result,
            people=people(drawn),
        )
        content = record_bytes(layout.RECORD_KIND, layout.VERSION, body)
        self.files[self._path(layout.RECORD)] = content
        return content

    async def sign_record(self, index: int, signer: Signer) -> None:
        self._party(index)
        if not self.has(layout.RECORD):
            raise CeremonyError(
                "the record is computed before it is signed", "抽取结果生成后方可签署"
            )
        await self._sign(
            layout.RECORD, layout.RECORD_KIND, {}, signer, layout.record_signature_name(index)
        )

    def complete(self) -> bool:
        return all(
            self._path(layout.record_signature_name(i)) in self.files
            for i in range(len(self.request.parties))
        )

    def record_sha256(self) -> str:
        return sha(self.files[self._path(layout.RECORD)])

    # -- after the draw ------------------------------------------------------------------
    def _next(self, stem: str) -> int:
        return len(layout.numbered(set(self.files), self.request.draw_id, stem)) + 1

    async def respond(
        self, expert: str, person_id: str, accept: bool, reason: str, signer: Signer
    ) -> None:
        if not accept and not reason.strip():
            raise CeremonyError("a decline needs its reason", "不参加须说明理由")
        body = layout.DrawResponse(
            self.request.draw_id,
            self.record_sha256(),
            expert,
            person_id,
            "accept" if accept else "decline",
            reason,
            now_iso(),
        )
        await self._sign(
            layout.response_name(self._next("response")),
            layout.RESPONSE_KIND,
            to_json_value(body),
            signer,
        )

    async def record_replacement(self, body: layout.DrawReplacement, signer: Signer) -> None:
        if body.sequence != self._next("replacement"):
            raise CeremonyError("replacements are numbered in order", "替补记录须按序编号")
        await self._sign(
            layout.replacement_name(body.sequence),
            layout.REPLACEMENT_KIND,
            to_json_value(body),
            signer,
        )


def _who(signer: Signer) -> str:
    try:
        return str(signer.certificate.subject.human_friendly)
    except Exception:  # a subject asn1crypto cannot render is still a signer
        return "?"
