"""The venue's own Merkle tree over its log, kept as the log grows.

A venue signs a head (the root at some size) and proves an entry's inclusion for every receipt.
Computed from the leaves each time, both cost O(n) hashes, so a day's receipts cost O(n²): at
a few thousand entries that was milliseconds of CPU per upload. The log only grows and a
complete, aligned subtree never changes, so each is hashed once, when its last leaf arrives;
a root or an inclusion path at any size is then O(log² n) lookups and a few hashes for the
right edge. The results are exactly :func:`merkle.root` and :func:`merkle.inclusion_proof`
(RFC 9162), which the tests compare at every size.
"""

from __future__ import annotations

from collections.abc import Iterable

from evaluator_app.auditlog.merkle import EMPTY_ROOT, _split, node_hash, path_ranges


class GrowingTree:
    """Append-only leaves and every complete aligned subtree: ``levels[h][i]`` is the hash of
    leaves [i·2^h, (i+1)·2^h)."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.levels[0].append(leaf)
            height = 0
            # a node completes each time its level's count becomes even
            while len(self.levels[height]) % 2 == 0:
                pair = self.levels[height][-2:]
                if height + 1 == len(self.levels):
                    self.levels.append([])
                self.levels[height + 1].append(node_hash(pair[0], pair[1]))
                height += 1

    def leaves(self, size: int) -> list[bytes]:
        return self.levels[0][:size]

    def root(self, size: int) -> bytes:
        """MTH of the first ``size`` leaves."""
        self._check(size)
        return self._range(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]), as :func:`merkle.inclusion_proof` gives it."""
        self._check(size)
        return [self._range(a, b) for a, b in path_ranges(index, size)]

    def _range(self, lo: int, hi: int) -> bytes:
        """The root of leaves [lo, hi): a stored node when the range is a complete aligned
        subtree, else RFC 9162's split (whose left part always is one)."""
        width = hi - lo
        if width & (width - 1) == 0 and lo % width == 0:
            return self.levels[width.bit_length() - 1][lo // width]
        k = _split(width)
        return node_hash(self._range(lo, lo + k), self._range(lo + k, hi))

    def _check(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ValueError(f"the tree holds {self.size} leaves, not {size}")
