"""Building and running the venue: the aiohttp application and its HTTPS server."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import ssl
from pathlib import Path
from typing import Any

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.pki.errors import PkiError
from evaluator_app.pki.trust_list import load_trust_list
from evaluator_app.pki.validation import RevocationPolicy
from evaluator_app.pki.x509_build import load_cert
from evaluator_app.venue.api.routes import ROUTES
from evaluator_app.venue.collusion import service as collusion_service
from evaluator_app.venue.collusion.orphans import OrphanWatch
from evaluator_app.venue.config import VenueConfig
from evaluator_app.venue.context import Clock, Venue, utc_now
from evaluator_app.venue.crypto_pool import CryptoPool, default_workers
from evaluator_app.venue.documents import blob_store
from evaluator_app.venue.errors import ConfigError
from evaluator_app.venue.events.hub import EventHub
from evaluator_app.venue.events.presence import PRESENCE_KEY, PresenceBoard
from evaluator_app.venue.http import VENUE_KEY, error_middleware
from evaluator_app.venue.replay import replay_middleware
from evaluator_app.venue.store import AsyncStore, open_store
from evaluator_app.venue.store.records import PersonRecord
from evaluator_app.venue.witness.ask import WitnessAsker

logger = logging.getLogger(__name__)
# the witnesses' asker, when venue.toml names witnesses (tests and the demo wait on its rounds)
ASKER_KEY = web.AppKey("witness_asker", WitnessAsker)


def tls_fingerprint(cert_path: Path) -> str:
    """SHA-256 of the DER certificate: what a login statement binds to."""
    der = load_cert(cert_path).public_bytes(serialization.Encoding.DER)
    return hashlib.sha256(der).hexdigest()


def load_roster(path: Path) -> list[PersonRecord]:
    try:
        data = json.loads(path.read_text("utf-8"))
        return [
            PersonRecord(
                p["person_id"],
                p["name"],
                p["role"],
                p["venue"],
                p.get("organisation", ""),
                p.get("city", ""),
            )
            for p in data["people"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"roster {path} unreadable: {exc}", f"名册文件 {path} 无法读取：{exc}"
        ) from exc


def build_venue(config: VenueConfig, clock: Clock = utc_now) -> Venue:
    """Open everything a venue needs; every failure is a ConfigError saying what to fix."""
    try:
        pinned = x509.load_pem_x509_certificate(config.trust_list_signer.read_bytes())
        trust_list = load_trust_list(config.trust_list, pinned, clock())
        password = config.signing_password_file.read_text("utf-8").strip()
        signer = open_pkcs12(config.signing_p12, password)
    except OSError as exc:
        raise ConfigError(
            f"cannot read {exc.filename}: {exc.strerror}", f"无法读取 {exc.filename}"
        ) from exc
    except PkiError as exc:
        raise ConfigError(exc.message_en, exc.message_zh) from exc
    config.data_dir.mkdir(parents=True, exist_ok=True)
    people = load_roster(config.roster)
    store = AsyncStore(open_store(config.store, config.database))
    with store.store.transaction() as tx:
        tx.sync_people(people)
    # mypy: the config loader admits only hard-fail or soft-fail
    policy = RevocationPolicy(mode=config.revocation_mode, fetch=True)  # type: ignore[arg-type]
    venue = Venue(
        config, store, trust_list, signer, tls_fingerprint(config.tls_cert), policy, clock
    )
    venue.blobs = blob_store(store, config.blob_dir)
    if config.tsa_cert is not None and config.tsa_key is not None:
        from evaluator_app.pki.services import make_tsa_handler
        from evaluator_app.pki.x509_build import load_key

        try:
            venue.tsa_handler = make_tsa_handler(
                load_cert(config.tsa_cert), load_key(config.tsa_key)
            )
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"the timestamp authority's certificate or key is unreadable: {exc}",
                "时间戳服务的证书或密钥无法读取",
            ) from exc
    return venue


def make_app(
    venue: Venue, presence_interval: float = 1.0, crypto_workers: int = 0
) -> web.Application:
    """The venue's aiohttp application. ``crypto_workers`` > 0: upload checks and receipt
    signing in that many processes (venue.crypto_pool), started with the app, ended on cleanup."""
    app = web.Application(
        middlewares=[error_middleware, replay_middleware],
        client_max_size=venue.config.max_body_bytes,
    )
    app[VENUE_KEY] = venue
    for method, path, handler in ROUTES:
        # mypy: a Route's handler is typed object; each one is an aiohttp handler
        app.router.add_route(method, path, handler)  # type: ignore[arg-type]
    hub = EventHub()
    venue.hub = hub
    board = PresenceBoard(venue)
    app[PRESENCE_KEY] = board
    orphans = OrphanWatch(venue)
    if venue.store.shared:
        from evaluator_app.venue.events.listener import EventListener

        venue.listener = EventListener(venue, hub, getattr(venue.store.store, "dsn", ""))

    asker = None
    if venue.config.witnesses:
        asker = app[ASKER_KEY] = WitnessAsker(venue, venue.config.witnesses)
        venue.on_tree_head = asker.nudge

    async def on_startup(_app: web.Application) -> None:
        def load_directory(tx: Any) -> list[Any]:
            return [(s, tx.members(s.id)) for s in tx.sessions()]

        for session, members in await venue.store.read(load_directory):
            hub.remember(session, members)
        if venue.listener is not None:
            await venue.listener.start()  # type: ignore[attr-defined]
        board.start(presence_interval)
        orphans.start()
        if asker is not None:
            asker.start()
        if crypto_workers > 0:
            # the key is read again by each worker from the venue's own PKCS#12 and password file
            pool = CryptoPool(
                venue.config.signing_p12, venue.config.signing_password_file, crypto_workers
            )
            venue.pool = pool
            pool.start_soon()  # until its workers are up, signatures are made on the loop

    async def on_shutdown(_app: web.Application) -> None:
        if asker is not None:
            await asker.stop()
        await orphans.stop()  # first: it would restart an analysis stopped next
        await collusion_service.stop(venue)
        await board.stop()
        if venue.listener is not None:
            await venue.listener.stop()  # type: ignore[attr-defined]
        await hub.close_all()

    async def on_cleanup(_app: web.Application) -> None:
        if venue.pool is not None:
            await venue.pool.stop()
        await venue.store.close()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
    app.on_cleanup.append(on_cleanup)
    return app


def server_ssl_context(config: VenueConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(str(config.tls_cert), str(config.tls_key))
    return context


# Server timeouts: a connection that never finishes its TLS handshake, or that sends nothing or
# only part of a request's headers, is closed after these; it never holds a slot for long.
# (A JSON body that stalls is a 408 after http.BODY_TIMEOUT_SECONDS.)
TLS_HANDSHAKE_TIMEOUT = 10.0  # seconds from TCP connect to a finished TLS handshake
IDLE_TIMEOUT = 30.0  # aiohttp keepalive_timeout: no complete request line and headers within this
LINGER_TIMEOUT = 5.0  # after an answer to a half-sent body: wait this long for the rest, then close
# Connections the kernel queues before the loop accepts them (capped by net.core.somaxconn).
# asyncio's default is 100, fewer than the 550 people of issue 15's login storm who connect at
# once while the loop is busy; the kernel drops connections beyond the queue (nstat's
# TcpExtListenOverflows) and the clients resend them only after a second or more.
LISTEN_BACKLOG = 4096


async def start_server(
    app: web.Application,
    config: VenueConfig,
    *,
    idle_timeout: float = IDLE_TIMEOUT,
    handshake_timeout: float = TLS_HANDSHAKE_TIMEOUT,
    shutdown_timeout: float = 5,
) -> tuple[web.AppRunner, asyncio.AbstractServer]:
    """Listen on config.host:port over TLS with the venue's timeouts; stop with :func:`stop_server`.

    ``loop.create_server`` is called directly because aiohttp's TCPSite has no TLS handshake
    timeout.
    """
    runner = web.AppRunner(
        app,
        shutdown_timeout=shutdown_timeout,
        keepalive_timeout=idle_timeout,
        lingering_time=LINGER_TIMEOUT,
    )
    await runner.setup()
    assert runner.server is not None
    server = await asyncio.get_running_loop().create_server(
        runner.server,
        config.host,
        config.port,
        ssl=server_ssl_context(config),
        ssl_handshake_timeout=handshake_timeout,
        backlog=LISTEN_BACKLOG,
    )
    return runner, server


async def start_proxy_listener(runner: web.AppRunner, port: int) -> asyncio.AbstractServer:
    """The same application in plain HTTP on 127.0.0.1:``port``, for a TLS-terminating nginx on
    this machine: nginx encrypts for the clients once, in C, and the worker's loop no longer
    encrypts every WebSocket frame a second time. Loopback only, by design: between machines
    nginx speaks HTTPS to the workers' own port (docs/deployment.md)."""
    assert runner.server is not None
    return await asyncio.get_running_loop().create_server(
        runner.server, "127.0.0.1", port, backlog=LISTEN_BACKLOG
    )


