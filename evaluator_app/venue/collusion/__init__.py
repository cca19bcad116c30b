"""Collusion and fraud warnings (围标串标预警): evidence for the committee, never a decision.

No Qt and no network: the venue runs :func:`analyse` in an executor and stores the result.
"""

from evaluator_app.venue.collusion.analysis import (
    AnalysisCancelled,
    analyse,
    analyse_extracted,
    extract,
)
from evaluator_app.venue.collusion.model import (
    AnalysisResult,
    BidPackageInfo,
    BillItem,
    MachineCodes,
    Passage,
    Strength,
    Threshold,
    Value,
    Warning,
    WarningKind,
)
from evaluator_app.venue.collusion.thresholds import DEFAULTS, rule_for

__all__ = [
    "DEFAULTS",
    "AnalysisCancelled",
    "AnalysisResult",
    "BidPackageInfo",
    "BillItem",
    "MachineCodes",
    "Passage",
    "Strength",
    "Threshold",
    "Value",
    "Warning",
    "WarningKind",
    "analyse",
    "analyse_extracted",
    "extract",
    "rule_for",
]
