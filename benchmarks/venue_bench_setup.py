"""Set-up for bench_venue_events.py: demo PKI, venue folder with N experts, the two server
processes.

The N simulated experts have no certificates: their bearer tokens and enrolled workstations
are written straight into the venue's SQLite store before the venue starts. Everything
signed in the benchmark (logins of the demo people, declarations) uses real signatures.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import resource
import secrets
import signal
import socket
import ssl
import threading
import time
from pathlib import Path

from aiohttp import WSMsgType, web

from evaluator_app.pki.demo_pki import DemoPki, create_demo_pki
from evaluator_app.pki.services import make_pki_services_app
from evaluator_app.venue.app import run_venue, server_ssl_context
from evaluator_app.venue.config import VenueConfig, load_config
from evaluator_app.venue.store import SqliteStore
from evaluator_app.venue.store.records import TokenRecord, WorkstationRecord
from evaluator_app.venue.venue_dir import demo_roster, init_venue_dir

DEMO_EXPERTS = [
    "expert-sd-1",
    "expert-sd-2",
    "expert-sd-3",
    "expert-nca-1",
    "expert-nca-2",
    "expert-nca-3",
    "expert-dual-sd",
]
FAR_FUTURE = "2099-01-01T00:00:00.000000Z"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, wanted), hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def pin(core: int | None) -> None:
    if core is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})


class PkiServices:
    """CRL/OCSP/TSA of the demo PKI on loopback, in a thread (revocation is checked once per
    certificate)."""

    def __init__(self, demo: DemoPki, port: int):
        self.demo, self.port = demo, port
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="pki-services")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(make_pki_services_app(self.demo))
        self.loop.run_until_complete(runner.setup())
        self.loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        self.ready.set()
        self.loop.run_forever()

    def start(self) -> PkiServices:
        self.thread.start()
        self.ready.wait(10)
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


def make_pki(root: Path) -> tuple[DemoPki, PkiServices]:
    port = free_port()
    demo = create_demo_pki(root / "pki", services_url=f"http://127.0.0.1:{port}")
    return demo, PkiServices(demo, port).start()


def bench_person(i: int) -> str:
    return f"BENCH{i:06d}"


def make_venue(root: Path, demo: DemoPki, experts: int) -> tuple[Path, VenueConfig, dict[str, str]]:
    """A venue folder whose roster holds the demo people and ``experts`` simulated experts.

    Returns the config path, the config and ``{person_id: token}`` for the simulated experts,
    whose tokens and workstations are written directly into the store.
    """
    roster = demo_roster(demo)
    for i in range(experts):
        venue = "jinan" if i % 2 == 0 else "zibo"
        roster["people"].append(
            {
                "person_id": bench_person(i),
                "name": f"专家{i}",
                "role": "expert",
                "venue": venue,
                "organisation": "",
                "city": "",
            }
        )
    config_path = init_venue_dir(
        root / "venue", venue_id="jinan", city="济南", port=free_port(), demo=demo, roster=roster
    )
    config = load_config(config_path)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(config.database)  # creates and migrates the database
    tokens: dict[str, str] = {}
    with store.transaction() as tx:
        for key in DEMO_EXPERTS:
            tx.upsert_workstation(
                WorkstationRecord(f"ws-{key}", "jinan", key, None, None, FAR_FUTURE)
            )
        for ws_id, venue in (("ws-supervisor", "jinan"), ("ws-centre", "jinan")):
            tx.upsert_workstation(WorkstationRecord(ws_id, venue, ws_id, None, None, FAR_FUTURE))
        for i in range(experts):
            person, token = bench_person(i), secrets.token_urlsafe(24)
            tx.upsert_workstation(
                WorkstationRecord(
                    f"ws-{person}",
                    "jinan" if i % 2 == 0 else "zibo",
                    f"S{i:04d}",
                    None,
                    None,
                    FAR_FUTURE,
                )
            )
            tx.insert_token(
                TokenRecord(
                    hashlib.sha256(token.encode()).hexdigest(),
                    person,
                    f"ws-{person}",
                    "expert",
                    FAR_FUTURE,
                )
            )
            tokens[person] = token
    store.close()
    return config_path, config, tokens


async def _on_message_from_directory(  # type: ignore[no-untyped-def]
    venue, board, caller, client, hub, text: str
) -> None:
    """The proposed heartbeat handler: authorised from the hub's directory, no store read per
    beat."""
    from evaluator_app.protocol.messages import Heartbeat
    from evaluator_app.protocol.schema import SchemaError, decode

    try:
        data = json.loads(text)
        kind = data.pop("type", None) if isinstance(data, dict) else None
        if kind != "heartbeat":
            raise SchemaError("$.type", "must be heartbeat")
        beat = decode(Heartbeat, data)
    except (ValueError, SchemaError) as exc:
        hub.send_direct(client, {"type": "error", "message": f"ignored malformed message: {exc}"})
        return
    if not board.accepts(caller, beat.session_id):
        hub.send_direct(
            client, {"type": "error", "message": "heartbeat for a session you are not an expert of"}
        )
        return
    await board.beat(beat.session_id, caller.person_id, beat.presence, beat.items_scored)


class _Uncached:
    """The venue's validation as before issue 17: a fresh path validation for every upload."""

    async def validate(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from evaluator_app.pki.validation import avalidate_certificate

        return await avalidate_certificate(*args, **kwargs)


def _generic_only(*args: object) -> None:
    from evaluator_app.pki.cms_check import Generic

    raise Generic("as before issue 17: no one reading of the CMS (pki.cms_read)")


def _verify_as_before() -> None:
    from pyhanko.sign.validation.generic_cms import validate_sig_integrity

    from evaluator_app.pki import cms
    from evaluator_app.venue import context

    cms.sig_integrity = validate_sig_integrity  # type: ignore[assignment]
    cms.check_read = _generic_only  # every signature by asn1crypto's generic path
    context.DEFAULT_VALIDATION_CACHE = _Uncached()  # type: ignore[assignment]
    # receipts signed as pyHanko builds them, the signing certificate's attribute every time
    cms.cades_signer = lambda signer, moment, ts: signer  # type: ignore[assignment]


def venue_main(
    config_path: str,
    core: int | None,
    directory_heartbeats: bool = False,
    gc_threshold: int = 0,
    baseline: bool = False,
    crypto_workers: int | None = None,
) -> None:
    """The venue in its own process (``evaluator venue serve`` does the same once it exists).

    ``directory_heartbeats`` swaps in the proposed heartbeat handler (see the report): the
    shipped one reads the session and all its members from the store on every heartbeat.
    ``baseline``: the venue verifies uploads and signs receipts as before issue 17 (pyHanko's
    integrity check, no validation cache, pyHanko's signed attributes built afresh), for the
    intake figure's baseline in the same run.
    """
    pin(core)
    raise_fd_limit(65536)
    logging.basicConfig(level=logging.ERROR)
    if (
        gc_threshold
    ):  # the proposed tuning for ``run_venue``: fewer collections of a big, stable heap
        import gc

        gc.freeze()
        gc.set_threshold(gc_threshold, 20, 100)
    if directory_heartbeats:
        from evaluator_app.venue.api import events as routes_events

        routes_events._on_message = _on_message_from_directory  # type: ignore[assignment]
    if baseline:
        _verify_as_before()

    def stop(*_: object) -> None:  # terminate(): the venue's own cleanup ends its crypto pool
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt):
        # the baseline signs and verifies on its loop, as before issue 17
        workers = 0 if baseline else crypto_workers  # None: run_venue's default, one per core
        asyncio.run(run_venue(load_config(config_path), crypto_workers=workers))


