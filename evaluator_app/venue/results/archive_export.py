"""Exporting a session as one archive (layout in :mod:`evaluator_app.protocol.archive_layout`)."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from typing import Any

import aiohttp

from evaluator_app.auditlog.files import audit_lines
from evaluator_app.core.phases import SUMMARY_PHASES, values
from evaluator_app.protocol import archive_layout as layout
from evaluator_app.protocol.messages import Role
from evaluator_app.venue.access.auth import require
from evaluator_app.venue.access.visibility import active_experts
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import Conflict
from evaluator_app.venue.http import Caller
from evaluator_app.venue.results import scoring_rules
from evaluator_app.venue.sessions.access import load, project_of, view
from evaluator_app.venue.sessions.draw import bundle_files
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)


def _collect(tx: SqliteTx, venue: Venue, caller: Caller, session_id: str) -> dict[str, bytes]:
    session, members = load(tx, caller, session_id)
    files: dict[str, bytes] = {}
    files[layout.SESSION] = json.dumps(
        {
            "session": _plain(view(caller, session, members)),
            "members": [m.__dict__ for m in members],
        },
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
    ).encode()
    files[layout.PROJECT] = session.project_json.encode()
    for artefact in tx.artefacts(session_id):
        if artefact.kind == "document_manifest":
            files[layout.DOCUMENT_MANIFEST] = artefact.content
            files[layout.DOCUMENT_MANIFEST + ".p7s"] = artefact.signature
            continue
        path = layout.artefact_path(artefact.id, artefact.kind, artefact.version)
        files[path] = artefact.content
        files[path + ".p7s"] = artefact.signature
        if artefact.pdf:
            files[path.replace(".json", ".pdf")] = artefact.pdf
        if artefact.receipt and artefact.receipt_signature:
            files[layout.receipt_path(artefact.id)] = artefact.receipt
            files[layout.receipt_path(artefact.id) + ".p7s"] = artefact.receipt_signature
        files[path.replace(".json", ".status")] = artefact.status.encode()
    files[layout.AUDIT] = (
        "\n".join(audit_lines(tx.audit_entries(), tx.checkpoints())) + "\n"
    ).encode()
    if session.phase in values(SUMMARY_PHASES):
        lot = project_of(session).lot(session.lot_id)
        evaluation = scoring_rules.evaluation(lot, tx, session_id, active_experts(members))
        files[layout.RESULTS] = json.dumps(
            scoring_rules.published_summary(evaluation),
            ensure_ascii=False,
            indent=2,
            sort_keys=True,
        ).encode()
    collusion = tx.collusion(session_id)
    if collusion is not None and collusion["result"]:
        files["collusion/warnings.json"] = collusion["result"].encode()
    files.update(bundle_files(tx, session_id))  # the 专家抽取记录, when the roster was drawn
    report = tx.report_pdf(session_id)
    if report is not None:
        files[layout.REPORT] = report[1]
    tx.append_audit(venue.now_iso(), caller.person_id, "archive.export", session_id, {})
    return files


def _plain(value: Any) -> Any:
    from evaluator_app.protocol.schema import encode

    return encode(value)


async def _crls(venue: Venue) -> dict[str, bytes]:
    """The recognised CAs' CRLs as they stand now (best effort: an archive is still useful without).

    Every location the trust list gives for a CA: the issuing CA's CRL and its root's, so that
    offline verification has an answer for each certificate of a path.
    """
    out: dict[str, bytes] = {}
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for index, ca in enumerate(venue.trust_list.cas):
            for number, url in enumerate(ca.crl_urls):
                name = f"ca{index:02d}" if number == 0 else f"ca{index:02d}-{number}"
                try:
                    async with http.get(url) as response:
                        if response.status == 200:
                            out[layout.crl_path(name)] = await response.read()
                except (aiohttp.ClientError, TimeoutError) as exc:
                    logger.warning("archive: CRL %s not fetched: %s", url, exc)
    return out


async def export_archive(venue: Venue, caller: Caller, session_id: str) -> bytes:
    require(caller, Role.CENTRE)
    files = await venue.store.tx(lambda tx: _collect(tx, venue, caller, session_id))
    if not files:
        raise Conflict("nothing to export", "没有可导出的内容")
    files[layout.TRUST_LIST] = venue.config.trust_list.read_bytes()
    files.update(await _crls(venue))
    files[layout.README] = layout.README_TEXT.encode()
    entries = [layout.entry_for(path, data) for path, data in files.items()]
    manifest = layout.manifest_bytes(venue.venue_id, session_id, venue.now_iso(), entries)
    signature = await venue.sign_bytes(manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(layout.MANIFEST, manifest)
        archive.writestr(layout.MANIFEST_SIGNATURE, signature)
        for path in sorted(files):
            archive.writestr(path, files[path])
    return buffer.getvalue()
