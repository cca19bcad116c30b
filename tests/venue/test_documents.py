"""Documents: content-addressed upload, the centre's signed manifest, ranged resumable downloads."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import random
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from evaluator_app.client.errors import VenueRefused
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.pki.cms import verify_detached
from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.artefacts import DocumentManifest, ManifestEntry
from evaluator_app.protocol.messages import CreateSession, DocumentInput, MemberInput, Role
from tests.venue.flow import declare
from tests.venue.harness import COMMITTEE, SEATS, VenueHarness, example_project


def make_pdf(title: str, pages: int, noise: int = 0) -> bytes:
    """A real PDF; ``noise`` adds an incompressible image of noise x noise pixels (for size)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=0)
    rng = random.Random(title)
    for page in range(pages):
        pdf.setFont("Helvetica", 12)
        pdf.drawString(72, 800, f"{title} - page {page + 1} of {pages}")
        for line in range(40):
            pdf.drawString(
                72,
                770 - line * 18,
                f"clause {page}.{line}: " + "".join(rng.choice("abcdefgh ") for _ in range(60)),
            )
        if noise and page == 0:
            from PIL import Image

            image = Image.frombytes("RGB", (noise, noise), rng.randbytes(noise * noise * 3))
            pdf.drawImage(ImageReader(image), 72, 72, 200, 200)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


TENDER = make_pdf("Tender document", 3)
BID = make_pdf("Bid of B1", 2, noise=420)  # ~0.5 MB: downloads cross the server's 256 KiB chunks


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def documents() -> tuple[DocumentInput, ...]:
    return (
        DocumentInput("tender", "招标文件", hashlib.sha256(TENDER).hexdigest(), len(TENDER)),
        DocumentInput("bid-B1", "投标文件 B1", hashlib.sha256(BID).hexdigest(), len(BID), "B1"),
    )


def manifest_of(docs: tuple[DocumentInput, ...], session_id: str = "S1") -> DocumentManifest:
    entries = tuple(
        ManifestEntry(d.doc_id, d.sha256, d.size, d.title, d.bidder_id)
        for d in sorted(docs, key=lambda d: d.doc_id)
    )
    return DocumentManifest(session_id, entries, now())


async def create(h: VenueHarness, centre: VenueClient, docs: tuple[DocumentInput, ...]) -> Any:
    members = [MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in COMMITTEE]
    members.append(MemberInput(h.person_id("supervisor-jinan"), Role.SUPERVISOR, "jinan", "S1"))
    return await centre.post(
        "/sessions",
        CreateSession(
            "S1", "教学楼改扩建工程", example_project(), "lot-1", "jinan", tuple(members), docs
        ),
    )


async def fetch(
    h: VenueHarness, client: VenueClient, doc: str, headers: dict[str, str] | None = None
) -> tuple[int, Any, bytes]:
    async with aiohttp.ClientSession() as session:
        auth = {"Authorization": f"Bearer {client.token}", **(headers or {})}
        async with session.get(
            f"{h.base_url}{API_PREFIX}/sessions/S1/documents/{doc}", headers=auth, ssl=h.client_ssl
        ) as response:
            return response.status, response.headers, await response.read()


async def reads(h: VenueHarness) -> list[tuple[str, str, str]]:
    entries = await h.venue.store.tx(
        lambda tx: [e for e in tx.audit_entries() if e.action == "document.read"]
    )
    return [(e.actor, e.payload["doc"], e.payload["range"]) for e in entries]


@pytest.fixture
async def ready(harness):  # type: ignore[no-untyped-def]
    """S1 with the tender and one bid uploaded, listed and signed by the centre."""
    h = harness
    centre = await h.login("centre-1")
    for data in (TENDER, BID):
        await centre.put_blob(data)
    await create(h, centre, documents())
    content, signature = await centre.sign_artefact(
        "document_manifest", manifest_of(documents()), h.signer("centre-1")
    )
    await centre.upload("S1", "manifest", content, signature)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    expert = await h.login("expert-sd-1")
    await declare(h, expert, "expert-sd-1")  # bids come after the declaration
    return h, centre, expert