def _is_resource_tracker(pid: int) -> bool:
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def unpin_children(pid: int, expected: int) -> list[int]:
    """Let the venue's worker processes (its crypto pool, started in the background) run on
    every core once ``expected`` of them are up; only the venue's loop stays pinned.

    multiprocessing's resource tracker, which the spawn context starts beside the pool, is a
    child too and is not counted: counting it, the wait ended one worker early and that worker
    stayed pinned to the venue's core."""
    children: list[int] = []
    for _ in range(600):  # up to a minute for the pool's processes to spawn
        children = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                children += [int(c) for c in (task / "children").read_text().split()]
        children = [c for c in children if not _is_resource_tracker(c)]
        if len(children) >= expected:
            break
        time.sleep(0.1)
    for child in children:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(child, set(range(os.cpu_count() or 1)))
    return children


def floor_main(config_path: str, port: int, core: int | None) -> None:
    """The floor: a bare aiohttp WebSocket broadcast server, same TLS certificate, nothing else."""
    pin(core)
    raise_fd_limit(65536)
    clients: set[web.WebSocketResponse] = set()
    seq = 0

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        clients.add(ws)
        try:
            await ws.send_str(
                json.dumps({"type": "event", "seq": 0, "kind": "hello", "payload": {}})
            )
            async for message in ws:  # heartbeats: read and dropped
                if message.type != WSMsgType.TEXT:
                    continue
        finally:
            clients.discard(ws)
        return ws

    async def broadcast(request: web.Request) -> web.Response:
        nonlocal seq
        body = await request.json()
        seq += 1
        text = json.dumps(
            {
                "type": "event",
                "seq": seq,
                "kind": "broadcast",
                "payload": {"message": body["message"]},
            },
            ensure_ascii=False,
        )
        for ws in list(clients):
            try:
                await ws.send_str(text)
            except ConnectionError:
                clients.discard(ws)
        return web.json_response({"seq": seq, "clients": len(clients)})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/ws", ws_handler)
        app.router.add_post("/broadcast", broadcast)
        runner = web.AppRunner(app)
        await runner.setup()
        context: ssl.SSLContext = server_ssl_context(load_config(config_path))
        await web.TCPSite(runner, "127.0.0.1", port, ssl_context=context).start()
        await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
