"""The centre workspace (交易中心): shown to centre staff instead of the lobby.

``from evaluator_app.ui.centre import CentreWorkspace`` loads Qt only when asked for, so that
walking the packages (tests/test_layering.py) does not import PySide6.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CentreWorkspace"]


def __getattr__(name: str) -> Any:
    if name == "CentreWorkspace":
        from evaluator_app.ui.centre.workspace import CentreWorkspace

        return CentreWorkspace
    raise AttributeError(name)
