"""The result of a session recomputed from an archive's signed artefacts alone.

The computation is the venue's own (:mod:`protocol.evaluation`); this module only reads the
archive: the project, the committee and the accepted artefacts.
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

from evaluator_app.core.project_file import project_from_dict
from evaluator_app.protocol.evaluation import SignedEvaluation
from evaluator_app.protocol.messages import in_committee


def recompute_results(archive: zipfile.ZipFile) -> dict[str, Any]:
    project = project_from_dict(json.loads(archive.read("project.json")))
    session = json.loads(archive.read("session.json"))
    lot = project.lot(session["session"]["lot_id"])
    committee = [m["person_id"] for m in session["members"] if in_committee(m["role"], m["status"])]
    accepted = [
        archive.read(name)
        for name in sorted(archive.namelist())
        if name.startswith("artefacts/")
        and name.endswith(".json")
        and archive.read(name.replace(".json", ".status")).decode() == "accepted"
    ]
    return SignedEvaluation.from_artefacts(lot, committee, accepted).summary_json()
