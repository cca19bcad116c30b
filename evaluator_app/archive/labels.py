"""The archive's checks as a person in a Chinese session reads them: what was checked (never a
file path or an artefact kind alone) and who signed (by name, at a Beijing time)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from evaluator_app.protocol import archive_layout as layout
from evaluator_app.protocol.names import artefact_zh

_FIXED = {
    "archive": "存档文件",
    "manifest": "存档清单",
    "manifest signature": "存档清单的签名",
    "files": "存档文件完整性",
    "trust list": "信任列表（CA 互认名单）",
    "audit chain": "审计日志链",
    "evaluation report": "评标报告",
    "results": "评标结果复算",
    layout.MANIFEST: "存档清单",
    layout.DOCUMENT_MANIFEST: "招投标文件清单",
    layout.SESSION: "会话信息",
    layout.PROJECT: "项目文件",
    layout.TRUST_LIST: "信任列表",
    layout.RESULTS: "评标结果",
    layout.AUDIT: "审计日志",
    layout.REPORT: "评标报告",
}
_ARTEFACT = re.compile(r"^artefacts/(\d+)-([a-z_]+)-v(\d+)\.json$")
_RECEIPT = re.compile(r"^receipts/(\d+)")
_DRAW = re.compile(r"^draw/([^/]+)/([a-z]+)(?:-(\d+))?")
_DRAW_FILES = {
    "request": "抽取申请",
    "commit": "承诺值",
    "pool": "专家库快照",
    "freeze": "快照固定",
    "reveal": "秘密值揭示",
    "record": "抽取结果",
    "response": "抽取通知回复",
    "replacement": "替补记录",
}


def check_name_zh(name: str) -> str:
    """'承诺书（存档第 2 项，第 1 版）' for 'artefacts/000002-declaration-v1.json'."""
    if name in _FIXED:
        return _FIXED[name]
    if name.endswith(" signer"):
        return check_name_zh(name.removesuffix(" signer")) + "的签名人"
    if match := _ARTEFACT.match(name):
        number, kind, version = match.groups()
        return f"{artefact_zh(kind)}（存档第 {int(number)} 项，第 {version} 版）"
    if match := _RECEIPT.match(name):
        return f"场地回执（存档第 {int(match.group(1))} 项）"
    if match := _DRAW.match(name):
        draw_id, stem, number = match.groups()
        what = _DRAW_FILES.get(stem, stem)
        if number is not None:  # commit-0: the first party; response-001: the first answer
            party = stem in ("commit", "reveal")
            what += f"（第 {int(number) + party} {'方' if party else '份'}）"
        rest = name.split(" ", 1)[1] if " " in name else ""
        return f"专家抽取记录 {draw_id}：{what}" + (f" {rest}" if rest else "")
    return name  # another file of the archive: its path is its name


def member_names(session_json: bytes | None) -> Mapping[str, str]:
    """person id → name, from the archive's session.json (empty if unreadable)."""
    if not session_json:
        return {}
    try:
        members = json.loads(session_json)["session"]["members"]
        return {str(m["person_id"]): str(m["name"]) for m in members}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}
