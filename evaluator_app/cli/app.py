"""``evaluator app``: the desktop application (role from the person's certificate and roster)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="settings, journal and cache folder (one per person on a shared machine)",
    )
    parser.add_argument("--language", choices=("zh_CN", "en"), help="override the language setting")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import gc

    # Until the login window is painted the start-up makes only objects that live as long as the
    # process (modules, classes, the window): the cyclic collector's passes over them find
    # nothing (2 % of the cold start). run_app freezes them and turns it back on.
    gc.disable()
    from evaluator_app.ui.app import run_app  # Qt is loaded only for this command

    return run_app(args.data_dir, args.language)
