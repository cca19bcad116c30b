"""Verify a venue's transparency log offline: every leaf, every signed head, consistency
between successive heads, and the receipts people hold.

A log proves what it contains only up to its last signed head: entries after it, or a whole
tail cut off with the heads above it, are caught by the heads others hold — a person's
receipt (its head and inclusion proof) or a witness's cosigned head. Hence ``receipts``:
"log truncated: 张伟's receipt proves entry 412; the log ends at 300".
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.chain import (
    CHECKPOINT_KIND,
    TREE_HEAD_KIND,
    AuditEntry,
    Checkpoint,
    verify_chain,
)
from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.receipts import ReceiptProof, check_receipt
from evaluator_app.auditlog.tree_head import (
    Problem,
    SignedTreeHead,
    TreeHead,
    asigned_by_party,
    parse_tree_head,
)
from evaluator_app.auditlog.witness import (
    COSIGNED_ACTION,
    Cosignature,
    check_witnesses,
)
from evaluator_app.core.beijing import beijing_time
from evaluator_app.pki.trust_list import TrustList


@dataclass(frozen=True)
class LogReport:
    entries: int
    heads: int
    receipts: int
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)
    venue: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_broken(self) -> int | None:
        seqs = [p.seq for p in self.problems if p.seq is not None]
        return min(seqs) if seqs else None


def leaves_of(entries: Sequence[AuditEntry]) -> list[bytes]:
    return [merkle.leaf_hash(bytes.fromhex(e.hash)) for e in entries]


async def _check_heads(
    heads: Sequence[SignedTreeHead],
    leaves: Sequence[bytes],
    trust_list: TrustList,
    venue: str | None,
    problems: list[Problem],
) -> list[TreeHead]:
    good: list[tuple[TreeHead, SignedTreeHead]] = []
    for signed in heads:
        try:
            head = parse_tree_head(signed.content)
        except LogError as exc:
            problems.append(Problem(f"a tree head is unreadable: {exc}", "树头无法读取"))
            continue
        venue = venue or head.venue
        if head.venue != venue:
            problems.append(
                Problem(
                    f"a tree head of venue {head.venue} in the log of {venue}",
                    f"{venue} 的日志中出现 {head.venue} 的树头",
                )
            )
            continue
        refused = await asigned_by_party(
            signed.content, signed.signature, venue, trust_list, head.timestamp
        )
        if refused:
            problems.append(
                Problem(
                    f"the tree head of {head.tree_size} entries refused: {refused[0]}",
                    f"{head.tree_size} 条记录的树头不被认可：{refused[1]}",
                    head.tree_size,
                )
            )
            continue
        good.append((head, signed))
    good.sort(key=lambda h: (h[0].tree_size, h[0].timestamp))
    roots = merkle.roots_at(leaves, {h.tree_size for h, _ in good})
    tree = merkle.Tree(leaves)
    checked: list[TreeHead] = []
    for head, _signed in good:
        at_en, at_zh = beijing_time(head.timestamp, "en"), beijing_time(head.timestamp)
        if head.tree_size > len(leaves):
            problems.append(
                Problem(
                    f"log truncated: the tree head signed at {at_en} proves "
                    f"{head.tree_size} entries; the log ends at {len(leaves)}",
                    f"日志被截断：{at_zh}签名的树头证明有 {head.tree_size} 条记录，"
                    f"日志只到第 {len(leaves)} 条",
                    len(leaves) + 1,
                )
            )
            continue
        if roots.get(head.tree_size, merkle.EMPTY_ROOT) != head.root:
            problems.append(
                Problem(
                    f"entries up to {head.tree_size} were rewritten: they do not give the root "
                    f"the venue signed at {at_en}",
                    f"第 {head.tree_size} 条及之前的记录被改写：与{at_zh}签名的树头不符",
                    head.tree_size,
                )
            )
            continue
        if checked and not _consistent(checked[-1], head, tree, problems):
            continue
        checked.append(head)
    return checked


def _consistent(old: TreeHead, new: TreeHead, tree: merkle.Tree, problems: list[Problem]) -> bool:
    if old.tree_size == new.tree_size:
        if old.root != new.root:
            problems.append(
                Problem(
                    f"two different tree heads of size {new.tree_size}",
                    f"同一大小 {new.tree_size} 有两个不同的树头",
                    new.tree_size,
                )
            )
            return False
        return True
    if new.timestamp < old.timestamp:
        problems.append(
            Problem(
                f"the tree head of {new.tree_size} entries is dated before the one of "
                f"{old.tree_size}",
                f"{new.tree_size} 条的树头早于 {old.tree_size} 条的树头",
                old.tree_size,
            )
        )
        return False
    proof = tree.consistency_proof(old.tree_size, new.tree_size)
    if not merkle.verify_consistency(old.tree_size, new.tree_size, old.root, new.root, proof):
        problems.append(
            Problem(
                f"the tree head of {new.tree_size} does not extend the one of {old.tree_size}",
                f"{new.tree_size} 条的树头与 {old.tree_size} 条的树头不一致",
                old.tree_size,
            )
        )
        return False
    return True


def cosignatures_in(entries: Sequence[AuditEntry]) -> list[Cosignature]:
    """The witnesses' cosignatures the venue recorded (unreadable ones are refused later)."""
    out = []
    for entry in entries:
        if entry.action != COSIGNED_ACTION:
            continue
        raw: Any = entry.payload.get("cosignature")
        try:
            out.append(
                Cosignature(
                    base64.b64decode(raw["content"], validate=True),
                    base64.b64decode(raw["signature"], validate=True),
                )
            )
        except (KeyError, TypeError, ValueError):
            out.append(Cosignature(b"", b""))  # reported as unreadable
    return out