async def test_a_blob_whose_hash_differs_is_refused_and_nothing_is_kept(harness):
    h = harness
    centre = await h.login("centre-1")
    claimed = hashlib.sha256(TENDER).hexdigest()
    with pytest.raises(VenueRefused) as info:
        await centre.request("PUT", f"/blobs/{claimed}", raw=TENDER[:-1] + b"X")
    assert info.value.status == 400 and info.value.code == "hash_mismatch"
    assert not h.venue.blobs.has(claimed)
    assert [
        p for p in h.config.blob_dir.rglob("*") if p.is_file()
    ] == []  # no temporary left either
    expert = await h.login("expert-sd-1")
    with pytest.raises(VenueRefused) as info:  # only the centre uploads
        await expert.put_blob(TENDER)
    assert info.value.status == 403 and not h.venue.blobs.has(claimed)
    # a session cannot name a document whose content was never uploaded
    with pytest.raises(VenueRefused) as info:
        await create(h, centre, documents())
    assert info.value.code == "missing_document"
    assert await centre.put_blob(TENDER) == claimed and h.venue.blobs.has(claimed)
    assert await centre.put_blob(TENDER) == claimed  # again: content-addressed, nothing changes


async def test_the_manifest_must_list_exactly_the_sessions_documents(harness):
    h = harness
    centre = await h.login("centre-1")
    for data in (TENDER, BID):
        await centre.put_blob(data)
    await create(h, centre, documents())
    tender, bid = documents()
    wrong_size = DocumentInput(bid.doc_id, bid.title, bid.sha256, bid.size + 1, bid.bidder_id)
    unsorted = DocumentManifest("S1", tuple(reversed(manifest_of(documents()).documents)), now())
    cases = [
        manifest_of((tender,)),
        manifest_of((tender, wrong_size)),
        manifest_of(documents(), "S2"),
        unsorted,
    ]
    for body in cases:
        content, signature = await centre.sign_artefact(
            "document_manifest", body, h.signer("centre-1")
        )
        with pytest.raises(VenueRefused) as info:
            await centre.upload("S1", "manifest", content, signature)
        assert info.value.code == "manifest_mismatch", body
    expert = await h.login("expert-sd-1")  # only the centre signs the manifest
    content, signature = await expert.sign_artefact(
        "document_manifest", manifest_of(documents()), h.signer("expert-sd-1")
    )
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "manifest", content, signature)
    assert info.value.status == 403
    assert await h.venue.store.tx(lambda tx: tx.artefacts("S1", "document_manifest")) == []
    assert (await expert.get("/sessions/S1/documents"))["manifest"] is None


async def test_experts_list_documents_with_the_signed_manifest(ready):
    _h, _centre, expert = ready
    listing = await expert.get("/sessions/S1/documents")
    assert [(d["doc_id"], d["sha256"], d["size"]) for d in listing["documents"]] == [
        (d.doc_id, d.sha256, d.size) for d in sorted(documents(), key=lambda d: d.doc_id)
    ]
    content, signature = (
        base64.b64decode(listing["manifest"][k]) for k in ("content", "signature")
    )
    verdict = verify_detached(content, signature)
    assert verdict.integrity_ok
    signed = json.loads(content)
    assert signed["schema"]["kind"] == "document_manifest" and signed["session_id"] == "S1"
    assert {e["doc_id"]: e["sha256"] for e in signed["documents"]} == {
        d.doc_id: d.sha256 for d in documents()
    }


async def test_ranges_etags_and_conditional_requests(ready):
    h, _, expert = ready
    size, etag = len(BID), f'"{hashlib.sha256(BID).hexdigest()}"'
    status, headers, body = await fetch(h, expert, "bid-B1")
    assert (status, body, headers["ETag"], headers["Accept-Ranges"]) == (200, BID, etag, "bytes")
    assert int(headers["Content-Length"]) == size and body.startswith(b"%PDF-")
    middle = size // 2
    cases = {  # Range → (first, last) inclusive
        "bytes=0-0": (0, 0),
        "bytes=0-1023": (0, 1023),
        f"bytes={middle}-{middle + 300_000}": (middle, min(middle + 300_000, size - 1)),
        f"bytes={size - 1}-{size - 1}": (size - 1, size - 1),
        "bytes=-500": (size - 500, size - 1),
        f"bytes=-{size * 2}": (0, size - 1),
        f"bytes={size - 10}-": (size - 10, size - 1),
        f"bytes=100-{size * 3}": (100, size - 1),
    }
    for header, (first, last) in cases.items():
        status, headers, body = await fetch(h, expert, "bid-B1", {"Range": header})
        assert status == 206, header
        assert (
            body == BID[first : last + 1]
            and headers["Content-Range"] == f"bytes {first}-{last}/{size}"
        ), header
        assert int(headers["Content-Length"]) == last - first + 1 and headers["ETag"] == etag
    # If-Range: the range only if the content is still the one we have; otherwise the whole file
    status, _, body = await fetch(h, expert, "bid-B1", {"Range": "bytes=10-19", "If-Range": etag})
    assert (status, body) == (206, BID[10:20])
    status, _, body = await fetch(
        h, expert, "bid-B1", {"Range": "bytes=10-19", "If-Range": '"0000"'}
    )
    assert (status, body) == (200, BID)
    # If-None-Match: 304 with no body, for the tag alone, in a list, weak, or *
    for header in (etag, f'"abc", {etag}', f"W/{etag}", "*"):
        status, headers, body = await fetch(h, expert, "bid-B1", {"If-None-Match": header})
        assert (status, body, headers["ETag"]) == (304, b"", etag), header
    status, _, body = await fetch(h, expert, "bid-B1", {"If-None-Match": '"other"'})
    assert (status, body) == (200, BID)
    # unsatisfiable: 416 naming the size, so the client can start again
    for header in (f"bytes={size}-", f"bytes={size + 5}-{size + 10}", "bytes=-0"):
        status, headers, body = await fetch(h, expert, "bid-B1", {"Range": header})
        assert status == 416, header
        assert json.loads(body)["error"]["details"] == {"size": size}


