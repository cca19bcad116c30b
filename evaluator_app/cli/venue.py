"""``evaluator venue``: initialise a venue folder, serve it, register workstations."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluator_app.venue.errors import ConfigError, VenueError

if TYPE_CHECKING:
    from evaluator_app.auditlog.verify_log import LogReport
    from evaluator_app.venue.config import VenueConfig


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
    init.add_argument(
        "--store",
        default="sqlite",
        help="sqlite (default), or postgresql://user@host/db for several workers",
    )
    init.set_defaults(func=run_init)
    serve = sub.add_parser("serve", help="serve the venue over HTTPS until Ctrl+C")
    serve.add_argument("--config", type=Path, required=True)
    serve.add_argument(
        "--port", type=int, help="listen here instead (one worker of several on one database)"
    )
    serve.add_argument("--host", help="listen on this address instead")
    serve.add_argument(
        "--proxy-port",
        type=int,
        help="also plain HTTP on 127.0.0.1:N, for nginx on this machine that ends TLS "
        "(docs/deployment.md)",
    )
    serve.set_defaults(func=run_serve)
    move = sub.add_parser(
        "migrate-store",
        help="move a stopped venue from SQLite to PostgreSQL, audit log and documents included",
    )
    move.add_argument("--config", type=Path, required=True)
    move.add_argument("--to", required=True, metavar="postgresql://…")
    move.set_defaults(func=run_migrate_store)
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
    if args.store != "sqlite":
        from evaluator_app.venue.store import is_postgresql
        from evaluator_app.venue.store.postgres import PgStore

        if not is_postgresql(args.store):
            print("--store: sqlite 或 postgresql://… / sqlite or postgresql://…", file=sys.stderr)
            return 2
        try:  # the database must be reachable now; its schema is created (or checked) here
            PgStore(args.store).close()
        except VenueError as exc:
            print(f"{exc.message_zh}\n{exc.message_en}", file=sys.stderr)
            return 1
    config = init_venue_dir(
        args.dir,
        venue_id=args.venue_id,
        city=args.city,
        port=args.port,
        demo=demo,
        store=args.store,
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
        if args.port is not None or args.host is not None:
            config = dataclasses.replace(
                config, port=args.port or config.port, host=args.host or config.host
            )
        asyncio.run(run_venue(config, proxy_port=args.proxy_port))
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
    from evaluator_app.venue.store import open_store
    from evaluator_app.venue.store.records import WorkstationRecord

    try:
        config = load_config(args.config)
        config.data_dir.mkdir(parents=True, exist_ok=True)
        store = open_store(config.store, config.database)
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


def run_migrate_store(args: argparse.Namespace) -> int:
    """Copy everything into PostgreSQL, verify it there, then point venue.toml at it."""
    import re

    from evaluator_app.auditlog.files import signature_checker
    from evaluator_app.venue.config import load_config
    from evaluator_app.venue.store import SqliteStore, is_postgresql
    from evaluator_app.venue.store.move import move_store
    from evaluator_app.venue.store.postgres import PgStore, redacted

    if not is_postgresql(args.to):
        print("--to: postgresql://… 地址 / a postgresql:// URL", file=sys.stderr)
        return 2
    try:
        config = load_config(args.config)
        if config.store != "sqlite":
            print(
                f"{args.config}: 已在使用 {config.store} / the venue is not on SQLite",
                file=sys.stderr,
            )
            return 1
        source, target = SqliteStore(config.database), PgStore(args.to)
        try:
            report = move_store(source, config.blob_dir, target, signature_checker())
            log = _verify_moved_log(config, target)
        finally:
            source.close()
            target.close()
    except VenueError as exc:
        print(f"{exc.message_zh}\n{exc.message_en}", file=sys.stderr)
        return 1
    if not log.ok:
        print(
            f"迁移后的审计日志验证失败 / the moved audit log does not verify ({redacted(args.to)}):"
        )
        for problem in log.problems:
            print(f"  {problem.zh} / {problem.en}")
        print(f"{args.config} still uses SQLite", file=sys.stderr)
        return 1
    text = args.config.read_text("utf-8")
    args.config.with_suffix(".toml.sqlite").write_text(text, "utf-8")  # the way back
    line = f'store = "{args.to}"'
    text, found = re.subn(r"^store = .*$", line, text, flags=re.M)
    args.config.write_text(text if found else text + "\n" + line + "\n", "utf-8")
    moved = sum(report.rows.values())
    print(f"{moved} rows, {report.documents} documents moved to {redacted(args.to)}")
    print(
        f"audit log verified in PostgreSQL: {log.entries} entries, {log.heads} signed tree heads"
        f" of {log.venue} (by the key the trust list names for it)"
    )
    print(f"已迁移 {moved} 行、{report.documents} 个文件；审计日志在 PostgreSQL 中验证通过")
    print(f"{args.config} now uses it; the SQLite file is kept ({config.database})")
    return 0


def _verify_moved_log(config: VenueConfig, target: Any) -> LogReport:
    """The moved log as ``evaluator audit verify`` checks it: every entry, and every tree head
    signed by the key the venue's own trust list names for it."""
    from cryptography import x509

    from evaluator_app.auditlog.verify_log import averify_log
    from evaluator_app.pki.cms import run_sync
    from evaluator_app.pki.errors import PkiError
    from evaluator_app.pki.trust_list import load_trust_list

    try:
        pinned = x509.load_pem_x509_certificate(config.trust_list_signer.read_bytes())
        trust = load_trust_list(config.trust_list, pinned)
    except (OSError, ValueError, PkiError) as exc:
        raise ConfigError(
            f"cannot load the venue's trust list to verify the move: {exc}",
            f"无法读取场地的信任列表以验证迁移：{exc}",
        ) from exc
    with target.reading() as tx:
        entries, points = list(tx.audit_entries()), tx.checkpoints()
    return run_sync(averify_log(entries, points, trust, venue=config.venue_id))
