"""A grey control always says why: in its tooltip and in a visible line."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton


def explain_disabled(button: QAbstractButton, why: str, lines: list[str] | None = None) -> None:
    """Enable ``button`` when ``why`` is empty; else disable it, with ``why`` as its tooltip and
    (when ``lines`` is given) collected for the page's visible line."""
    button.setEnabled(not why)
    button.setToolTip(why)
    if why and lines is not None:
        lines.append(why)
