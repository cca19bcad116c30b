"""The RFC 9162 Merkle tree against the RFC's recursive definitions, written out plainly here."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator_app.auditlog import merkle


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(n)]


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:  # RFC 9162 §2.1.1, recursively
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return merkle.node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:  # §2.1.3.1
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:  # §2.1.4.1
    if m == len(d):
        return [] if b else [mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=70), st.data())
def test_roots_and_proofs_match_the_rfc(n: int, data: st.DataObject) -> None:
    d = _leaves(n)
    assert merkle.root(d) == mth(d)
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = merkle.inclusion_proof(i, d)
    assert proof == path(i, d)
    assert merkle.verify_inclusion(i, n, d[i], proof, mth(d))
    m = data.draw(st.integers(min_value=1, max_value=n))
    consistency = merkle.consistency_proof(m, d)
    assert consistency == subproof(m, d, True)
    assert merkle.verify_consistency(m, n, mth(d[:m]), mth(d), consistency)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=70), st.data())
def test_a_changed_leaf_or_a_rewritten_prefix_does_not_verify(n: int, data: st.DataObject) -> None:
    d = _leaves(n)
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    proof = merkle.inclusion_proof(i, d)
    other = merkle.leaf_hash(b"forged")
    assert not merkle.verify_inclusion(i, n, other, proof, mth(d))
    assert not merkle.verify_inclusion((i + 1) % n, n, d[i], proof, mth(d)) or n == 1
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    forged = [*d[: m - 1], other, *d[m:]]  # the old tree's last leaf replaced
    proof = merkle.consistency_proof(m, forged)
    assert not merkle.verify_consistency(m, n, mth(d[:m]), mth(forged), proof)
    assert not merkle.verify_consistency(m, n, mth(d[:m]), mth(d), proof[:-1] or [other])


def test_the_compact_range_gives_the_root_of_every_prefix() -> None:
    d = _leaves(70)
    acc = merkle.CompactRange()
    assert acc.root() == merkle.EMPTY_ROOT
    for i, leaf in enumerate(d, 1):
        acc.append(leaf)
        assert acc.size == i and acc.root() == mth(d[:i])


def test_the_memoised_tree_gives_the_same_proofs() -> None:
    d = _leaves(70)
    tree = merkle.Tree(d)
    for n in (1, 2, 5, 64, 70):
        assert tree.root(0, n) == mth(d[:n])
        for m in range(1, n + 1):
            assert tree.consistency_proof(m, n) == subproof(m, d[:n], True)


def test_the_growing_tree_gives_rfc_9162s_roots_and_paths_at_every_size() -> None:
    from evaluator_app.auditlog.growing_tree import GrowingTree

    leaves = [merkle.leaf_hash(bytes([n % 256, n // 256])) for n in range(70)]
    tree = GrowingTree()
    for n, leaf in enumerate(leaves, start=1):
        tree.extend([leaf])
        assert tree.size == n
        for size in (1, n // 2 or 1, n):
            assert tree.root(size) == merkle.root(leaves[:size])
            for index in range(size):
                path = tree.inclusion_proof(index, size)
                assert path == merkle.inclusion_proof(index, leaves[:size])
    assert tree.root(0) == merkle.EMPTY_ROOT
    with pytest.raises(ValueError):
        tree.root(71)
    with pytest.raises(ValueError):
        tree.inclusion_proof(5, 5)
