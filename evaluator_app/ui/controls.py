"""Which widget of a window performs which venue action: ``controls()`` of each window returns
``{key: widget}`` with keys ``phase:<from>-><to>`` (a phase move) or ``"<METHOD> <route>"`` (a
route of the venue's table, as written there). tests/ui/test_controls.py walks the phase
machine and the route table and fails when a role's move or action has no control.
"""

from __future__ import annotations


def route(method: str, tail: str, session: bool = True) -> str:
    """The key of a route, spelt as in ``venue.routes.ROUTES``."""
    # imported here: the login page names its route, and protocol must not load before the
    # login window's first paint (tests/ui/test_cold_start.py)
    from evaluator_app.protocol import API_PREFIX

    return f"{method} {API_PREFIX}{'/sessions/{sid}' if session else ''}{tail}"
