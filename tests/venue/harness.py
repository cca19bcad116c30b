"""A real venue on loopback for tests: real TLS, real SQLite, signatures from the demo PKI."""

from __future__ import annotations

import asyncio
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import web

from evaluator_app.client.venue_client import VenueClient, client_ssl_context
from evaluator_app.pki.credentials import open_key_file
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.protocol.messages import CreateSession, MemberInput, Role
from evaluator_app.venue.app import build_venue, make_app, start_server, stop_server
from evaluator_app.venue.config import load_config
from evaluator_app.venue.context import Venue
from evaluator_app.venue.store.records import WorkstationRecord
from evaluator_app.venue.venue_dir import init_venue_dir
from tests.pki_fixtures import free_port

COMMITTEE = ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2", "expert-dual-sd"]
SEATS = {
    "expert-sd-1": ("jinan", "A01"),
    "expert-sd-2": ("jinan", "A02"),
    "expert-dual-sd": ("jinan", "A03"),
    "expert-dual-nca": ("jinan", "A03"),
    "expert-nca-1": ("zibo", "B01"),
    "expert-nca-2": ("zibo", "B02"),
    "expert-nca-3": ("zibo", "B03"),
    "expert-sd-3": ("jinan", "A04"),
}


def example_project() -> dict[str, Any]:
    return json.loads(
        resources.files("evaluator_app.examples").joinpath("project.json").read_text("utf-8")
    )


class VenueHarness:
    def __init__(
        self,
        demo: DemoPki,
        directory: Path,
        reuse: bool = False,
        witnesses: dict[str, str] | None = None,
        **overrides: Any,
    ):
        """``reuse``: serve the venue folder already there (its config, its store);
        ``witnesses``: venue.toml's [witnesses], id → https URL."""
        self.demo = demo
        self.port = free_port()
        config_path = directory / "venue.toml"
        if reuse:
            text = re.sub(
                r"^port = .*$", f"port = {self.port}", config_path.read_text("utf-8"), flags=re.M
            )
            config_path.write_text(text, "utf-8")
        else:
            config_path = init_venue_dir(
                directory,
                venue_id="jinan",
                city="济南",
                port=self.port,
                demo=demo,
                witnesses=witnesses,
            )
        if overrides:
            text = config_path.read_text("utf-8")
            for key, value in overrides.items():  # replace the template's line, or add one
                line = f"{key} = {json.dumps(value)}"
                text, found = re.subn(rf"^{key} = .*$", line, text, flags=re.M)
                text += "" if found else line + "\n"
            config_path.write_text(text, "utf-8")
        self.config = load_config(config_path)
        self.venue: Venue = build_venue(self.config)
        self.base_url = f"https://127.0.0.1:{self.port}"
        roots = [str(ca.root_cert) for ca in demo.cas if ca.status == "granted"]
        self.client_ssl = client_ssl_context(roots)
        self.runner: web.AppRunner | None = None
        self.server: asyncio.AbstractServer | None = None
        self.clients: list[VenueClient] = []

    async def start(
        self, presence_interval: float = 0.2, crypto_workers: int = 0, **timeouts: float
    ) -> VenueHarness:
        """Serve as ``run_venue`` does (app.start_server); ``timeouts`` override its idle/handshake
        ones; ``crypto_workers`` > 0 starts the venue's crypto pool (venue.crypto_pool)."""
        self.app = make_app(self.venue, presence_interval, crypto_workers)
        self.runner, self.server = await start_server(
            self.app, self.config, shutdown_timeout=1, **timeouts
        )
        for key, (venue, seat) in SEATS.items():
            await self.enrol(f"ws-{key}", venue, seat)
        await self.enrol("ws-supervisor-jinan", "jinan", "S1")
        await self.enrol("ws-supervisor-zibo", "zibo", "S1")
        await self.enrol("ws-centre", "jinan", "C1")
        return self

    async def stop(self) -> None:
        for client in self.clients:
            await client.close()
        if self.runner is not None and self.server is not None:
            await stop_server(self.runner, self.server)

    async def enrol(self, workstation_id: str, venue: str, seat: str) -> None:
        now = self.venue.now_iso()
        await self.venue.store.tx(
            lambda tx: tx.upsert_workstation(
                WorkstationRecord(workstation_id, venue, seat, None, None, now)
            )
        )

    def signer(self, person_key: str):  # type: ignore[no-untyped-def]
        person = self.demo.person(person_key)
        return open_key_file(person.p12, person.password)

    def new_client(self, workstation_id: str) -> VenueClient:
        client = VenueClient(self.base_url, self.client_ssl, workstation_id)
        self.clients.append(client)
        return client

    async def login(self, person_key: str, workstation_id: str | None = None) -> VenueClient:
        role = self.demo.person(person_key).role
        default = {"centre": "ws-centre", "supervisor": f"ws-{person_key}"}.get(
            role, f"ws-{person_key}"
        )
        client = self.new_client(workstation_id or default)
        await client.login(self.signer(person_key))
        return client

    def person_id(self, person_key: str) -> str:
        return self.demo.person(person_key).person_id

    async def create_session(
        self,
        centre: VenueClient,
        session_id: str = "S1",
        committee: list[str] = COMMITTEE,
        project: dict[str, Any] | None = None,
    ) -> Any:
        members = [MemberInput(self.person_id(k), Role.EXPERT, *SEATS[k]) for k in committee]
        members += [
            MemberInput(self.person_id("supervisor-jinan"), Role.SUPERVISOR, "jinan", "S1"),
            MemberInput(self.person_id("supervisor-zibo"), Role.SUPERVISOR, "zibo", "S1"),
        ]
        body = CreateSession(
            session_id,
            "教学楼改扩建工程 第一标段",
            project or example_project(),
            "lot-1",
            "jinan",
            tuple(members),
        )
        return await centre.post("/sessions", body)
