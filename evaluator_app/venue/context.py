"""Everything a venue request needs: config, store, trust, the venue's key, clock, event hub."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiohttp import web
from cryptography import x509

from evaluator_app.auditlog.growing_tree import GrowingTree
from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.pki.cms import async_sign_detached, async_verify_detached
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.identity import Identity
from evaluator_app.pki.reasons import TIMESTAMP_PROBLEMS, ReasonCode, SignatureProblem
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.validation import RevocationPolicy
from evaluator_app.pki.validation_cache import DEFAULT_VALIDATION_CACHE
from evaluator_app.venue.config import VenueConfig
from evaluator_app.venue.crypto_pool import CryptoPool
from evaluator_app.venue.errors import Unprocessable
from evaluator_app.venue.sheet_pdf_read import SheetPdfRead, read_sheet_pdf
from evaluator_app.venue.store import AsyncStore

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("time without zone")
    return moment


@dataclass(frozen=True)
class SignedBy:
    """Who signed an artefact, as the trust list says, and when the venue checked it."""

    identity: Identity
    certificate: x509.Certificate
    ca_name: str | None
    checked_at: str


@dataclass
class Venue:
    config: VenueConfig
    store: AsyncStore
    trust_list: TrustList
    signer: Signer
    tls_cert_sha256: str
    revocation: RevocationPolicy
    clock: Clock = utc_now
    hub: object | None = None  # the EventHub, set when the app starts
    listener: object | None = None  # several workers (PostgreSQL): events come from the table
    blobs: object | None = None  # the BlobStore
    # the RFC 3161 timestamp authority, when configured
    tsa_handler: Callable[[web.Request], Awaitable[web.StreamResponse]] | None = None
    _since_checkpoint: int = field(default=0, repr=False)
    # the transparency log's tree as read so far (venue.checkpoints): entries never change
    log_tree: GrowingTree = field(default_factory=GrowingTree, repr=False)
    # the time of the newest signed head this process has seen stored (venue.checkpoints): a
    # new head is never dated before it, whatever the clock says
    newest_head_at: str = field(default="", repr=False)
    # one receipt of this process at a time signs a head its entry needs; the others waiting
    # then find their entries covered by it (venue.checkpoints.inclusion)
    head_signing: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    # called when a head is signed at a phase change or after N entries: asks the witnesses
    on_tree_head: Callable[[], None] | None = field(default=None, repr=False)
    # worker processes for CMS checks and receipt signing (venue.crypto_pool), when started
    pool: CryptoPool | None = field(default=None, repr=False)

    @property
    def venue_id(self) -> str:
        return self.config.venue_id

    def now(self) -> datetime:
        return self.clock()

    def now_iso(self) -> str:
        return iso(self.clock())

    def later_iso(self, seconds: int) -> str:
        return iso(self.clock() + timedelta(seconds=seconds))

    async def verify_signed(
        self, content: bytes, signature: bytes, purpose: str = "sign"
    ) -> SignedBy:
        """Integrity of a detached CMS over ``content`` and its signer's certificate, or refuse.

        The certificate is validated for ``purpose`` now, with revocation by the venue's policy:
        an artefact is accepted only from a person whose certificate is good at acceptance.
        """
        if self.pool is not None and self.pool.running:
            verdict = await self.pool.verify(content, signature)
        else:
            verdict = await async_verify_detached(content, signature, None)
        flaws = [  # a broken or foreign timestamp, a non-detached CMS (trust is judged below)
            r
            for r in verdict.reasons
            if r.code in TIMESTAMP_PROBLEMS or r.code is SignatureProblem.NOT_DETACHED
        ]
        if verdict.integrity_ok and flaws:
            raise Unprocessable(
                "the signature is intact but: " + "; ".join(r.message_en for r in flaws),
                "签名的时间戳或格式无效：" + "；".join(r.message_zh for r in flaws),
                {"reasons": [r.message_en for r in flaws], "codes": [r.code.value for r in flaws]},
                code="bad_signature",
            )
        if not verdict.integrity_ok or not verdict.certificate_der:
            raise Unprocessable(
                "the signature does not match the content: " + "; ".join(verdict.reasons_en),
                "签名与内容不符（内容被改动，或签名属于其他文件）",
                {"reasons": list(verdict.reasons_en), "codes": sorted(verdict.codes)},
                code="bad_signature",
            )
        # every login and upload of the same forty experts: one path validation each while it holds
        result = await DEFAULT_VALIDATION_CACHE.validate(
            verdict.certificate_der,
            purpose,  # type: ignore[arg-type]  # callers pass only "sign" or "auth"
            self.trust_list,
            self.now(),
            self.revocation,
        )
        if not result.ok or result.identity is None:
            reasons = result.reasons
            malformed = any(r.code is ReasonCode.MALFORMED for r in reasons)
            raise Unprocessable(
                "certificate refused: " + "; ".join(r.message_en for r in reasons),
                "证书未通过验证：" + "；".join(r.message_zh for r in reasons),
                {
                    "reasons": [
                        {"code": r.code.value, "en": r.message_en, "zh": r.message_zh}
                        for r in reasons
                    ]
                },
                code="malformed_certificate" if malformed else "certificate_refused",
            )
        cert = result.chain[0]
        return SignedBy(result.identity, cert, result.ca_name, self.now_iso())

    async def read_sheet_pdf(self, pdf: bytes) -> SheetPdfRead:
        """A score sheet PDF parsed and its signatures checked for integrity, off the loop when
        the crypto pool runs (a sheet PDF takes tens of milliseconds)."""
        if self.pool is not None and self.pool.running:
            return await self.pool.read_sheet_pdf(pdf)
        return await read_sheet_pdf(pdf)

    async def sign_artefact(self, kind: str, body: dict[str, object]) -> tuple[bytes, bytes]:
        """Canonical bytes of a venue artefact (receipt, checkpoint) and the venue's CMS over
        them."""
        content = artefact_bytes(kind, 1, body)
        return content, await self.sign_bytes(content)

    async def sign_bytes(self, content: bytes) -> bytes:
        if self.pool is not None and self.pool.running:
            return await self.pool.sign(content, self.now())
        return await async_sign_detached(content, self.signer, signing_time=self.now())


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
