"""Latency of DraftJournal.record() (one keystroke, durable on return) beside a bare fsync'ed write.

Run: python benchmarks/bench_client_journal.py [--count 10000] [--dir PATH]

Both run in the same process on the same directory (default: a temporary directory under the
current one, so the disk is the one the app would use rather than a tmpfs /tmp). The baseline is
the least any durable keystroke can cost: ``write()`` of a similar record to an open file, then
``os.fsync()``. The journal's extra is SQLite's page work and its WAL commit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluator_app.client.journal import DraftJournal


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    worst, mean = ordered[-1] * 1000, statistics.fmean(samples) * 1000
    return (
        f"p50 {p(0.50):7.3f} ms   p99 {p(0.99):7.3f} ms   max {worst:7.3f} ms   mean {mean:7.3f} ms"
    )


def bench(directory: Path, count: int) -> tuple[list[float], list[float]]:
    """Interleaved, keystroke by keystroke, so that both see the same disk weather."""
    baseline: list[float] = []
    journal_samples: list[float] = []
    with (
        DraftJournal(directory / "journal.sqlite") as journal,
        open(directory / "baseline.log", "ab") as log,
    ):
        for n in range(count):
            bidder, item, value = f"B{n % 20}", f"t{n % 30:02}", str(n % 100)
            start = time.perf_counter()
            log.write(f"S1\tE1\t{bidder}\t{item}\tscore\t{value}\n".encode())
            log.flush()
            os.fsync(log.fileno())
            middle = time.perf_counter()
            journal.record("S1", "E1", bidder, item, "score", value)
            end = time.perf_counter()
            baseline.append(middle - start)
            journal_samples.append(end - middle)
    return baseline, journal_samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--dir", type=Path, default=Path.cwd())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="bench-journal-") as tmp:
        directory = Path(tmp)
        baseline, journal = bench(directory, args.count)
    print(f"{args.count} keystrokes in {args.dir}")
    print(f"  write()+fsync baseline  {percentiles(baseline)}")
    print(f"  DraftJournal.record()   {percentiles(journal)}")
    ratio = statistics.median(journal) / statistics.median(baseline)
    print(f"  record() p50 is {ratio:.2f}x the bare fsync'ed write")


if __name__ == "__main__":
    main()
