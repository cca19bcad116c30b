"""A receipt as proof: the venue's signature, its tree head, the inclusion proof of the entry.

Every receipt a person gets names the audit entry that recorded the acceptance (its number
and hash), carries a signed tree head covering it and the Merkle path from the entry to that
head's root. Offline, anyone checks it against the venue's key the trust list recognises
(:func:`prove`); against a log, it shows the log still holds that entry (:func:`check_receipt`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.chain import AuditEntry
from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.tree_head import Problem, TreeHead, asigned_by_party, parse_tree_head
from evaluator_app.core.beijing import beijing_time
from evaluator_app.pki.trust_list import TrustList


@dataclass(frozen=True)
class ReceiptProof:
    content: bytes  # the receipt's canonical JSON
    signature: bytes  # the venue's CMS over it
    source: str = ""  # where it came from, for messages


@dataclass(frozen=True)
class ProvenEntry:
    """What a receipt proves, once checked."""

    venue: str
    person_id: str
    person_name: str
    kind: str
    content_sha256: str
    audit_seq: int
    entry_hash: str
    head: TreeHead

    @property
    def who(self) -> str:
        return self.person_name or self.person_id


def load_receipt(path: Path) -> ReceiptProof:
    """A receipt file: the JSON the venue answers ({"receipt", "signature"} in base64), or the
    receipt's own JSON with its signature beside it (``FILE.p7s``, as in an archive)."""
    try:
        data = path.read_bytes()
        doc = json.loads(data)
    except (OSError, ValueError) as exc:
        raise LogError(f"{path}: not a receipt ({exc})", f"{path}：不是回执文件") from None
    if isinstance(doc, dict) and set(doc) >= {"receipt", "signature"}:
        try:
            content = base64.b64decode(doc["receipt"], validate=True)
            signature = base64.b64decode(doc["signature"], validate=True)
        except (ValueError, TypeError) as exc:
            raise LogError(
                f"{path}: receipt not in base64 ({exc})", f"{path}：回执不是 base64 编码"
            ) from None
        return ReceiptProof(content, signature, str(path))
    beside = path.with_name(path.name + ".p7s")
    if not beside.is_file():
        raise LogError(
            f"{path}: a receipt without its signature ({beside.name})",
            f"{path}：回执缺少签名文件 {beside.name}",
        )
    return ReceiptProof(data, beside.read_bytes(), str(path))


def _fields(content: bytes) -> dict[str, Any]:
    try:
        data = json.loads(content)
        if data.get("schema", {}).get("kind") != "receipt":
            raise LogError("not a receipt", "不是回执")
        head = data["tree_head"]
        return {
            "data": data,
            "head_content": base64.b64decode(head["content"], validate=True),
            "head_signature": base64.b64decode(head["signature"], validate=True),
            "proof": [bytes.fromhex(h) for h in data["inclusion_proof"]],
            "seq": int(data["audit_seq"]),
            "entry_hash": bytes.fromhex(data["entry_hash"]).hex(),
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LogError(
            f"a receipt without a tree head and an inclusion proof ({exc})",
            "回执缺少树头或包含证明",
        ) from None


async def prove(receipt: ReceiptProof, trust_list: TrustList) -> ProvenEntry:
    """Check a receipt alone: the venue's signatures and the inclusion proof, or LogError."""
    f = _fields(receipt.content)
    data = f["data"]
    venue = str(data.get("venue_id", ""))
    refused = await asigned_by_party(receipt.content, receipt.signature, venue, trust_list)
    if refused:
        raise LogError(f"the receipt's signature: {refused[0]}", f"回执的签名：{refused[1]}")
    head = parse_tree_head(f["head_content"])
    if head.venue != venue:
        raise LogError(
            f"the receipt of {venue} holds a tree head of {head.venue}",
            f"{venue} 的回执中是 {head.venue} 的树头",
        )
    refused = await asigned_by_party(
        f["head_content"], f["head_signature"], venue, trust_list, head.timestamp
    )
    if refused:
        raise LogError(f"the receipt's tree head: {refused[0]}", f"回执中的树头：{refused[1]}")
    leaf = merkle.leaf_hash(bytes.fromhex(f["entry_hash"]))
    if not merkle.verify_inclusion(f["seq"] - 1, head.tree_size, leaf, f["proof"], head.root):
        raise LogError(
            f"the inclusion proof does not lead from entry {f['seq']} to the tree head's root",
            f"包含证明不成立：第 {f['seq']} 条记录推不出树头的根哈希",
        )
    return ProvenEntry(
        venue,
        str(data.get("person_id", "")),
        str(data.get("person_name", "")),
        str(data.get("kind", "")),
        str(data.get("content_sha256", "")),
        f["seq"],
        f["entry_hash"],
        head,
    )


async def check_receipt(
    receipt: ReceiptProof,
    leaves: Sequence[bytes],
    entries: Sequence[AuditEntry],
    trust_list: TrustList,
    venue: str | None,
    tree: merkle.Tree | None = None,
) -> Problem | None:
    """Does the log still hold what this receipt proves? None if so. ``tree``: the log's
    leaves with their subtree roots kept, shared by many receipts."""
    try:
        proven = await prove(receipt, trust_list)
    except LogError as exc:
        where = receipt.source or "?"
        return Problem(f"receipt {where} refused: {exc}", f"回执 {where} 无效：{exc.message_zh}")
    if venue is not None and proven.venue != venue:
        return Problem(
            f"{proven.who}'s receipt is from venue {proven.venue}, not {venue}",
            f"{proven.who} 的回执来自 {proven.venue} 场地，不是 {venue}",
        )
    n, seq, who = len(leaves), proven.audit_seq, proven.who
    if proven.head.tree_size > n:
        return Problem(
            f"log truncated: {who}'s receipt proves entry {seq}; the log ends at {n}",
            f"日志被截断：{who} 的回执证明第 {seq} 条记录存在，日志只到第 {n} 条",
            n + 1,
        )
    leaf = merkle.leaf_hash(bytes.fromhex(proven.entry_hash))
    size = proven.head.tree_size
    root = tree.root(0, size) if tree is not None else merkle.root(leaves[:size])
    if leaves[seq - 1] != leaf or root != proven.head.root:
        return Problem(
            f"log rewritten: {who}'s receipt proves entry {seq} as the venue signed it "
            f"at {beijing_time(proven.head.timestamp, 'en')}; the log holds something else",
            f"日志被改写：{who} 的回执证明的第 {seq} 条记录与日志不符",
            seq,
        )
    entry = entries[seq - 1]
    if entry.payload.get("sha256") != proven.content_sha256:
        return Problem(
            f"entry {seq} is not the acceptance {who}'s receipt names",
            f"第 {seq} 条记录不是 {who} 的回执所指的接收记录",
            seq,
        )
    return None
