"""What each artefact kind is called, for people (Chinese first, English): one table for the
client's screens, the archive verifier and anything else that names an artefact."""

from __future__ import annotations

from collections.abc import Mapping

ARTEFACT_NAMES: Mapping[str, tuple[str, str]] = {
    "declaration": ("承诺书", "declaration"),
    "leader_vote": ("组长推选票", "leader vote"),
    "gate_votes": ("初步评审表", "preliminary review"),
    "score_sheet": ("评分表", "score sheet"),
    "witness_note": ("见证记录", "witness note"),
    "dissent": ("不同意见", "dissent"),
    "warning_decision": ("围标串标预警处理意见", "decision on a collusion warning"),
    "document_manifest": ("招投标文件清单", "document manifest"),
    "report_signature": ("评标报告签名", "report signature"),
}


def artefact_zh(kind: str) -> str:
    return ARTEFACT_NAMES.get(kind, (kind, kind))[0]


def artefact_en(kind: str) -> str:
    return ARTEFACT_NAMES.get(kind, (kind, kind))[1]
