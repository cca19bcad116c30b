"""Documents for the client tests: real PDFs, their session, a signed manifest, a proxy."""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.pki.cms import sign_detached
from evaluator_app.protocol.artefacts import ARTEFACT_VERSION, DocumentManifest, ManifestEntry
from evaluator_app.protocol.messages import CreateSession, DocumentInput, MemberInput, Role
from evaluator_app.protocol.schema import encode
from tests.venue.flow import declare
from tests.venue.harness import COMMITTEE, SEATS, VenueHarness, example_project

BIG = 5 * 1024 * 1024 + 12345  # not a multiple of the cache chunk, nor of any read size


def pdf(title: str, pages: int) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setTitle(title)
    for page in range(1, pages + 1):
        c.drawString(72, 770, f"{title} - page {page} of {pages}")
        for line in range(40):
            c.drawString(
                72,
                740 - 16 * line,
                f"Section {page}.{line}: technical proposal text, item {line * page}.",
            )
        c.showPage()
    c.save()
    return out.getvalue()


def big_file(size: int = BIG, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def manifest_bytes(session_id: str, entries: list[ManifestEntry]) -> bytes:
    body = DocumentManifest(session_id, tuple(sorted(entries, key=lambda e: e.doc_id)), now())
    return artefact_bytes("document_manifest", ARTEFACT_VERSION, encode(body))


@dataclass
class DocSession:
    h: VenueHarness
    centre: VenueClient
    expert: VenueClient
    entries: dict[str, ManifestEntry]
    contents: dict[str, bytes]
    content: bytes  # the manifest as signed
    signature: bytes


async def doc_session(
    h: VenueHarness, documents: dict[str, tuple[str, str | None, bytes]]
) -> DocSession:
    """S1 with ``documents`` (doc_id -> title, bidder, bytes) and the centre's signed manifest."""
    centre = await h.login("centre-1")
    entries = {}
    for doc_id, (title, bidder, data) in documents.items():
        sha = await centre.put_blob(data)
        entries[doc_id] = ManifestEntry(doc_id, sha, len(data), title, bidder)
    inputs = tuple(
        DocumentInput(e.doc_id, e.title, e.sha256, e.size, e.bidder_id) for e in entries.values()
    )
    members = [MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in COMMITTEE]
    members += [MemberInput(h.person_id("supervisor-jinan"), Role.SUPERVISOR, "jinan", "S1")]
    await centre.post(
        "/sessions",
        CreateSession(
            "S1",
            "教学楼改扩建工程 第一标段",
            example_project(),
            "lot-1",
            "jinan",
            tuple(members),
            inputs,
        ),
    )
    content = manifest_bytes("S1", list(entries.values()))
    signature = await asyncio.to_thread(sign_detached, content, h.signer("centre-1"))
    await centre.upload("S1", "manifest", content, signature)
    # the bids are read after the pledge (fa88706): the session in 签署承诺书, the expert declared
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    expert = await h.login("expert-sd-1")
    await declare(h, expert, "expert-sd-1")
    return DocSession(
        h, centre, expert, entries, {k: v[2] for k, v in documents.items()}, content, signature
    )


def standard_documents() -> dict[str, tuple[str, str | None, bytes]]:
    return {
        "tender": ("招标文件", None, pdf("Tender document", 3)),
        "bid-B1": ("投标文件 B1", "B1", pdf("Bid of B1", 2)),
        "bid-B2": ("投标文件 B2", "B2", big_file()),
    }


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CuttingProxy:
    """A loopback TCP proxy (TLS passes through untouched) that can cut a connection.

    ``cut_after``: close each connection once this many server->client bytes have been passed
    (None: never), for the first ``cut_connections`` connections. ``down`` counts the
    server->client bytes passed, across connections.
    """

    def __init__(
        self, target_port: int, cut_after: int | None = None, cut_connections: int = 10**9
    ):
        self.target_port, self.cut_after, self.cut_connections = (
            target_port,
            cut_after,
            cut_connections,
        )
        self.down = 0
        self.connections = 0
        self.server: asyncio.base_events.Server | None = None
        self.port = 0

    async def start(self) -> CuttingProxy:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        budget = [self.cut_after if self.connections <= self.cut_connections else None]

        async def pipe(
            src: asyncio.StreamReader, dst: asyncio.StreamWriter, downstream: bool
        ) -> None:
            try:
                while data := await src.read(65536):
                    if downstream and budget[0] is not None:
                        data = data[: budget[0]]
                        budget[0] -= len(data)
                    dst.write(data)
                    await dst.drain()
                    if downstream:
                        self.down += len(data)
                        if budget[0] == 0:
                            break
            except (ConnectionError, OSError):
                pass
            finally:
                for w in (writer, up_writer):
                    w.transport.abort()  # a hard cut, like a pulled cable

        await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))
