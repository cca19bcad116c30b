"""The draw's signed artefacts (canonical JSON + detached CMS) and where they sit in a bundle.

A draw bundle — a ``.draw.zip`` of its own, or the ``draw/`` folder of a session archive — holds
for each draw ``draw/<draw_id>/``:

======================  ====================================================  ===============
file                    what                                                  signed by
======================  ====================================================  ===============
request.json            the request: needs, rules, seats, the two parties     centre
commit-<i>.json         party i's commitment to its secret                    party i
pool.tsv                the pool snapshot (not signed: its hash is in freeze) —
freeze.json             snapshot hash and every commitment, fixed together    centre
reveal-<i>.json         party i's secret, naming the freeze it follows        party i
record.json             the recomputable result (专家抽取记录)                  every party
response-<nnn>.json     an expert's answer to the notice (accept / decline)   expert / centre
replacement-<nnn>.json  a departure and who took the seat, in order           centre
======================  ====================================================  ===============

Each ``X.json`` has its signature beside it as ``X.json.p7s`` (the record has one per party,
``record.json.<i>.p7s``). A standalone bundle also carries ``trust-list.json`` and any
``revocation/*.crl``, so that it verifies offline.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from evaluator_app.protocol.artefacts import (
    ARTEFACT_VERSION,
    DrawCommitment,
    DrawFreeze,
    DrawReplacement,
    DrawResponse,
    DrawReveal,
)
from evaluator_app.protocol.kinds import (
    DRAW_COMMITMENT,
    DRAW_FREEZE,
    DRAW_RECORD,
    DRAW_REPLACEMENT,
    DRAW_REQUEST,
    DRAW_RESPONSE,
    DRAW_REVEAL,
)
from evaluator_app.protocol.schema import B64

__all__ = [
    "DrawAttach",
    "DrawCommitment",
    "DrawFreeze",
    "DrawReplacement",
    "DrawResponse",
    "DrawReveal",
    "DrawStepLog",
]

# the kinds, from the one registry (protocol.kinds); their bodies are in protocol.artefacts
REQUEST_KIND = DRAW_REQUEST.name
COMMITMENT_KIND = DRAW_COMMITMENT.name
FREEZE_KIND = DRAW_FREEZE.name
REVEAL_KIND = DRAW_REVEAL.name
RECORD_KIND = DRAW_RECORD.name
RESPONSE_KIND = DRAW_RESPONSE.name
REPLACEMENT_KIND = DRAW_REPLACEMENT.name
VERSION = ARTEFACT_VERSION

PREFIX = "draw/"
TRUST_LIST = "trust-list.json"
REQUEST = "request.json"
POOL = "pool.tsv"
FREEZE = "freeze.json"
RECORD = "record.json"
_DRAW_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def valid_draw_id(draw_id: str) -> bool:
    return bool(_DRAW_ID.match(draw_id))


def path(draw_id: str, name: str) -> str:
    if not valid_draw_id(draw_id):
        raise ValueError(f"draw id {draw_id!r}: letters, digits, '.', '_' or '-' only")
    return f"{PREFIX}{draw_id}/{name}"


def commit_name(index: int) -> str:
    return f"commit-{index}.json"


def reveal_name(index: int) -> str:
    return f"reveal-{index}.json"


def record_signature_name(index: int) -> str:
    return f"{RECORD}.{index}.p7s"


def response_name(number: int) -> str:
    return f"response-{number:03d}.json"


def replacement_name(number: int) -> str:
    return f"replacement-{number:03d}.json"


def draw_ids(names: list[str] | set[str]) -> list[str]:
    """The draws a bundle or archive holds, from its member names."""
    found = {
        n[len(PREFIX) :].split("/", 1)[0]
        for n in names
        if n.startswith(PREFIX) and n.count("/") >= 2
    }
    return sorted(d for d in found if valid_draw_id(d))


def numbered(names: list[str] | set[str], draw_id: str, stem: str) -> list[str]:
    """``response-001.json``… of one draw, in order."""
    prefix = f"{PREFIX}{draw_id}/{stem}-"
    return sorted(
        n[len(f"{PREFIX}{draw_id}/") :]
        for n in names
        if n.startswith(prefix) and n.endswith(".json")
    )


def zip_bundle(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            archive.writestr(name, files[name])
    return buffer.getvalue()


def unzip_bundle(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()
        }


# --- what the centre sends the venue ---------------------------------------------------------


@dataclass(frozen=True)
class DrawStepLog:
    """A step of a draw, logged at the venue as it is made (by hash: the venue sees no names)."""

    draw_id: str
    name: str  # the file of the bundle the step wrote, e.g. "commit-0.json"
    kind: str
    sha256: str


@dataclass(frozen=True)
class DrawAttach:
    """The session's draw/ folder as a zip, attached when the session opens (and grown later
    by replacements)."""

    bundle: B64
