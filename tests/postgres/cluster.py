"""A venue on PostgreSQL served by several worker processes, optionally behind a real nginx.

Each worker is ``evaluator venue serve --config venue.toml --port N`` in its own process (as in
production, where systemd runs one unit per worker); nginx runs the sample configuration of
docs/deployment/nginx-venue.conf with this run's ports and paths. Tests kill workers with
SIGKILL and start them again; nothing here reaches into a worker's memory.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
from pathlib import Path
from typing import Any

from evaluator_app.client.venue_client import VenueClient, client_ssl_context
from evaluator_app.pki.credentials import Signer, open_key_file
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.venue.config import load_config
from evaluator_app.venue.store.postgres import PgStore
from evaluator_app.venue.store.records import WorkstationRecord
from evaluator_app.venue.venue_dir import init_venue_dir
from tests.pg_server import free_port
from tests.venue.harness import SEATS
from tests.venue_processes import start_balancer, start_worker, wait_up


class Cluster:
    def __init__(
        self, demo: DemoPki, directory: Path, dsn: str, workers: int = 2, **overrides: Any
    ):
        self.demo, self.directory, self.dsn = demo, directory, dsn
        self.ports = [free_port() for _ in range(workers)]
        self.proxy_ports = [free_port() for _ in range(workers)]  # nginx's, plain on loopback
        self.config_path = init_venue_dir(
            directory / "venue", venue_id="jinan", city="济南", port=self.ports[0], demo=demo,
            store=dsn,
        )  # fmt: skip
        if overrides:
            text = self.config_path.read_text("utf-8")
            for key, value in overrides.items():
                line = f"{key} = {json.dumps(value)}"
                text, found = re.subn(rf"^{key} = .*$", line, text, flags=re.M)
                text += "" if found else line + "\n"
            self.config_path.write_text(text, "utf-8")
        self.config = load_config(self.config_path)
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * workers
        self.nginx: subprocess.Popen[bytes] | None = None
        self.nginx_url = ""
        roots = [str(ca.root_cert) for ca in demo.cas if ca.status == "granted"]
        self.roots = roots
        self.client_ssl = client_ssl_context(roots)
        self.clients: list[VenueClient] = []
        self._enrol()

    # -- workers ------------------------------------------------------------------------
    def _enrol(self) -> None:
        store = PgStore(self.dsn)
        with store.transaction() as tx:
            for key, (venue, seat) in SEATS.items():
                tx.upsert_workstation(WorkstationRecord(f"ws-{key}", venue, seat, None, None, "t"))
            for ws, venue in (("supervisor-jinan", "jinan"), ("supervisor-zibo", "zibo")):
                tx.upsert_workstation(WorkstationRecord(f"ws-{ws}", venue, "S1", None, None, "t"))
            tx.upsert_workstation(WorkstationRecord("ws-centre", "jinan", "C1", None, None, "t"))
        store.close()

    def url(self, i: int) -> str:
        return f"https://127.0.0.1:{self.ports[i]}"

    @property
    def urls(self) -> list[str]:
        return [self.url(i) for i in range(len(self.ports))]

    def start_worker(self, i: int) -> None:
        log = self.directory / f"worker-{i}.log"
        self.procs[i] = start_worker(self.config_path, self.ports[i], log, self.proxy_ports[i])

    async def wait_up(self, url: str, proc: subprocess.Popen[bytes] | None = None) -> None:
        await wait_up(url, self.client_ssl, proc, seconds=30, logs=self.logs)

    async def start(self, nginx: bool = False, tls_to_workers: bool = False) -> Cluster:
        for i in range(len(self.ports)):
            self.start_worker(i)
        for i in range(len(self.ports)):
            await self.wait_up(self.url(i), self.procs[i])
        if nginx:
            await self.start_nginx(tls_to_workers)
        return self

    def kill(self, i: int) -> None:
        proc = self.procs[i]
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)

    async def restart(self, i: int) -> None:
        self.kill(i)
        self.start_worker(i)
        await self.wait_up(self.url(i), self.procs[i])

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-3000:] for p in sorted(self.directory.glob("*.log"))
        )

    # -- nginx ----------------------------------------------------------------------------
    async def start_nginx(self, tls_to_workers: bool = False) -> None:
        """The sample: to the workers' plain loopback ports, or (``tls_to_workers``, as for
        workers on other machines) to their HTTPS ports, checking the venue certificate."""
        cert, key = self.config.tls_cert, self.config.tls_key
        ports = self.ports if tls_to_workers else self.proxy_ports
        self.nginx, self.nginx_url = await start_balancer(
            self.directory, ports, cert, key, self.roots, self.client_ssl, tls=tls_to_workers
        )

    # -- clients ----------------------------------------------------------------------------
    def signer(self, person_key: str) -> Signer:
        person = self.demo.person(person_key)
        return open_key_file(person.p12, person.password)

    async def login(self, person_key: str, urls: list[str] | str, **kwargs: Any) -> VenueClient:
        role = self.demo.person(person_key).role
        workstation = "ws-centre" if role == "centre" else f"ws-{person_key}"
        client = VenueClient(urls, self.client_ssl, workstation, **kwargs)
        self.clients.append(client)
        await client.login(self.signer(person_key))
        return client

    async def login_client(self, url: str) -> VenueClient:
        """A client of one address with no retries and no login (a probe)."""
        client = VenueClient(url, self.client_ssl, "ws-centre", retry_seconds=0)
        self.clients.append(client)
        return client

    def person_id(self, person_key: str) -> str:
        return self.demo.person(person_key).person_id

    async def stop(self) -> None:
        for client in self.clients:
            await client.close()
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(10)
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
