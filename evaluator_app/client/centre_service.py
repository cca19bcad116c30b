"""What the centre workspace asks of the venue, without Qt: sessions, collection, report, archive.

Blocking work (reading files, hashing, zip, offline verification) runs in worker threads, so
the event loop (the Qt thread in the app) never waits on it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import aiohttp
from cryptography import x509

from evaluator_app.archive.verify import ArchiveReport, verify_archive
from evaluator_app.client.centre_plan import Person, SessionDraft
from evaluator_app.client.errors import VenueRefused, VenueUnreachable
from evaluator_app.client.results_rows import Names, Results, fetch_names, results_from_summary
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.artefacts import DocumentManifest, ManifestEntry
from evaluator_app.protocol.draw import DrawAttach
from evaluator_app.protocol.messages import (
    CreateSession,
    DocumentInput,
    MemberInput,
    Role,
    SessionList,
    SessionView,
)
from evaluator_app.protocol.schema import B64

logger = logging.getLogger(__name__)

OpenSigner = Callable[[], Awaitable[Signer]]


@dataclass(frozen=True)
class SheetStatus:
    item: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Collected:
    results: Results
    sheets: tuple[SheetStatus, ...]
    verification: ArchiveReport


@dataclass(frozen=True)
class ReportState:
    revision: int | None
    pdf: bytes
    signed: tuple[str, ...]
    dissented: tuple[str, ...]
    pending: tuple[str, ...]


def sheet_statuses(
    report: ArchiveReport, people: dict[str, str] | None = None
) -> tuple[SheetStatus, ...]:
    """One line per signed score sheet in the archive, as the offline verifier judged it."""
    out = []
    for check in report.checks:
        if check.name.startswith("artefacts/") and "score_sheet" in check.name:
            detail = check.detail_zh or check.detail
            for person_id, name in (people or {}).items():
                detail = detail.replace(person_id, name)
            out.append(SheetStatus(check.name_zh or check.name, check.ok, detail))
    return tuple(out)


def altered_items(report: ArchiveReport, language: str = "zh_CN") -> list[str]:
    """The checks that failed, each naming its item (a file, a signature, the audit chain)."""
    return [
        (
            f"{c.name}: {c.detail}"
            if language == "en"
            else f"{c.name_zh or c.name}：{c.detail_zh or c.detail}"
        )
        for c in report.checks
        if not c.ok
    ]


def _read_and_hash(path: Path) -> tuple[bytes, str]:
    data = path.read_bytes()
    return data, hashlib.sha256(data).hexdigest()


def load_pinned(path: str | None) -> x509.Certificate | None:
    return x509.load_pem_x509_certificate(Path(path).read_bytes()) if path else None


class CentreService:
    def __init__(self, client: VenueClient, pinned_signer: str | None = None):
        self.client = client
        self.pinned_signer = pinned_signer  # the centre's trust-list signer certificate (PEM path)

    # -- reading -------------------------------------------------------------------
    async def roster(self) -> list[Person]:
        data = await self.client.get("/people")
        return [Person.from_json(p) for p in data["people"]]

    async def sessions(self) -> list[SessionView]:
        return list((await self.client.get("/sessions", SessionList)).sessions)

    async def presence(self, session_id: str) -> list[dict[str, Any]]:
        return list((await self.client.get(f"/sessions/{session_id}/presence"))["presence"])

    async def events(self, since: int = 0) -> dict[str, Any]:
        return dict(await self.client.get(f"/events?since={since}"))

    async def summary(self, session_id: str) -> dict[str, Any]:
        return dict(await self.client.get(f"/sessions/{session_id}/summary"))

    async def names(self, session_id: str) -> tuple[dict[str, str], dict[str, str]]:
        """Bidder names from the session's project; people's names from its members."""
        bidders, people, _items = await self.all_names(session_id)
        return bidders, people

    async def all_names(self, session_id: str) -> Names:
        """Bidders, people and the plan's items, each id → name."""
        return await fetch_names(self.client, session_id)

    # -- a new session -------------------------------------------------------------
    async def create_session(self, draft: SessionDraft, open_signer: OpenSigner) -> SessionView:
        """Upload the documents, create the session, sign its manifest, open check-in."""
        inputs = []
        for document in draft.documents:
            data, sha = await asyncio.to_thread(_read_and_hash, Path(document.path))
            if sha != document.sha256:
                raise VenueRefused(
                    409,
                    "document_changed",
                    f"{document.title} changed since it was checked",
                    f"{document.title} 在检查后被改动，请重新选择",
                )
            await self.client.request("PUT", f"/blobs/{sha}", raw=data)
            inputs.append(
                DocumentInput(document.doc_id, document.title, sha, len(data), document.bidder_id)
            )
        members = tuple(
            MemberInput(a.person.person_id, Role(a.person.role), a.venue, a.seat)
            for a in draft.assignments
        )
        body = CreateSession(
            draft.session_id,
            draft.title,
            draft.project,
            draft.lot_id,
            draft.main_venue,
            members,
            tuple(inputs),
            draft.scheduled_start,
        )
        view = await self.client.post("/sessions", body, SessionView)
        if draft.draw_bundle is not None:  # the venue recomputes it and checks the committee
            await self.client.request(
                "PUT", f"/sessions/{draft.session_id}/draw", DrawAttach(B64(draft.draw_bundle))
            )
        if inputs:
            await self.sign_manifest(draft.session_id, inputs, open_signer)
        await self.client.post(f"/sessions/{draft.session_id}/phase", {"target": "check_in"})
        return view

    async def sign_manifest(
        self, session_id: str, inputs: list[DocumentInput], open_signer: OpenSigner
    ) -> None:
        from datetime import datetime

        entries = tuple(
            sorted(
                (ManifestEntry(d.doc_id, d.sha256, d.size, d.title, d.bidder_id) for d in inputs),
                key=lambda e: e.doc_id,
            )
        )
        manifest = DocumentManifest(
            session_id, entries, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        signer = await open_signer()
        try:
            kind, content, signature = await self.client.sign_body(manifest, signer)
        finally:
            signer.close()
        await self.client.upload(session_id, kind.route, content, signature)

    # -- collecting, report, archive -------------------------------------------------
    async def collect(self, session_id: str, language: str = "zh_CN") -> Collected:
        summary = await self.summary(session_id)
        bidders, people, items = await self.all_names(session_id)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{session_id}.zip"
            await self.export_archive(session_id, path)
            report = await self.verify(path)
        return Collected(
            results_from_summary(summary, bidders, people, items, language),
            sheet_statuses(report, people),
            report,
        )

    async def report(self, session_id: str) -> ReportState:
        data = await self.client.get(f"/sessions/{session_id}/report")
        pdf = await asyncio.to_thread(base64.b64decode, data["pdf"])
        return ReportState(
            data["revision"],
            pdf,
            tuple(data["signed"]),
            tuple(data["dissented"]),
            tuple(data["pending"]),
        )

    async def archive_bytes(self, session_id: str) -> bytes:
        url = f"{self.client.base_url}{API_PREFIX}/sessions/{session_id}/archive"
        try:
            async with self.client._session.get(
                url, headers=self.client._headers(), ssl=self.client.ssl_context
            ) as response:
                if response.status >= 400:
                    data = await response.json(content_type=None)
                    error = data.get("error", {}) if isinstance(data, dict) else {}
                    raise VenueRefused(
                        response.status,
                        error.get("code", "http_error"),
                        error.get("message", ""),
                        error.get("message_zh", ""),
                        error.get("details"),
                    )
                return await response.read()
        except (TimeoutError, aiohttp.ClientConnectionError) as exc:
            raise VenueUnreachable(
                f"venue {self.client.base_url} unreachable: {exc}",
                f"无法连接场地服务器 {self.client.base_url}",
            ) from exc

    async def export_archive(self, session_id: str, target: Path) -> Path:
        data = await self.archive_bytes(session_id)
        await asyncio.to_thread(target.write_bytes, data)
        logger.info("archive of %s exported to %s (%d bytes)", session_id, target, len(data))
        return target

    async def verify(self, path: Path) -> ArchiveReport:
        """Offline, with the same engine as ``evaluator verify``, in a worker thread."""
        pinned = await asyncio.to_thread(load_pinned, self.pinned_signer)
        return await asyncio.to_thread(verify_file, path, pinned)


def verify_file(path: Path, pinned: x509.Certificate | None) -> ArchiveReport:
    """The engine of ``evaluator verify`` (blocking): it names damaged zip members itself."""
    return verify_archive(path, pinned)
