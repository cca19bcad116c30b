"""Names of the phases and roles as a person reads them (translated through Qt)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def phase_name(phase: str) -> str:
    names = {
        "preparing": QCoreApplication.translate("Phase", "Preparing"),
        "check_in": QCoreApplication.translate("Phase", "Check-in"),
        "declarations": QCoreApplication.translate("Phase", "Declarations"),
        "leader_election": QCoreApplication.translate("Phase", "Leader election"),
        "preliminary_review": QCoreApplication.translate("Phase", "Preliminary review"),
        "detailed_scoring": QCoreApplication.translate("Phase", "Detailed scoring"),
        "summary": QCoreApplication.translate("Phase", "Summary"),
        "report_signing": QCoreApplication.translate("Phase", "Report signing"),
        "closed": QCoreApplication.translate("Phase", "Closed"),
        "paused": QCoreApplication.translate("Phase", "Paused"),
    }
    return names.get(phase, phase)


def role_name(role: str) -> str:
    names = {
        "expert": QCoreApplication.translate("Role", "Expert"),
        "supervisor": QCoreApplication.translate("Role", "Supervisor"),
        "centre": QCoreApplication.translate("Role", "Trading centre"),
    }
    return names.get(role, role)
