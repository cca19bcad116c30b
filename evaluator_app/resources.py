"""Where the shipped resources (fonts, translations, icons) are, however the app was installed.

Looked up in order: a PyInstaller bundle, the source tree (``resources/`` beside the package,
also an editable install), and ``<prefix>/share/evaluator-app/resources`` for a wheel install.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

CJK_FONT = "fonts/wqy-microhei.ttc"


@cache
def resources_dir() -> Path:
    candidates = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    candidates.append(Path(sys.prefix) / "share" / "evaluator-app" / "resources")
    for candidate in candidates:
        if (candidate / CJK_FONT).is_file():
            return candidate
    raise FileNotFoundError(
        "the application's resources (fonts, translations) are missing; reinstall it"
    )


def resource(relative: str) -> Path:
    return resources_dir() / relative
