"""Language: Simplified Chinese by default, English on request.

Source strings are English and wrapped in ``tr()``; ``resources/translations/evaluator_zh_CN.qm``
(compiled from the ``.ts`` beside it with pyside6-lrelease) gives the Chinese.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from evaluator_app.resources import resources_dir

logger = logging.getLogger(__name__)
_installed: list[QTranslator] = []


def install_language(app: QCoreApplication, language: str) -> bool:
    """Install the translator for ``language`` ("zh_CN" or "en"); True if a translation loaded."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language == "en":
        QLocale.setDefault(QLocale("en_US"))
        return True
    QLocale.setDefault(QLocale("zh_CN"))
    qt_own = QTranslator(app)  # Qt's own words (OK, Cancel, file dialogs) in Chinese too
    if qt_own.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt_own)
        _installed.append(qt_own)
    translator = QTranslator(app)
    path = resources_dir() / "translations" / f"evaluator_{language}.qm"
    if not translator.load(str(path)):
        logger.error("translation %s missing: the interface will be in English", path)
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
