"""The one-command demo: a whole cross-city evaluation on one machine (``evaluator demo``)."""
