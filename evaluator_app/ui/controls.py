"""Which widget of a window performs which venue action: ``controls()`` of each window returns
``{key: widget}`` with keys ``phase:<from>-><to>`` (a phase move) or ``"<METHOD> <route>"`` (a
route of the venue's table, as written there). tests/ui/test_controls.py walks the phase
machine and the route table and fails when a role's move or action has no control.
"""

from __future__ import annotations

from evaluator_app.protocol import API_PREFIX

SESSION = f"{API_PREFIX}/sessions/{{sid}}"


def route(method: str, tail: str, session: bool = True) -> str:
    """The key of a route, spelt as in ``venue.routes.ROUTES``."""
    return f"{method} {SESSION if session else API_PREFIX}{tail}"
