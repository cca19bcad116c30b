"""PDF documents made with reportlab: score sheets and the evaluation report."""

from evaluator_app.reports.evaluation_report import (
    CommitteeMember,
    Dissent,
    Recusal,
    render_evaluation_report,
    summary_hash,
)
from evaluator_app.reports.score_sheet import render_score_sheet, sheet_hash, sheet_hash_of_pdf

__all__ = [
    "CommitteeMember",
    "Dissent",
    "Recusal",
    "render_evaluation_report",
    "render_score_sheet",
    "sheet_hash",
    "sheet_hash_of_pdf",
    "summary_hash",
]
