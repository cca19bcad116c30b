"""A real nginx from Debian running the docs' sample configuration (docs/deployment/
nginx-venue.conf) with a run's ports and files; for the tests and the benchmark."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "docs" / "deployment" / "nginx-venue.conf"
SERVER_LINE = re.compile(r"(    server 127\.0\.0\.1:\d+ max_fails=1 fail_timeout=3s;\n)+")


def nginx_missing() -> str | None:
    return None if shutil.which("nginx") else "nginx not installed: apt-get install nginx"


def venue_config(
    ports: list[int], listen: int, cert: Path, key: Path, roots: Path, tls: bool = False
) -> str:
    """The sample with these workers, this address and these files; nothing else changed.
    ``ports``: the workers' --proxy-port (plain, loopback), or with ``tls`` their HTTPS ports
    and the sample's ``#tls`` lines in use, as for workers on other machines."""
    text = SAMPLE.read_text("utf-8")
    if tls:
        plain = "        proxy_pass http://venue_workers;\n"
        assert plain in text and "#tls    " in text, "the sample's proxy_pass lines changed"
        text = text.replace(plain, "").replace("#tls    ", "        ")
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=3s;\n" for p in ports)
    text, found = SERVER_LINE.subn(servers, text)
    assert found == 1, "the sample's upstream block changed"
    for sample, real in (
        ("listen 8443 ssl", f"listen 127.0.0.1:{listen} ssl"),
        ("/etc/evaluator/venue/tls-chain.pem", str(cert)),
        ("/etc/evaluator/venue/tls.key", str(key)),
        ("/etc/evaluator/venue/ca-roots.pem", str(roots)),
    ):
        assert sample in text, sample
        text = text.replace(sample, real)
    return text


def start_nginx(prefix: Path, site: str, worker_connections: int = 4096) -> subprocess.Popen[bytes]:
    """nginx in the foreground with ``site`` as its only server (stop it with terminate())."""
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "venue.conf").write_text(site, "utf-8")
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""  # root: workers drop to nobody
    temp = "".join(
        f"  {kind}_temp_path {prefix}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log warn;\n"
        f"events {{ worker_connections {worker_connections}; }}\n"
        f"http {{\n  access_log off;\n{temp}  include {prefix}/venue.conf;\n}}\n",
        "utf-8",
    )
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / kind).mkdir(exist_ok=True)
        os.chmod(prefix / kind, 0o777)
    return subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
