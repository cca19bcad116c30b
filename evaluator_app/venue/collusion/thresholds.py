"""The thresholds in force for a lot: the plan's ``collusion`` object, or the defaults.

The thresholds themselves live in :mod:`evaluator_app.core.collusion_rule` because the plan (core)
carries them and core may not import the venue.
"""

from __future__ import annotations

from evaluator_app.core.collusion_rule import CollusionRule, dump_collusion, threshold_name
from evaluator_app.core.plan import Plan

DEFAULTS = CollusionRule()

__all__ = ["DEFAULTS", "CollusionRule", "dump_collusion", "rule_for", "threshold_name"]


def rule_for(plan: Plan | None) -> CollusionRule:
    return DEFAULTS if plan is None else plan.collusion
