"""``evaluator venue init``: a venue folder with a commented config, a roster and data folders."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.venue.config import render_config

SAMPLE_ROSTER = {
    "people": [
        {
            "person_id": "370000199001010011",
            "name": "张伟",
            "role": "expert",
            "venue": "jinan",
            "organisation": "山东建筑大学",
            "city": "济南",
        },
        {"person_id": "370000199001010088", "name": "赵敏", "role": "supervisor", "venue": "jinan"},
        {"person_id": "370000199001010100", "name": "陈静", "role": "centre", "venue": "jinan"},
    ]
}
ORGANISATIONS = [
    "山东建筑大学",
    "济南市政工程设计研究院",
    "淄博市建筑设计研究院",
    "山东省建设监理咨询公司",
    "青岛理工大学",
    "山东大学",
    "淄博职业学院",
]


def demo_roster(demo: DemoPki) -> dict[str, Any]:
    """Everyone of the demo PKI, once per person (the holder of two certificates is one person)."""
    people, seen = [], set()
    for index, person in enumerate(demo.people):
        if person.person_id in seen:
            continue
        seen.add(person.person_id)
        venue = "zibo" if person.ca == "nca" else "jinan"
        if person.role == "supervisor":
            venue = "zibo" if "zibo" in person.id else "jinan"
        entry = {
            "person_id": person.person_id,
            "name": person.name,
            "role": person.role,
            "venue": venue,
        }
        if person.role == "expert":
            entry.update(
                organisation=ORGANISATIONS[index % len(ORGANISATIONS)],
                city="淄博" if venue == "zibo" else "济南",
            )
        people.append(entry)
    return {"people": people}


def init_venue_dir(
    target: Path,
    *,
    venue_id: str,
    city: str,
    port: int,
    demo: DemoPki | None = None,
    roster: dict[str, Any] | None = None,
    store: str = "sqlite",
    witnesses: dict[str, str] | None = None,
) -> Path:
    """Write ``target/venue.toml``, the roster and the data folder; returns the config path.

    With ``demo`` every path points into the demo PKI; otherwise the paths name files the
    venue's operator must put in place (the config says which).
    """
    target = (
        target.resolve()
    )  # the config names files by absolute path or relative to itself, never twice
    target.mkdir(parents=True, exist_ok=True)
    (target / "data").mkdir(exist_ok=True)
    if demo is not None:
        venue = demo.venue(venue_id)
        password_file = target / "signing-password.txt"
        password_file.write_text(venue.password or "", "utf-8")
        os.chmod(password_file, 0o600)
        # the server sends its issuing CA too: clients trust only the recognised roots
        chain = target / "tls-chain.pem"
        issuing = demo.ca(venue.ca or "sdca").cert
        chain.write_bytes(venue.cert.read_bytes() + issuing.read_bytes())
        paths: dict[str, Path | str | None] = {
            "tls_cert": chain,
            "tls_key": venue.key,
            "signing_p12": venue.p12,
            "signing_password_file": password_file,
            "trust_list": demo.trust_list,
            "trust_list_signer": demo.trust_list_signer.cert,
            "tsa_cert": demo.tsa.cert,
            "tsa_key": demo.tsa.key,
        }
        roster = roster or demo_roster(demo)
        names = {v.id: v.name for v in demo.venues}
    else:
        paths = {
            "tls_cert": "tls/server.pem",
            "tls_key": "tls/server.key",
            "signing_p12": "signing/venue.p12",
            "signing_password_file": "signing/password.txt",
            "trust_list": "trust-list.json",
            "trust_list_signer": "trust-list-signer.pem",
        }
        roster = roster or SAMPLE_ROSTER
        names = {}
    (target / "roster.json").write_text(
        json.dumps(roster, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    config = target / "venue.toml"
    text = render_config(
        venue_id=venue_id,
        city=city,
        port=port,
        roster="roster.json",
        venue_names=names,
        store=store,
        witnesses=witnesses,
        **{k: str(v) for k, v in paths.items()},
    )
    config.write_text(text, "utf-8")
    return config
