"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0) over the audit entries.

Leaves are the entries' hashes (each the SHA-256 of an entry's canonical JSON, which names the
previous entry's hash too): ``leaf = SHA-256(0x00 ‖ entry hash)``, ``node = SHA-256(0x01 ‖
left ‖ right)``. Inclusion and consistency proofs are made and checked with the algorithms of
RFC 9162 §2.1.3 and §2.1.4, so a receipt proves its entry is in the log, and two tree heads
prove that the later one extends the earlier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry_hash: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of leaf hashes, bottom-up: the same tree as RFC 9162's recursive split."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])  # an unpaired right edge moves up unchanged
        level = nxt
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) for the leaf at ``index`` (0-based) among ``leaves``."""
    return [root(leaves[a:b]) for a, b in path_ranges(index, len(leaves))]


def path_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges [a, b) whose roots make PATH(index, D[size]), in the path's order
    (RFC 9162 §2.1.3.1: the sibling of each split on the way down, bottom first)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    lo, hi = 0, size
    siblings: list[tuple[int, int]] = []
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            siblings.append((lo + k, hi))
            hi = lo + k
        else:
            siblings.append((lo, lo + k))
            lo = lo + k
    return siblings[::-1]


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]): the tree of ``old_size`` leaves is a prefix of ``leaves``."""
    n = len(leaves)
    if not 0 < old_size <= n:
        raise ValueError(f"no consistency proof from {old_size} to {n}")
    return _subproof(old_size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], whole), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` place ``leaf`` at ``index`` in the tree ``root``."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree (old_size, old_root) a prefix of (new_size, new_root)."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path = [old_root, *path]
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class CompactRange:
    """The perfect subtrees over leaves [0, size), as a binary counter: appending is O(log n)
    amortised and the root of the prefix read so far is O(log n), so checking a head at every
    size a log has been signed at costs one pass over its leaves."""

    def __init__(self) -> None:
        self.size = 0
        self._nodes: list[tuple[int, bytes]] = []  # (height, hash), heights strictly falling

    def append(self, leaf: bytes) -> None:
        height, node = 0, leaf
        while self._nodes and self._nodes[-1][0] == height:
            node = node_hash(self._nodes.pop()[1], node)
            height += 1
        self._nodes.append((height, node))
        self.size += 1

    def root(self) -> bytes:
        if not self._nodes:
            return EMPTY_ROOT
        value = self._nodes[-1][1]
        for _, left in reversed(self._nodes[:-1]):
            value = node_hash(left, value)
        return value


def roots_at(leaves: Sequence[bytes], sizes: set[int]) -> dict[int, bytes]:
    """The root of every prefix of ``leaves`` whose size is in ``sizes``, in one pass."""
    tree, out = CompactRange(), {}
    for leaf in leaves:
        tree.append(leaf)
        if tree.size in sizes:
            out[tree.size] = tree.root()
    return out


class Tree:
    """Proofs over one list of leaves with every subtree root computed once (memoised by
    range), so proofs for many sizes — a head after each of a hundred — stay near O(n)."""

    def __init__(self, leaves: Sequence[bytes]) -> None:
        self.leaves = leaves
        self._memo: dict[tuple[int, int], bytes] = {}

    def root(self, lo: int, hi: int) -> bytes:
        if hi - lo == 1:
            return self.leaves[lo]
        if hi <= lo:
            return EMPTY_ROOT
        key = (lo, hi)
        found = self._memo.get(key)
        if found is None:
            k = _split(hi - lo)
            found = self._memo[key] = node_hash(self.root(lo, lo + k), self.root(lo + k, hi))
        return found

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        if not 0 < old_size <= new_size <= len(self.leaves):
            raise ValueError(f"no consistency proof from {old_size} to {new_size}")
        return self._subproof(old_size, 0, new_size, True)

    def _subproof(self, m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
        if m == hi - lo:
            return [] if whole else [self.root(lo, hi)]
        k = _split(hi - lo)
        if m <= k:
            return [*self._subproof(m, lo, lo + k, whole), self.root(lo + k, hi)]
        return [*self._subproof(m - k, lo + k, hi, False), self.root(lo, lo + k)]
