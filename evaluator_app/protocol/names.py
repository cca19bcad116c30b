"""What each artefact kind is called, for people (Chinese first, English): the registry's labels
(:mod:`protocol.kinds`), for the client's screens, the archive verifier and anything else."""

from __future__ import annotations

from collections.abc import Mapping

from evaluator_app.protocol.kinds import ARTEFACT_KINDS, BUNDLED_KINDS

ARTEFACT_NAMES: Mapping[str, tuple[str, str]] = {
    **{kind.name: (kind.label_zh, kind.label_en) for kind in ARTEFACT_KINDS},
    **{kind.name: (kind.label_zh, kind.label_en) for kind in BUNDLED_KINDS},
    "report_signature": ("评标报告签名", "report signature"),  # a PAdES signature, not a kind
}


def artefact_zh(kind: str) -> str:
    return ARTEFACT_NAMES.get(kind, (kind, kind))[0]


def artefact_en(kind: str) -> str:
    return ARTEFACT_NAMES.get(kind, (kind, kind))[1]
