"""``evaluator venue``: initialise a venue folder, serve it, register workstations."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from evaluator_app.venue.errors import VenueError


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="venue_command", metavar="ACTION", required=True)
    init = sub.add_parser("init", help="write a commented venue.toml, a roster and the data folder")
    init.add_argument("dir", type=Path)
    init.add_argument("--venue-id", default="jinan")
    init.add_argument("--city", default="济南")
    init.add_argument("--port", type=int, default=8443)
    init.add_argument(
        "--demo-pki", type=Path, help="fill every path from a demo PKI (evaluator pki demo)"
    )
    init.set_defaults(func=run_init)
    serve = sub.add_parser("serve", help="serve the venue over HTTPS until Ctrl+C")
    serve.add_argument("--config", type=Path, required=True)
    serve.set_defaults(func=run_serve)
    ws = sub.add_parser(
        "workstation", help="register a workstation seat and print its one-time enrolment code"
    )
    ws.add_argument("--config", type=Path, required=True)
    ws.add_argument("--id", required=True)
    ws.add_argument("--venue", required=True, help="the venue (city) the seat is in, e.g. jinan")
    ws.add_argument("--seat", required=True)
    ws.set_defaults(func=run_workstation)


def run_init(args: argparse.Namespace) -> int:
    from evaluator_app.venue.venue_dir import init_venue_dir

    demo = None
    if args.demo_pki:
        from evaluator_app.pki.demo_pki import load_demo_pki
        from evaluator_app.pki.errors import PkiError

        try:
            demo = load_demo_pki(args.demo_pki)
        except PkiError as exc:
            print(f"{args.demo_pki}: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
            return 2
    if (args.dir / "venue.toml").exists():
        print(f"{args.dir / 'venue.toml'}: 已存在，未覆盖 exists, not overwritten", file=sys.stderr)
        return 1
    config = init_venue_dir(
        args.dir, venue_id=args.venue_id, city=args.city, port=args.port, demo=demo
    )
    print(config)
    if demo is None:
        print(
            "edit the paths in it (TLS certificate, signing key, trust list) before `evaluator "
            "venue serve`",
            file=sys.stderr,
        )
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from evaluator_app.venue.app import run_venue
    from evaluator_app.venue.config import load_config

    logging.getLogger("evaluator_app").setLevel(logging.INFO)
    try:
        config = load_config(args.config)
        asyncio.run(run_venue(config))
    except VenueError as exc:
        print(f"{exc.message_zh}\n{exc.message_en}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except OSError as exc:  # port in use, TLS files unreadable
        print(f"cannot start the venue: {exc}", file=sys.stderr)
        return 1
    return 0


def run_workstation(args: argparse.Namespace) -> int:
    from evaluator_app.venue.access.auth import new_enrolment_code
    from evaluator_app.venue.config import load_config
    from evaluator_app.venue.store import SqliteStore
    from evaluator_app.venue.store.records import WorkstationRecord

    try:
        config = load_config(args.config)
        config.data_dir.mkdir(parents=True, exist_ok=True)
        store = SqliteStore(config.database)
    except VenueError as exc:
        print(f"{exc.message_zh}\n{exc.message_en}", file=sys.stderr)
        return 1
    code, code_hash = new_enrolment_code()
    with store.transaction() as tx:
        tx.upsert_workstation(
            WorkstationRecord(args.id, args.venue, args.seat, code_hash, None, None)
        )
    store.close()
    print(f"workstation {args.id} at {args.venue}/{args.seat}: enrolment code {code} (shown once)")
    return 0
