"""The rule of each artefact kind, one module per stage of a session; ``RULES`` maps kind → rule.

Importing this package registers every rule (:func:`rules.common.rule`).
"""

from evaluator_app.venue.intake.rules import closing, committee, documents, evaluation
from evaluator_app.venue.intake.rules.common import AFTER, RULES, Rule

__all__ = ["AFTER", "RULES", "Rule", "closing", "committee", "documents", "evaluation"]
