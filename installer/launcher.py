"""Entry script of the frozen ``evaluator`` executable (PyInstaller bundle).

The same code as the ``evaluator`` console script (``evaluator_app.cli.main:main``), plus what
only a frozen program needs:

- ``multiprocessing.freeze_support()``: a frozen program re-executes itself for child processes;
  without this a ProcessPoolExecutor worker would start a second copy of the CLI.
- ``evaluator -m evaluator_app ARGS`` is accepted as ``evaluator ARGS``: code that starts another
  copy of the app as ``[sys.executable, "-m", "evaluator_app", ...]`` (the usual way from a source
  install) then works unchanged in the bundle, where ``sys.executable`` is this program.
- ``evaluator --bundle-check PDF`` (for installer/build.sh and build.ps1, not for users) loads in
  the bundle what only a window would otherwise load: the Qt translation qtbase_zh_CN.qm from Qt's
  own translations folder, our CJK font, and QtPdf rendering the first page of PDF.
- the windowed Windows executable (``evaluatorw.exe``, no console) has no stdout/stderr; its
  messages go to a log file instead of being lost, and with no arguments it opens the app.
"""

from __future__ import annotations

import multiprocessing
import sys


def _windowed_streams() -> None:
    if sys.stdout is not None and sys.stderr is not None:
        return
    from pathlib import Path

    import platformdirs

    # Beside the app's own data (evaluator_app/client/settings.py: user_data_dir("evaluator-app",
    # "evaluator")).
    log_dir = Path(platformdirs.user_log_dir("evaluator-app", "evaluator"))
    log_dir.mkdir(parents=True, exist_ok=True)
    stream = open(log_dir / "evaluator.log", "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (lives as long as the process)
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream


def _arguments(argv: list[str]) -> list[str]:
    if argv[:2] == ["-m", "evaluator_app"]:
        argv = argv[2:]
    return argv


def _bundle_check(pdf: str) -> int:
    from PySide6.QtCore import QLibraryInfo, QSize, QTranslator
    from PySide6.QtGui import QFontDatabase, QGuiApplication
    from PySide6.QtPdf import QPdfDocument

    from evaluator_app.resources import resource

    app = QGuiApplication(sys.argv[:1])
    problems = []
    qt_translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_zh_CN", qt_translations):
        problems.append(f"qtbase_zh_CN.qm does not load from {qt_translations}")
    if QFontDatabase.addApplicationFont(str(resource("fonts/wqy-microhei.ttc"))) < 0:
        problems.append("the CJK font does not load")
    document = QPdfDocument()
    document.load(pdf)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        problems.append(f"QtPdf cannot open {pdf}: {document.error()}")
    elif document.render(0, QSize(400, 560)).isNull():
        problems.append("QtPdf renders an empty page")
    app.processEvents()
    for problem in problems:
        print("bundle check:", problem, file=sys.stderr)
    if not problems:
        print(
            f"bundle check: Qt translations, CJK font and QtPdf ({document.pageCount()} pages) load"
        )
    return 1 if problems else 0


def run() -> int:
    multiprocessing.freeze_support()
    windowed = sys.stdout is None
    _windowed_streams()
    argv = _arguments(sys.argv[1:])
    if argv[:1] == ["--bundle-check"] and len(argv) == 2:
        return _bundle_check(argv[1])
    if windowed and not argv:
        argv = ["app"]

    from evaluator_app.cli.main import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(run())
