"""Where things are in a session archive, and its manifest: the format the venue writes and
the offline verifier reads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from evaluator_app.core.canonical import artefact_bytes

MANIFEST = "archive.json"
MANIFEST_SIGNATURE = "archive.json.p7s"
MANIFEST_KIND = "session-archive"
SESSION = "session.json"
PROJECT = "project.json"
TRUST_LIST = "trust-list.json"
RESULTS = "results.json"
AUDIT = "audit/audit.jsonl"
DOCUMENT_MANIFEST = "documents/manifest.json"
README = "README.txt"
REPORT = "report/evaluation-report.pdf"


def artefact_path(artefact_id: int, kind: str, version: int) -> str:
    return f"artefacts/{artefact_id:06d}-{kind}-v{version}.json"


def receipt_path(artefact_id: int) -> str:
    return f"receipts/{artefact_id:06d}.json"


def crl_path(name: str) -> str:
    return f"revocation/{name}.crl"


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    size: int


def entry_for(path: str, data: bytes) -> FileEntry:
    return FileEntry(path, hashlib.sha256(data).hexdigest(), len(data))


def manifest_bytes(
    venue_id: str, session_id: str, exported_at: str, files: list[FileEntry]
) -> bytes:
    body = {
        "venue": venue_id,
        "session_id": session_id,
        "exported_at": exported_at,
        "files": [
            {"path": f.path, "sha256": f.sha256, "size": f.size}
            for f in sorted(files, key=lambda f: f.path)
        ],
    }
    return artefact_bytes(MANIFEST_KIND, 1, body)


def parse_manifest(data: bytes) -> dict[str, Any]:
    manifest = json.loads(data)
    if manifest.get("schema") != {"kind": MANIFEST_KIND, "version": 1}:
        raise ValueError("not a session archive manifest")
    return manifest


README_TEXT = """\
远程异地评标 · 评标会话存档 / Session archive of a remote cross-city bid evaluation

archive.json       every file of this archive by SHA-256 and size (canonical JSON, RFC 8785)
archive.json.p7s   the venue's detached CMS signature over archive.json
project.json       the project file: lots, bidders, the evaluation plan
session.json       the committee, venues, seats and the final phase
trust-list.json    the signed list of recognised CAs that applied
artefacts/         every signed declaration, vote and score sheet: canonical JSON + .p7s (+ .pdf)
receipts/          the venue's signed receipt for each artefact
documents/         the centre's signed manifest of the tender and bid documents
audit/audit.jsonl  the hash-chained audit log with the venue's signed checkpoints
revocation/        the CAs' CRLs at export time
results.json       the result computed by the evaluation rules from the artefacts above
report/            the evaluation report with every member's PAdES signature (pdfsig checks it)
draw/              the expert draw (专家抽取记录): request, commitments, pool snapshot, reveals,
                   record and replacements (evaluator draw verify THIS-FILE.zip recomputes it)

Check it offline:  evaluator verify THIS-FILE.zip
(any .p7s also verifies with openssl cms -verify)
"""
