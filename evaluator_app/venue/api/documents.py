"""Documents: blobs, the session's list, ranged downloads (the signed manifest: intake)."""

from __future__ import annotations

from aiohttp import web

from evaluator_app.protocol.messages import (
    Role,
)
from evaluator_app.venue.access.auth import caller_of, require
from evaluator_app.venue.access.visibility import bid_refusal
from evaluator_app.venue.documents import check_sha256, parse_range, serve
from evaluator_app.venue.errors import NotFound
from evaluator_app.venue.http import (
    json_response,
    venue_of,
)
from evaluator_app.venue.sessions.access import load


async def upload_blob(request: web.Request) -> web.Response:
    require(await caller_of(request), Role.CENTRE)
    venue = venue_of(request)
    sha = check_sha256(request.match_info["sha256"])
    # mypy: blobs is typed object; build_venue sets the BlobStore
    size = await venue.blobs.receive(sha, request, venue.config.max_body_bytes)  # type: ignore[attr-defined]
    return json_response({"sha256": sha, "size": size}, status=201)


async def documents(request: web.Request) -> web.Response:
    caller, venue, sid = await caller_of(request), venue_of(request), request.match_info["sid"]

    def work(tx):
        load(tx, caller, sid)
        manifest = next(
            (a for a in tx.artefacts(sid, "document_manifest") if a.status == "accepted"), None
        )
        return tx.documents(sid), manifest

    docs, manifest = await venue.store.tx(work)
    signed = {"content": manifest.content, "signature": manifest.signature} if manifest else None
    return json_response({"documents": docs, "manifest": signed})


async def document(request: web.Request) -> web.StreamResponse:
    caller, venue, sid, doc_id = (
        await caller_of(request),
        venue_of(request),
        request.match_info["sid"],
        request.match_info["doc"],
    )

    def work(tx):
        _, members = load(tx, caller, sid)
        doc = next((d for d in tx.documents(sid) if d.doc_id == doc_id), None)
        if doc is None:
            raise NotFound("no such document", "没有这个文件", code="no_document")
        if doc.bidder_id is not None:
            declared = any(
                a.status == "accepted" for a in tx.artefacts(sid, "declaration", caller.person_id)
            )
            refusal = bid_refusal(caller, members, declared)
            if refusal is not None:
                raise refusal
        etag, wanted = f'"{doc.sha256}"', request.headers.get("Range")
        if wanted is not None and request.headers.get("If-Range", etag) == etag:
            parse_range(
                wanted, doc.size
            )  # an unsatisfiable range is a 416 before the read is recorded
        tx.append_audit(
            venue.now_iso(),
            caller.person_id,
            "document.read",
            sid,
            {"doc": doc_id, "range": request.headers.get("Range", "")},
        )
        return doc

    doc = await venue.store.tx(work)
    # mypy: blobs is typed object; build_venue sets the document store
    return await serve(request, venue.blobs, doc.sha256)  # type: ignore[arg-type]
