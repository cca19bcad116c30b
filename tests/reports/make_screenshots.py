"""Page 1 of the score sheet and of the report as PNGs in docs/screenshots/ (pdftoppm, 60 dpi).

Run: python -m tests.reports.make_screenshots
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.reports.conftest import render_report, render_sheet, sheet_of
from tests.reports.example_data import example

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def page_one_png(pdf: bytes, name: str, dpi: int = 60) -> Path:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.exit("pdftoppm (poppler-utils) is not installed")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "doc.pdf"
        src.write_bytes(pdf)
        subprocess.run(
            [
                pdftoppm,
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(src),
                str(OUT / name),
            ],
            check=True,
        )
    return OUT / f"{name}.png"


def main() -> None:
    ex = example()
    print(page_one_png(render_sheet(ex, sheet_of(ex)), "score-sheet"))
    print(page_one_png(render_report(ex), "evaluation-report"))


if __name__ == "__main__":
    main()