def _unique(cosignatures: Sequence[Cosignature]) -> list[Cosignature]:
    """Each cosignature once (the log and a witness's book hold the same ones)."""
    return list(dict.fromkeys(cosignatures))


def tree_heads(checkpoints: Sequence[Checkpoint]) -> tuple[list[SignedTreeHead], int]:
    """The signed tree heads among a log's checkpoints, and how many are of the older format
    (the chain's head hash only, before the log was a Merkle tree): those prove nothing here."""
    heads, legacy = [], 0
    for point in checkpoints:
        if (
            CHECKPOINT_KIND.encode() in point.content
            and TREE_HEAD_KIND.encode() not in point.content
        ):
            legacy += 1
        else:
            heads.append(SignedTreeHead(point.content, point.signature))
    return heads, legacy


async def averify_log(
    entries: Sequence[AuditEntry],
    checkpoints: Sequence[Checkpoint],
    trust_list: TrustList,
    *,
    venue: str | None = None,
    receipts: Sequence[ReceiptProof] = (),
    witnesses: Sequence[str] = (),
    evidence: Sequence[Cosignature] = (),
) -> LogReport:
    """Every leaf, head, receipt and witness's cosignature (recorded in the log itself, and
    ``evidence``: cosignatures the witnesses kept, which show a split view the log hides);
    ``witnesses`` must each have countersigned a head. Never raises for a bad record."""
    problems: list[Problem] = []
    chain = verify_chain(entries, [], None)
    if not chain.ok:
        problems.append(
            Problem(chain.reason, f"第 {chain.first_broken} 条记录被改动或缺失", chain.first_broken)
        )
    leaves = leaves_of(entries)
    heads, legacy = tree_heads(checkpoints)
    if not heads and entries:
        problems.append(Problem("the log has no signed tree head", "日志没有签名树头"))
    checked = await _check_heads(heads, leaves, trust_list, venue, problems)
    venue = venue or (checked[0].venue if checked else None)
    tree = merkle.Tree(leaves)
    for proof in receipts:
        problem = await check_receipt(proof, leaves, entries, trust_list, venue, tree)
        if problem is not None:
            problems.append(problem)
    notes: list[str] = []
    cosignatures = _unique([*cosignatures_in(entries), *evidence])
    if venue is not None and (cosignatures or witnesses):
        latest = checked[-1] if checked else None
        found, witnessed = await check_witnesses(
            cosignatures, leaves, trust_list, venue, witnesses, latest
        )
        problems.extend(found)
        notes += [f"witnessed by {w} up to entry {n}" for w, n in sorted(witnessed.items())]
    elif witnesses:
        problems.append(Problem("no signed tree head to witness", "没有可供见证的签名树头"))
    if legacy:
        notes.append(f"{legacy} checkpoints of the older format (no Merkle root) not counted")
    if checked and checked[-1].tree_size < len(leaves):
        last = checked[-1].tree_size
        notes.append(f"entries {last + 1}-{len(leaves)} come after the last signed tree head")
    return LogReport(
        len(entries), len(checked), len(receipts), tuple(problems), tuple(notes), venue
    )
