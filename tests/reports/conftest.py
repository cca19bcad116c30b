"""Fixtures for the PDF tests: the bundled example rendered, and throwaway signers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from evaluator_app.pki.signature_verify import RootsChecker
from evaluator_app.reports.evaluation_report import (
    CommitteeMember,
    Dissent,
    Recusal,
    render_evaluation_report,
)
from evaluator_app.reports.score_sheet import render_score_sheet
from tests.reports.example_data import GENERATED_AT, NAMES, VENUES, Example, example
from tests.signing.pki_helpers import TinyPki

SESSION_TITLE = "历城二中教学楼改扩建工程 第一标段 远程异地评标"


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return path


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def pdftotext(pdf: bytes, tmp_path: Path, *extra: str) -> str:
    f = tmp_path / "doc.pdf"
    f.write_bytes(pdf)
    return run(tool("pdftotext"), *extra, str(f), "-")


@pytest.fixture(scope="session")
def ex() -> Example:
    return example()


def sheet_of(ex: Example, expert_id: str = "E5"):  # type: ignore[no-untyped-def]
    return next(s for s in ex.sheets if s.expert_id == expert_id)


def render_sheet(ex: Example, sheet) -> bytes:  # type: ignore[no-untyped-def]
    return render_score_sheet(
        sheet,
        ex.lot,
        session_title=SESSION_TITLE,
        expert_name=NAMES[sheet.expert_id],
        venue=VENUES[sheet.expert_id],
        seat="W-03",
        project_name=ex.project.name,
    )


def committee(ex: Example) -> list[CommitteeMember]:
    return [CommitteeMember(e, NAMES[e], VENUES[e], leader=e == "E2") for e in ex.committee.experts]


DISSENT = Dissent(
    "E5",
    NAMES["E5"],
    "淄博华信建工有限公司施工组织设计缺少冬季施工专项方案，不宜推荐为第一中标候选人。",
)
RECUSAL = Recusal("E9", "赵明", "与青岛海岳建设工程有限公司存在近三年劳动关系", NAMES["E5"])


def render_report(ex: Example, summary=None, **kw) -> bytes:  # type: ignore[no-untyped-def]
    args = dict(
        session_title=SESSION_TITLE,
        committee=committee(ex),
        generated_at=GENERATED_AT,
        recusals=[RECUSAL],
        sheets=ex.sheets,
        dissents=[DISSENT],
        session_id="S-2026-1126-01",
    )
    args.update(kw)
    return render_evaluation_report(
        ex.project, ex.lot, summary if summary is not None else ex.summary, **args
    )  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sheet_pdf(ex: Example) -> bytes:
    return render_sheet(ex, sheet_of(ex))


@pytest.fixture(scope="session")
def report_pdf(ex: Example) -> bytes:
    return render_report(ex)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TinyPki:
    return TinyPki(tmp_path_factory.mktemp("pki"))


@pytest.fixture()
def checker(pki: TinyPki) -> RootsChecker:
    return RootsChecker([pki.root], revocation="off")
