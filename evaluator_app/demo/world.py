"""Preparing the demo on disk: PKI, venue folder, the people and their settings."""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass, field
from pathlib import Path

from evaluator_app.client.settings import AppSettings, save_settings
from evaluator_app.demo.witnesses import WITNESSES
from evaluator_app.pki.demo_pki import DemoPki, create_demo_pki, load_demo_pki
from evaluator_app.venue.venue_dir import init_venue_dir

# who plays in the demo, where they sit (venue, seat) and their workstation
EXPERTS = ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2", "expert-dual-sd"]
SUBSTITUTE = "expert-sd-3"  # replaces the expert who recuses in the self-test
# SDCA's people hold SM2 certificates (pki/demo_build.SM2_CAS), NCA's ECDSA ones; this SM2
# expert signs on the software SKF USB key when it can be built here (gcc, libssl-dev)
SKF_EXPERT = "expert-sd-3"
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
    p12: Path  # the certificate file: PKCS#12 (ECDSA) or SM2 key file (PEM)
    password: str  # also the PIN of the software SKF key
    key_algorithm: str = "ECDSA"  # or "SM2"
    skf_library: str | None = None  # set when this person's key is on the software SKF key


@dataclass(frozen=True)
class DemoWorld:
    root: Path
    pki: DemoPki
    services_port: int
    venue_port: int
    venue_config: Path
    people: tuple[DemoPerson, ...]
    worker_ports: tuple[int, ...] = ()  # several venue workers (PostgreSQL): one port each
    # the witnesses of 济南's log (淄博, the centre) and their ports: demo/witnesses.py
    witness_ports: dict[str, int] = field(default_factory=dict)

    @property
    def witness_urls(self) -> dict[str, str]:
        return {w: f"https://127.0.0.1:{port}" for w, port in self.witness_ports.items()}

    @property
    def venue_url(self) -> str:
        """The venue's address, or its workers' (the client fails over between them)."""
        ports = self.worker_ports or (self.venue_port,)
        return " ".join(f"https://127.0.0.1:{port}" for port in ports)

    def person(self, key: str) -> DemoPerson:
        return next(p for p in self.people if p.key == key)


def prepare(
    root: Path, language: str = "zh_CN", store: str = "sqlite", workers: int = 1
) -> DemoWorld:
    """Create (or reuse) everything under ``root``; ports are chosen now and kept in world.json.

    ``store``: sqlite, or a PostgreSQL URL (an empty database); ``workers`` > 1 serves the venue
    from that many processes on it, which every demo person's settings list.
    """
    root.mkdir(parents=True, exist_ok=True)
    state_file = root / "world.json"
    if state_file.is_file():
        state = json.loads(state_file.read_text("utf-8"))
        pki = load_demo_pki(root / "pki")
    else:
        state = {"services_port": free_port(), "venue_port": free_port()}
        if workers > 1:
            state["worker_ports"] = [state["venue_port"]] + [
                free_port() for _ in range(workers - 1)
            ]
        state["witness_ports"] = {w: free_port() for w in WITNESSES}
        pki = create_demo_pki(
            root / "pki", services_url=f"http://127.0.0.1:{state['services_port']}"
        )
        init_venue_dir(
            root / "venue-jinan",
            venue_id="jinan",
            city="济南",
            port=state["venue_port"],
            demo=pki,
            store=store,
            witnesses={w: f"https://127.0.0.1:{p}" for w, p in state["witness_ports"].items()},
        )
        state_file.write_text(json.dumps(state), "utf-8")
    roots = tuple(str(ca.root_cert) for ca in pki.cas if ca.status == "granted")
    skf = _software_skf(root, pki)
    ports = tuple(state.get("worker_ports", ())) or (state["venue_port"],)
    venue_urls = " ".join(f"https://127.0.0.1:{port}" for port in ports)
    people = []
    for key, (venue, seat) in SEATS.items():
        person = pki.person(key)
        data_dir = root / "people" / key
        settings = AppSettings(
            language=language,
            main_venue_url=venue_urls,
            workstation_id=f"ws-{key}",
            trust_list=str(pki.trust_list),
            trust_list_signer=str(pki.trust_list_signer.cert),
            ca_roots=roots,
            last_p12=str(person.p12),
            # 王芳's login page opens on her software SKF key (her key file stays as the fallback)
            skf_library=skf if key == SKF_EXPERT and skf else "",
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
                "SM2" if person.p12.name.endswith(".sm2.pem") else "ECDSA",
                skf if key == SKF_EXPERT else None,
            )
        )
    return DemoWorld(
        root,
        pki,
        state["services_port"],
        state["venue_port"],
        root / "venue-jinan" / "venue.toml",
        tuple(people),
        tuple(state.get("worker_ports", ())),
        dict(state.get("witness_ports", {})),
    )


def _software_skf(root: Path, pki: DemoPki) -> str | None:
    """Build the software SKF key and put SKF_EXPERT's SM2 key on it; None (and why, logged
    and printed by the demo) where it cannot be built — that expert then uses the key file."""
    import logging

    from evaluator_app.pki import softskf
    from evaluator_app.pki.credentials.sm2_file import read_key_file

    person = pki.person(SKF_EXPERT)
    try:
        lib = softskf.build(root / "skf")
    except softskf.SoftSkfError as exc:
        logging.getLogger(__name__).warning("%s", exc.message_en)
        return None
    tokens = root / "skf" / "tokens"  # where the library looks by default (beside itself)
    if not (tokens / "WANGFANG-SKF" / "device").exists():
        key, certs = read_key_file(person.p12.read_bytes(), person.password.encode())
        softskf.provision(
            tokens,
            "WANGFANG-SKF",
            key=key,
            sign_cert_der=certs[0].dump(),
            pin=person.password,
            label=f"{person.name} SM2 USB Key",
            serial="SKF-0001",
        )
    return str(lib)


def credential_kind(person: DemoPerson) -> str:
    """ "skf" (SM2 on the software SKF key), "sm2-file" or "p12" (ECDSA)."""
    if person.skf_library:
        return "skf"
    return "sm2-file" if person.key_algorithm == "SM2" else "p12"


def describe(world: DemoWorld) -> list[str]:
    lines = [
        f"演示目录 demo folder: {world.root}",
        "场地服务 venue (济南 Jinan, hosting; 淄博 Zibo seats connect to it): "
        f"{world.venue_url}/api/v1",
        f"CA 服务 CRL/OCSP/TSA: http://127.0.0.1:{world.services_port}",
        *(
            f"日志见证 log witness {w}: {url}/api/v1/witness/cosignatures?venue=jinan"
            for w, url in world.witness_urls.items()
        ),
        "演示人员 demo people (certificate file and password):",
    ]
    kinds = {
        "skf": "SM2 软件 USB Key（SKF）software SKF key",
        "sm2-file": "SM2 证书文件 key file",
        "p12": "ECDSA .p12",
    }
    for p in world.people:
        lines.append(
            f"  {p.name:4} {p.role:10} {CITY[p.venue]} {p.seat:4}  {kinds[credential_kind(p)]}"
            f"  {p.p12}  password {p.password}"
        )
    if not any(p.skf_library for p in world.people):
        lines.append(
            "  (软件 SKF 令牌无法构建（需要 gcc 和 libssl-dev）：王芳改用 SM2 证书文件 /"
            " the software SKF key could not be built (needs gcc and libssl-dev):"
            " 王芳 uses her SM2 key file)"
        )
    return lines
