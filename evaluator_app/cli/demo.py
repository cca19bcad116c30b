"""``evaluator demo``: a whole cross-city evaluation on this machine.

Default: the demo PKI, the CA services and the Jinan venue (Zibo's seats connect to it) start on
loopback with a realistic tender already open, and a launcher window lists the demo people; each
click opens the application as that person (own process, own data folder).
``--headless`` runs the services until Ctrl+C; ``--headless --selftest`` plays one whole session
through the client library and exits 0 only if every step did what it should; ``--selftest
--gui`` plays it through the real windows, every person in their own, by clicks and keys.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir", type=Path, help="keep the demo here (default: a new temporary folder)"
    )
    parser.add_argument(
        "--headless", action="store_true", help="no window: run the services until Ctrl+C"
    )
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="with --headless: play one whole session and check every step",
    )
    parser.add_argument(
        "--store",
        default="sqlite",
        help="the venue's store: sqlite (default) or postgresql://… (an empty database)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="serve the venue from N worker processes on --store postgresql://… (default 1)",
    )
    parser.add_argument(
        "--gui",
        action="store_true",
        help="with --selftest: play the session through the real windows (offscreen or Xvfb)",
    )
    parser.add_argument(
        "--shots", type=Path, help="with --selftest --gui: save screenshots of the windows here"
    )
    parser.add_argument(
        "--language",
        choices=("zh_CN", "en"),
        default="zh_CN",
        help="language of the demo people's application",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from evaluator_app.demo.runner import demo_dir, selftest, serve_until_interrupted
    from evaluator_app.demo.world import prepare

    if args.selftest and args.headless == args.gui:
        print(
            "--selftest runs with --headless or --gui / 自测须与 --headless 或 --gui 一起使用",
            file=sys.stderr,
        )
        return 2
    if args.workers < 1 or (args.workers > 1 and not args.store.startswith("postgres")):
        print(
            "--workers N>1 需要 --store postgresql://… / several workers share a PostgreSQL store",
            file=sys.stderr,
        )
        return 2
    logging.getLogger("evaluator_app").setLevel(logging.WARNING)
    directory = demo_dir(args.dir)
    print(f"准备演示数据 preparing the demo in {directory} …", flush=True)
    world = prepare(directory, args.language, args.store, args.workers)
    if args.headless and args.selftest:
        return asyncio.run(selftest(world, lambda line: print(line, flush=True)))
    if args.gui and args.selftest:  # Qt only here
        from evaluator_app.ui.selftest.run import run_gui_selftest

        return run_gui_selftest(
            world, args.language, lambda line: print(line, flush=True), args.shots
        )
    if args.headless:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve_until_interrupted(world, lambda line: print(line, flush=True)))
        return 0
    from evaluator_app.ui.launcher import run_launcher  # Qt only for the windowed demo

    return run_launcher(world)
