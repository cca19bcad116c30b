"""Language: Simplified Chinese by default, English on request.

Source strings are English and wrapped in ``tr()``; ``resources/translations/evaluator_zh_CN.qm``
(compiled from the ``.ts`` beside it with pyside6-lrelease) gives the Chinese.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from evaluator_app.resources import resources_dir

logger = logging.getLogger(__name__)
_installed: list[QTranslator] = []
_kept: list[bytes] = []  # the catalogues' bytes, which the translators point into


def install_language(app: QCoreApplication, language: str) -> bool:
    """Install the translator for ``language`` ("zh_CN" or "en"); True if a translation loaded."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language == "en":
        QLocale.setDefault(QLocale("en_US"))
        return True
    QLocale.setDefault(QLocale("zh_CN"))
    qt_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    qt_own = _from_memory(app, qt_dir / "qtbase_zh_CN.qm")  # Qt's own words (OK, file dialogs)
    if qt_own is not None:
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    path = resources_dir() / "translations" / f"evaluator_{language}.qm"
    translator = _from_memory(app, path)
    if translator is None:
        logger.error("translation %s missing: the interface will be in English", path)
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


def _from_memory(app: QCoreApplication, path: Path) -> QTranslator | None:
    """A translator over a copy of ``path`` in memory. Loaded from the file, Qt maps it: an
    update that rewrote the file while the application ran turned running windows English and
    crashed two of them in libQt6Core (seen while playing the demo). Qt keeps a pointer to the
    bytes, so they are kept for as long as the process lives."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    translator = QTranslator(app)
    if not translator.load(data, str(path.parent)):
        return None
    _kept.append(data)
    return translator
