"""The centre workspace (交易中心): shown to centre staff instead of the lobby."""

from evaluator_app.ui.centre.workspace import CentreWorkspace

__all__ = ["CentreWorkspace"]
