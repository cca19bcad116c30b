"""Collusion analysis: time and peak memory beside the text extraction alone, in the same run.

    python benchmarks/bench_collusion.py [--bids 20] [--pages 300] [--chars 1200] [--dir DIR]
        [--sample 15] [--tracemalloc]

Generates --bids bid documents of --pages pages each (Chinese text from a vocabulary, about --chars
characters a page, two pairs of bidders with shared passages and a shared misspelling planted)
into DIR (a temporary directory unless given; an existing DIR with the same set is reused), then:

(0) baseline: the first --sample pages of every bid through pypdf (the extractor before PDFium),
    then the same pages through PDFium in this one process: time per page, ratio, and the
    characters each found (whitespace aside);
(a) extraction: PDFium text and metadata of every document over every core (what ``analyse``
    does first);
(b) analysis: every check on the extracted text, packages and prices (``analyse_extracted``),
    with the time of each stage.

Targets: (a) + (b), the whole analysis, under 20 s for 20 bids × 300 pages; (b) less than (a).
Peak memory is the process's maximum RSS after each step (``resource.getrusage``); --tracemalloc
also reports the Python heap peak of (b) alone, in a second pass (tracemalloc slows Python down,
so its times are not the ones compared).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluator_app.venue.collusion import DEFAULTS, analyse_extracted, extract
from evaluator_app.venue.collusion.pdf_text import read_pages
from evaluator_app.venue.collusion.similarity import normalise
from tests.collusion.bidgen import SHARED_SEED, TYPO, Bid, clean_set, page_text, render


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _cpu() -> float:
    """CPU seconds of this process and of its reaped children (the extraction workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _render_one(args: tuple[Bid, str]) -> None:
    bid, path = args
    Path(path).write_bytes(render(bid.pages, bid.meta))


def generate(bids: int, pages: int, chars: int, where: Path) -> list[Bid]:
    """The bid set, with PDFs written to ``where`` (rendered on every core)."""
    set_ = clean_set(bids, pages, seed=2025, chars=chars, with_pdf=False)
    # planted: B2 p.17 ≈ B7 p.250, B3 p.100 ≈ B11 p.5 (clamped to the page count), and a misspelling
    for k, ((x, px), (y, py)) in enumerate([(("B2", 17), ("B7", 250)), (("B3", 100), ("B11", 5))]):
        shared = page_text(random.Random(SHARED_SEED + k), 400)
        for bidder, page in ((x, px), (y, py)):
            bid = next((b for b in set_ if b.bidder_id == bidder), None)
            if bid is not None:
                n = min(page, pages) - 1
                bid.pages[n] = bid.pages[n][:100] + shared + bid.pages[n][100 + len(shared) :]
    for bid in set_[3:5]:
        bid.pages[min(1, pages - 1)] = TYPO + bid.pages[min(1, pages - 1)][len(TYPO) :]
    stamp = f"v2:{bids}x{pages}x{chars}"  # bump when the planted content changes
    marker = where / "set.json"
    if marker.exists() and json.loads(marker.read_text()) == stamp:
        print(f"reusing the bid set in {where}")
    else:
        started = time.perf_counter()
        jobs = [(b, str(where / f"{b.bidder_id}.pdf")) for b in set_]
        with mp.Pool() as pool:
            pool.map(_render_one, jobs, chunksize=1)
        marker.write_text(json.dumps(stamp))
        print(
            f"generated {bids} × {pages} pages in {time.perf_counter() - started:.1f} s "
            f"into {where}"
        )
    for bid in set_:
        bid.pdf = (where / f"{bid.bidder_id}.pdf").read_bytes()
    return set_


def baseline(bids: list[Bid], sample: int) -> float:
    """pypdf against PDFium on the same pages, one process each, back to back."""
    import io

    from pypdf import PdfReader

    started = time.perf_counter()
    old = [
        page.extract_text() or ""
        for b in bids
        for page in PdfReader(io.BytesIO(b.pdf)).pages[:sample]
    ]
    t_old = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    new = [text for b in bids for text in read_pages(b.doc_id, b.pdf, 0, sample)[0]]
    t_new, cpu_new = time.perf_counter() - started, time.process_time() - cpu
    chars_old = sum(len(normalise(t)) for t in old)
    chars_new = sum(len(normalise(t)) for t in new)
    same = sum(normalise(a) == normalise(b) for a, b in zip(old, new, strict=True))
    print(
        f"(0) baseline on {len(old)} pages: pypdf {t_old / len(old) * 1000:.1f} ms/page, "
        f"PDFium {t_new / len(new) * 1000:.2f} ms/page (one process; "
        f"CPU {cpu_new / len(new) * 1000:.2f} ms/page): {t_old / t_new:.0f}× faster; "
        f"{chars_old} vs {chars_new} characters, {same}/{len(old)} pages identical"
    )
    return t_old / len(old)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bids", type=int, default=20)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--chars", type=int, default=1200)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--sample", type=int, default=15, help="pages a bid for the baseline")
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    temp = None
    if args.dir is None:
        temp = tempfile.TemporaryDirectory(prefix="bench-collusion-")
        args.dir = Path(temp.name)
    args.dir.mkdir(parents=True, exist_ok=True)
    bids = generate(args.bids, args.pages, args.chars, args.dir)
    documents = [(b.bidder_id, b.doc_id, b.pdf) for b in bids]
    megabytes = sum(len(b.pdf) for b in bids) / 2**20
    rss_before = _rss_mb()
    print(f"before: {_load()} (2 cores are shared: compare the CPU seconds too)")
    pypdf_page = baseline(bids, min(args.sample, args.pages)) if args.sample else 0.0

    started, cpu = time.perf_counter(), _cpu()
    metas, texts, unreadable = extract(documents)
    t_extract, cpu_extract = time.perf_counter() - started, _cpu() - cpu
    rss_extract = _rss_mb()
    characters = sum(len(p) for t in texts for p in t.pages)

    stages: dict[str, float] = {}
    mark = [time.perf_counter()]

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "checks":
            now = time.perf_counter()
            stages[["fingerprints", "prices", "passages", "misspellings"][done - 1]] = now - mark[0]
            mark[0] = now

    packages = [b.package for b in bids]
    prices = {b.bidder_id: b.price for b in bids}
    started, cpu = time.perf_counter(), _cpu()
    mark[0] = started
    warnings = analyse_extracted(
        metas, texts, packages, prices, Decimal("40000000"), DEFAULTS, progress=progress
    )
    t_analysis, cpu_analysis = time.perf_counter() - started, _cpu() - cpu
    rss_analysis = _rss_mb()

    print(
        f"\n{len(bids)} bids × {args.pages} pages = {sum(len(t.pages) for t in texts)} pages, "
        f"{megabytes:.1f} MB of PDF, {characters / 1e6:.2f} M characters extracted, "
        f"{len(unreadable)} unreadable"
    )
    print(
        f"(a) extraction (PDFium, {mp.cpu_count()} cores) {t_extract:6.2f} s   "
        f"{t_extract / max(1, len(texts) * args.pages) * 1000:.2f} ms/page, "
        f"{cpu_extract:.2f} CPU s (workers included)"
    )
    print(
        f"(b) analysis (all checks)     {t_analysis:8.2f} s   "
        f"= {t_analysis / t_extract * 100:.0f} % of the extraction"
        f"   target < 100 %: {'met' if t_analysis < t_extract else 'NOT met'}"
    )
    for name, seconds in stages.items():
        print(f"      {name:<24}{seconds:8.2f} s")
    print(f"      {'CPU':<24}{cpu_analysis:8.2f} s")
    total = t_extract + t_analysis
    print(
        f"(a) + (b) whole analysis      {total:8.2f} s   target < 20 s: "
        f"{'met' if total < 20 else 'NOT met'}; {cpu_extract + cpu_analysis:.2f} CPU s"
    )
    if pypdf_page:
        before = pypdf_page * sum(len(t.pages) for t in texts)
        print(
            f"    baseline: pypdf's extraction alone, one process, at (0)'s rate {before:8.2f} s: "
            f"the whole analysis now takes {total / before:.2f}× that"
        )
    print(f"after: {_load()}")
    print(
        f"max RSS: {rss_before:.0f} MB with the PDFs in memory, {rss_extract:.0f} MB after (a), "
        f"{rss_analysis:.0f} MB after (b)"
    )
    print(f"{len(warnings)} warnings:")
    for warning in warnings:
        pages = ", ".join(
            f"{p.bidder_a} p.{p.page_a} ~ {p.bidder_b} p.{p.page_b}" for p in warning.passages[:4]
        )
        print(
            f"  {warning.strength.value:<8} {warning.kind.value:<22} "
            f"{'/'.join(warning.bidders):<12} {pages or warning.summary}"
        )
    if args.tracemalloc:
        tracemalloc.start()
        analyse_extracted(metas, texts, packages, prices, Decimal("40000000"), DEFAULTS)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc: peak Python heap during (b) alone {peak / 2**20:.0f} MB")
    if temp is not None:
        temp.cleanup()


if __name__ == "__main__":
    main()