async def test_unsatisfiable_range_names_the_size_in_content_range(ready):
    h, _, expert = ready
    status, headers, _ = await fetch(h, expert, "bid-B1", {"Range": f"bytes={len(BID)}-"})
    assert (status, headers.get("Content-Range")) == (416, f"bytes */{len(BID)}")


async def test_every_access_is_audited_and_outsiders_get_404(ready):
    h, _centre, expert = ready
    await fetch(h, expert, "tender")
    await fetch(h, expert, "bid-B1", {"Range": "bytes=0-99"})
    await fetch(h, expert, "bid-B1", {"If-None-Match": f'"{hashlib.sha256(BID).hexdigest()}"'})
    supervisor = await h.login("supervisor-jinan")
    await fetch(h, supervisor, "tender", {"Range": "bytes=-10"})
    me, sup = h.person_id("expert-sd-1"), h.person_id("supervisor-jinan")
    assert await reads(h) == [
        (me, "tender", ""),
        (me, "bid-B1", "bytes=0-99"),
        (me, "bid-B1", ""),
        (sup, "tender", "bytes=-10"),
    ]
    chain_ok = await h.venue.store.tx(
        lambda tx: all(
            b.prev_hash == a.hash
            for a, b in zip(list(tx.audit_entries()), list(tx.audit_entries())[1:], strict=False)
        )
    )
    assert chain_ok

    outsider = await h.login("expert-nca-3")  # not of this session
    for doc in ("tender", "bid-B1", "nonexistent"):
        status, _, body = await fetch(h, outsider, doc)
        assert status == 404 and json.loads(body)["error"]["code"] == "no_session"
    with pytest.raises(VenueRefused) as info:
        await outsider.get("/sessions/S1/documents")
    assert info.value.status == 404
    status, _, body = await fetch(h, expert, "no-such-doc")
    assert status == 404 and json.loads(body)["error"]["code"] == "no_document"
    assert len(await reads(h)) == 4  # refusals are not reads


async def test_an_interrupted_download_resumes_with_range(ready):
    h, _, expert = ready
    etag = f'"{hashlib.sha256(BID).hexdigest()}"'
    got = b""
    async with aiohttp.ClientSession() as session:
        url = f"{h.base_url}{API_PREFIX}/sessions/S1/documents/bid-B1"
        auth = {"Authorization": f"Bearer {expert.token}"}
        async with session.get(url, headers=auth, ssl=h.client_ssl) as response:
            assert response.status == 200
            while len(got) < 300_000:  # then the line drops
                got += await response.content.read(65_536)
            response.close()
        cut = len(got)
        assert got == BID[:cut] and cut < len(BID)
        async with session.get(
            url, headers={**auth, "Range": f"bytes={cut}-", "If-Range": etag}, ssl=h.client_ssl
        ) as response:
            assert response.status == 206
            assert response.headers["Content-Range"] == f"bytes {cut}-{len(BID) - 1}/{len(BID)}"
            got += await response.read()
    assert (
        len(got) == len(BID) and hashlib.sha256(got).hexdigest() == hashlib.sha256(BID).hexdigest()
    )
    assert [r[2] for r in await reads(h)] == ["", f"bytes={cut}-"]
