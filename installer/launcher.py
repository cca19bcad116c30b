"""Entry script of the frozen ``evaluator`` executable (PyInstaller bundle).

The same code as the ``evaluator`` console script (``evaluator_app.cli.main:main``), plus what
only a frozen program needs:

- ``multiprocessing.freeze_support()``: a frozen program re-executes itself for child processes;
  without this a ProcessPoolExecutor worker would start a second copy of the CLI.
- ``evaluator -m evaluator_app ARGS`` is accepted as ``evaluator ARGS``: code that starts another
  copy of the app as ``[sys.executable, "-m", "evaluator_app", ...]`` (the usual way from a source
  install) then works unchanged in the bundle, where ``sys.executable`` is this program.
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

    # Beside the app's own data (evaluator_app/client/settings.py: user_data_dir("evaluator-app", "evaluator")).
    log_dir = Path(platformdirs.user_log_dir("evaluator-app", "evaluator"))
    log_dir.mkdir(parents=True, exist_ok=True)
    stream = open(log_dir / "evaluator.log", "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (lives as long as the process)
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream


def _arguments(argv: list[str]) -> list[str]:
    if argv[:2] == ["-m", "evaluator_app"]:
        argv = argv[2:]
    return argv


def run() -> int:
    multiprocessing.freeze_support()
    windowed = sys.stdout is None
    _windowed_streams()
    argv = _arguments(sys.argv[1:])
    if windowed and not argv:
        argv = ["app"]

    from evaluator_app.cli.main import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(run())
