"""Preparing the demo on disk: PKI, venue folder, the people and their settings."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from pathlib import Path

from evaluator_app.client.settings import AppSettings, save_settings
from evaluator_app.pki.demo_pki import DemoPki, create_demo_pki, load_demo_pki
from evaluator_app.venue.venue_dir import init_venue_dir

# who plays in the demo, where they sit (venue, seat) and their workstation
EXPERTS = ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2", "expert-dual-sd"]
SUBSTITUTE = "expert-sd-3"  # replaces the expert who recuses in the self-test
SEATS: dict[str, tuple[str, str]] = {
    "expert-sd-1": ("jinan", "A01"),
    "expert-sd-2": ("jinan", "A02"),
    "expert-dual-sd": ("jinan", "A03"),
    "expert-sd-3": ("jinan", "A04"),
    "expert-nca-1": ("zibo", "B01"),
    "expert-nca-2": ("zibo", "B02"),
    "supervisor-jinan": ("jinan", "S1"),
    "supervisor-zibo": ("zibo", "S1"),
    "centre-1": ("jinan", "C1"),
}
CITY = {"jinan": "济南", "zibo": "淄博"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    role: str
    venue: str
    seat: str
    workstation: str
    data_dir: Path
    p12: Path
    password: str


@dataclass(frozen=True)
class DemoWorld:
    root: Path
    pki: DemoPki
    services_port: int
    venue_port: int
    venue_config: Path
    people: tuple[DemoPerson, ...]

    @property
    def venue_url(self) -> str:
        return f"https://127.0.0.1:{self.venue_port}"

    def person(self, key: str) -> DemoPerson:
        return next(p for p in self.people if p.key == key)


def prepare(root: Path, language: str = "zh_CN") -> DemoWorld:
    """Create (or reuse) everything under ``root``; ports are chosen now and kept in world.json."""
    root.mkdir(parents=True, exist_ok=True)
    state_file = root / "world.json"
    if state_file.is_file():
        state = json.loads(state_file.read_text("utf-8"))
        pki = load_demo_pki(root / "pki")
    else:
        state = {"services_port": free_port(), "venue_port": free_port()}
        pki = create_demo_pki(
            root / "pki", services_url=f"http://127.0.0.1:{state['services_port']}"
        )
        init_venue_dir(
            root / "venue-jinan", venue_id="jinan", city="济南", port=state["venue_port"], demo=pki
        )
        state_file.write_text(json.dumps(state), "utf-8")
    roots = tuple(str(ca.root_cert) for ca in pki.cas if ca.status == "granted")
    people = []
    for key, (venue, seat) in SEATS.items():
        person = pki.person(key)
        data_dir = root / "people" / key
        settings = AppSettings(
            language=language,
            main_venue_url=f"https://127.0.0.1:{state['venue_port']}",
            workstation_id=f"ws-{key}",
            trust_list=str(pki.trust_list),
            trust_list_signer=str(pki.trust_list_signer.cert),
            ca_roots=roots,
            last_p12=str(person.p12),
            tsa_url=f"http://127.0.0.1:{state['services_port']}/tsa",
        )
        save_settings(data_dir, settings)
        people.append(
            DemoPerson(
                key,
                person.name,
                person.role,
                venue,
                seat,
                f"ws-{key}",
                data_dir,
                person.p12,
                person.password,
            )
        )
    return DemoWorld(
        root,
        pki,
        state["services_port"],
        state["venue_port"],
        root / "venue-jinan" / "venue.toml",
        tuple(people),
    )


def describe(world: DemoWorld) -> list[str]:
    lines = [
        f"演示目录 demo folder: {world.root}",
        f"场地服务 venue (济南 Jinan, hosting; 淄博 Zibo seats connect to it): {world.venue_url}/api/v1",
        f"CA 服务 CRL/OCSP/TSA: http://127.0.0.1:{world.services_port}",
        "演示人员 demo people (certificate file and password):",
    ]
    for p in world.people:
        lines.append(
            f"  {p.name:4} {p.role:10} {CITY[p.venue]} {p.seat:4}  {p.p12}  password {p.password}"
        )
    return lines
