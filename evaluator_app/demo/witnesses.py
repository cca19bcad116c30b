"""The demo's witnesses of 济南's log: 淄博 (the secondary venue) and the centre, each with its
own key from the demo PKI, served over TLS in the demo's loop (venue.witness.service)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from evaluator_app.pki.credentials import open_key_file
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.trust_list import load_trust_list
from evaluator_app.venue.witness.book import WitnessBook
from evaluator_app.venue.witness.service import Witness, start_witness

WITNESSES = ("zibo", "centre")  # who witnesses the main venue in the demo


@dataclass
class RunningWitness:
    id: str
    url: str
    runner: web.AppRunner

    async def stop(self) -> None:
        await self.runner.cleanup()


def demo_witness(demo: DemoPki, party: str, folder: Path) -> Witness:
    entity = demo.party(party)
    assert entity.p12 is not None
    trust = load_trust_list(demo.trust_list, demo.trust_list_signer.load_cert())
    signer = open_key_file(entity.p12, entity.password)
    return Witness(party, signer, trust, WitnessBook(folder / "witness.db"))


async def start_demo_witness(
    demo: DemoPki, party: str, folder: Path, port: int = 0
) -> RunningWitness:
    """Serve ``party``'s witness on 127.0.0.1 (port 0: one the OS chooses)."""
    folder.mkdir(parents=True, exist_ok=True)
    entity = demo.party(party)
    chain = folder / "tls-chain.pem"  # its certificate, then the issuing CA's
    chain.write_bytes(entity.cert.read_bytes() + demo.ca(entity.ca or "nca").cert.read_bytes())
    witness = demo_witness(demo, party, folder)
    runner, bound = await start_witness(witness, "127.0.0.1", port, chain, entity.key)
    return RunningWitness(party, f"https://127.0.0.1:{bound}", runner)
