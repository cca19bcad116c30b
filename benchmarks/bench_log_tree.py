"""What a receipt costs the venue in Merkle work (a script, not a test).

    python benchmarks/bench_log_tree.py [--entries 1000,5000,20000] [--receipts 200]

Per receipt the venue signs a head over the whole log (its root) and proves the entry's
inclusion against it. For a log of N entries, in one run: the venue's GrowingTree (each
complete subtree hashed once) beside the baseline, the same root and path computed from the
leaf list each time (merkle.root and merkle.inclusion_proof, as the venue did before), both
checked equal.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.growing_tree import GrowingTree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", default="1000,5000,20000")
    parser.add_argument("--receipts", type=int, default=200)
    args = parser.parse_args()
    print(f"{'entries':>8} {'from the leaves (ms/receipt)':>30} {'GrowingTree (ms/receipt)':>26}")
    for n in (int(x) for x in args.entries.split(",")):
        leaves = [merkle.leaf_hash(i.to_bytes(8, "big")) for i in range(n)]
        tree = GrowingTree()
        tree.extend(leaves)
        # the last receipts of a log that has grown to n: sizes n - receipts + 1 … n
        sizes = range(max(1, n - args.receipts + 1), n + 1)
        t = time.perf_counter()
        old = [(merkle.root(leaves[:s]), merkle.inclusion_proof(s - 1, leaves[:s])) for s in sizes]
        base = (time.perf_counter() - t) / len(sizes)
        t = time.perf_counter()
        new = [(tree.root(s), tree.inclusion_proof(s - 1, s)) for s in sizes]
        grown = (time.perf_counter() - t) / len(sizes)
        assert old == new, "the trees disagree"
        print(f"{n:>8} {base * 1000:>30.3f} {grown * 1000:>26.4f}   ({base / grown:.0f}x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
