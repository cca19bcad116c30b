"""Witnesses of the transparency log (the Sigsum / CT witness model).

A witness — a secondary venue, the centre — countersigns a main venue's tree head as it sees
it, after checking that the head is signed with the venue's listed key and that it extends the
last head it countersigned for that venue (a consistency proof). A venue that shows two
different logs to two witnesses (a split view) then holds two heads of one size with different
roots, each countersigned: :func:`check_witnesses` reports it with both signatures as evidence.
A cosignature carries the head it countersigns (content and the venue's signature), so it is
evidence on its own.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.errors import AuditSourceError, LogError
from evaluator_app.auditlog.tree_head import (
    Problem,
    SignedTreeHead,
    TreeHead,
    asigned_by_party,
    parse_tree_head,
)
from evaluator_app.core.beijing import beijing_time
from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.pki.cms import async_sign_detached
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.trust_list import TrustList

COSIGNATURE_KIND = "tree-head-cosignature"
COSIGNED_ACTION = "log.cosigned"  # the audit entry a venue records a cosignature in


@dataclass(frozen=True)
class Cosignature:
    content: bytes  # canonical JSON: the head (content, venue's signature), witness, time
    signature: bytes  # the witness's CMS over it

    def to_json(self) -> dict[str, str]:
        return {
            "content": base64.b64encode(self.content).decode("ascii"),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }


@dataclass(frozen=True)
class Cosigned:
    """A cosignature read: who countersigned which head, when."""

    witness: str
    cosigned_at: str
    head: TreeHead
    signed_head: SignedTreeHead
    cosignature: Cosignature


def cosignature_content(signed: SignedTreeHead, witness: str, at: str) -> bytes:
    return artefact_bytes(
        COSIGNATURE_KIND,
        1,
        {
            "witness": witness,
            "cosigned_at": at,
            "tree_head": base64.b64encode(signed.content).decode("ascii"),
            "venue_signature": base64.b64encode(signed.signature).decode("ascii"),
        },
    )


def parse_cosignature(cosignature: Cosignature) -> Cosigned:
    try:
        data = json.loads(cosignature.content)
        if data.get("schema") != {"kind": COSIGNATURE_KIND, "version": 1}:
            raise ValueError("not a cosignature")
        signed = SignedTreeHead(
            base64.b64decode(data["tree_head"], validate=True),
            base64.b64decode(data["venue_signature"], validate=True),
        )
        witness, at = str(data["witness"]), str(data["cosigned_at"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LogError(f"cosignature unreadable: {exc}", "见证签名无法读取") from None
    if cosignature_content(signed, witness, at) != cosignature.content:
        raise LogError("cosignature not in canonical form", "见证签名内容不是规范格式")
    return Cosigned(witness, at, parse_tree_head(signed.content), signed, cosignature)


async def witness_head(
    signed: SignedTreeHead,
    consistency: Sequence[bytes],
    last: TreeHead | None,
    witness: str,
    signer: Signer,
    trust_list: TrustList,
    at: str,
) -> Cosignature:
    """Countersign ``signed`` as witness ``witness`` — only if the venue's listed key signed
    it and it extends ``last``, the head this witness countersigned before (or LogError)."""
    head = parse_tree_head(signed.content)
    refused = await asigned_by_party(
        signed.content, signed.signature, head.venue, trust_list, head.timestamp
    )
    if refused:
        raise LogError(f"not countersigned: {refused[0]}", f"拒绝见证：{refused[1]}")
    if last is not None:
        if head.tree_size < last.tree_size or (
            head.tree_size == last.tree_size and head.root != last.root
        ):
            raise LogError(
                f"not countersigned: {head.venue} shows a head of {head.tree_size} entries that"
                f" does not extend the one of {last.tree_size} countersigned before",
                f"拒绝见证：{head.venue} 的 {head.tree_size} 条树头与此前见证的"
                f" {last.tree_size} 条树头不一致",
            )
        if head.tree_size > last.tree_size and not merkle.verify_consistency(
            last.tree_size, head.tree_size, last.root, head.root, consistency
        ):
            raise LogError(
                f"not countersigned: no proof that the head of {head.tree_size} entries extends"
                f" the one of {last.tree_size}",
                f"拒绝见证：无法证明 {head.tree_size} 条树头是 {last.tree_size} 条树头的延续",
            )
    content = cosignature_content(signed, witness, at)
    return Cosignature(content, await async_sign_detached(content, signer))


async def check_witnesses(
    cosignatures: Sequence[Cosignature],
    leaves: Sequence[bytes],
    trust_list: TrustList,
    venue: str,
    required: Sequence[str],
    latest: TreeHead | None = None,
) -> tuple[list[Problem], dict[str, int]]:
    """Each cosignature by its witness's listed key over a head of ``venue`` that agrees with
    the log's ``leaves``; every witness in ``required`` has countersigned a head of it; two
    heads of one size are a split view. Also, per witness, the largest head it countersigned."""
    problems: list[Problem] = []
    good: list[Cosigned] = []
    for cosig in cosignatures:
        try:
            seen = parse_cosignature(cosig)
        except LogError as exc:
            problems.append(Problem(str(exc), exc.message_zh))
            continue
        if seen.head.venue != venue or seen.witness == venue:
            refused: tuple[str, str] | None = (
                f"a head of {seen.head.venue}, not of {venue}'s log by another party",
                f"所见证的是 {seen.head.venue} 的树头，而非他方对 {venue} 日志的见证",
            )
        else:
            refused = await asigned_by_party(
                cosig.content, cosig.signature, seen.witness, trust_list
            ) or await asigned_by_party(
                seen.signed_head.content, seen.signed_head.signature, venue, trust_list
            )
        if refused:
            problems.append(
                Problem(
                    f"the cosignature of {seen.witness} refused: {refused[0]}",
                    f"{seen.witness} 的见证签名不被认可：{refused[1]}",
                )
            )
            continue
        good.append(seen)
    by_size: dict[int, dict[bytes, Cosigned]] = {}
    for seen in good:
        by_size.setdefault(seen.head.tree_size, {}).setdefault(seen.head.root, seen)
    end = len(leaves)
    roots = merkle.roots_at(leaves, set(by_size))
    for size, views in sorted(by_size.items()):
        log_root = roots.get(size)
        if size > end:
            who = "、".join(v.witness for v in views.values())
            problems.append(
                Problem(
                    f"log truncated: {who} countersigned a head of {size} entries; the log"
                    f" ends at {end}",
                    f"日志被截断：{who} 见证过 {size} 条记录的树头，日志只到第 {end} 条",
                    end + 1,
                )
            )
            continue
        if len(views) > 1 or (log_root is not None and set(views) != {log_root}):
            problems.append(_split_view(venue, size, list(views.values()), log_root))
    witnessed: dict[str, int] = {}
    for seen in good:
        if roots.get(seen.head.tree_size) == seen.head.root:
            size = max(witnessed.get(seen.witness, 0), seen.head.tree_size)
            witnessed[seen.witness] = size
    head_en = head_zh = ""
    if latest is not None:  # the head it should have countersigned, at the least
        at_en, at_zh = beijing_time(latest.timestamp, "en"), beijing_time(latest.timestamp)
        head_en = f" (the last head: {latest.tree_size} entries, signed at {at_en})"
        head_zh = f"（最新树头：{latest.tree_size} 条记录，{at_zh}签署）"
    for witness in required:
        if witness not in witnessed:
            problems.append(
                Problem(
                    f"witness {witness} has countersigned no head of this log{head_en}",
                    f"见证方 {witness} 未对本日志的任何树头签名{head_zh}",
                )
            )
    return problems, witnessed


def _split_view(venue: str, size: int, views: list[Cosigned], log_root: bytes | None) -> Problem:
    shown = "; ".join(
        f"{v.witness} countersigned root {v.head.root_hash[:16]}… (venue signature"
        f" {base64.b64encode(v.signed_head.signature).decode()[:24]}…, cosignature"
        f" {base64.b64encode(v.cosignature.signature).decode()[:24]}…)"
        for v in views
    )
    log = f"; the log's root is {log_root.hex()[:16]}…" if log_root is not None else ""
    shown_zh = "；".join(f"{v.witness} 见证的根为 {v.head.root_hash[:16]}…" for v in views)
    log_zh = f"；日志本身的根为 {log_root.hex()[:16]}…" if log_root is not None else ""
    return Problem(
        f"split view: {venue} signed different heads of {size} entries: {shown}{log}",
        f"分叉视图：{venue} 对 {size} 条记录签发了不同的树头：{shown_zh}{log_zh}",
        size,
    )


def load_cosignatures(path: Path) -> list[Cosignature]:
    """A witness's book as it serves it (``{"cosignatures": [{content, signature}, ...]}``)."""
    try:
        data = json.loads(path.read_text("utf-8"))
        return [
            Cosignature(
                base64.b64decode(c["content"], validate=True),
                base64.b64decode(c["signature"], validate=True),
            )
            for c in data["cosignatures"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AuditSourceError(
            f"{path}: not a witness's cosignatures: {exc}", f"{path} 不是见证方的见证签名文件"
        ) from None
