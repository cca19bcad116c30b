"""Collusion and fraud warnings (围标串标预警): evidence for the committee, never a decision.

No Qt and no network: the venue runs :func:`analyse` in an executor and stores the result.
The names below are imported when first used, so that a worker process that only extracts
PDF text (``pdf_text``) does not load the checks and numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_MODULE = {
    **dict.fromkeys(("AnalysisCancelled", "analyse", "analyse_extracted", "extract"), "analysis"),
    **dict.fromkeys(
        (
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
        ),
        "model",
    ),
    **dict.fromkeys(("DEFAULTS", "rule_for"), "thresholds"),
}


def __getattr__(name: str) -> Any:
    module = _MODULE.get(name)
    if module is None:  # a submodule (``from … import service``) is then imported by Python
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