async def stop_server(runner: web.AppRunner, server: asyncio.AbstractServer) -> None:
    server.close()
    await runner.cleanup()


async def run_venue(
    config: VenueConfig,
    ready: asyncio.Event | None = None,
    crypto_workers: int | None = None,
    proxy_port: int | None = None,
) -> None:
    """Serve until cancelled (Ctrl+C); signature work in one process per core unless
    ``crypto_workers`` says otherwise (0: all on the loop); ``proxy_port``: also plain HTTP on
    loopback for nginx on this machine (:func:`start_proxy_listener`)."""
    venue = build_venue(config)
    app = make_app(
        venue, crypto_workers=default_workers() if crypto_workers is None else crypto_workers
    )
    # 1,000 sockets make many long-lived objects: full collections of them stalled fan-out by
    # 100-140 ms (benchmarks/bench_venue_events.py); freeze what exists and collect less often.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    runner, server = await start_server(app, config)
    plain = None
    try:
        if proxy_port is not None:
            plain = await start_proxy_listener(runner, proxy_port)
            logger.warning("and to a proxy on this machine on http://127.0.0.1:%d", proxy_port)
    except BaseException:
        await stop_server(runner, server)
        raise
    logger.warning(
        "venue %s (%s) serving on https://%s:%d/api/v1",
        config.venue_id,
        config.city,
        config.host,
        config.port,
    )
    if ready is not None:
        ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        if plain is not None:
            plain.close()
        await stop_server(runner, server)
