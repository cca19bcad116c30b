"""docs/guomi.md's table of vendor SM2 mechanism codes is the one the code holds."""

from __future__ import annotations

import re
from pathlib import Path

from evaluator_app.pki.sm2_mechanisms import KNOWN, SOURCE, Sm2Input

DOC = Path(__file__).resolve().parents[2] / "docs" / "guomi.md"


def test_the_documented_table_is_the_code_table():
    text = DOC.read_text("utf-8")
    rows = re.findall(
        r"^\| [^|]+ \| [^|]+ \| `(CKM_\w+)` \| `(0x[0-9A-F]{8})` \| ([^|]+) \|", text, re.M
    )
    documented = {
        (name, int(code, 16), takes.strip() == "the message") for name, code, takes in rows
    }
    known = {(k.name, k.code, k.takes is Sm2Input.MESSAGE) for k in KNOWN}
    assert documented == known
    for part in SOURCE.split():
        assert part in text  # the source named as the code names it
