"""Venue workers as processes (``evaluator venue serve``, one per port, as systemd runs them) and
nginx in front of them with the docs' sample configuration: one way to start them, shared by the
PostgreSQL tests (tests/postgres/cluster.py) and the benchmark (benchmarks/bench_venue_pg.py)."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Callable
from pathlib import Path

from evaluator_app.demo.workers import serve_command, wait_answering
from tests.nginx_server import start_nginx, venue_config
from tests.pg_server import free_port


class NotUp(RuntimeError):
    """A worker or nginx exited, or did not answer /health in time."""


def start_worker(
    config_path: Path, port: int, log: Path, proxy_port: int | None = None
) -> subprocess.Popen[bytes]:
    """``evaluator venue serve`` on ``port`` (the demo's command line; ``proxy_port``: and plain
    HTTP there for nginx), its output appended to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            serve_command(config_path, port, proxy_port), stdout=out, stderr=subprocess.STDOUT
        )


async def wait_up(
    url: str,
    ssl_context: ssl.SSLContext,
    proc: subprocess.Popen[bytes] | None = None,
    seconds: float = 60,
    logs: Callable[[], str] = lambda: "",
) -> None:
    """Until ``url``/api/v1/health answers 200; :class:`NotUp` (with ``logs()``) if ``proc``
    exits first or ``seconds`` pass."""
    try:
        await wait_answering(url, ssl_context, seconds, proc)
    except (TimeoutError, ChildProcessError) as exc:
        raise NotUp(f"{exc} {logs()}") from exc


async def start_balancer(
    folder: Path,
    ports: list[int],
    cert: Path,
    key: Path,
    roots: list[str],
    ssl_context: ssl.SSLContext,
    worker_connections: int = 4096,
    tls: bool = False,
) -> tuple[subprocess.Popen[bytes], str]:
    """nginx (docs/deployment/nginx-venue.conf) in front of the workers' plain loopback
    ``ports`` (their --proxy-port; with ``tls``, their HTTPS ports), up; its process and URL."""
    listen = free_port()
    bundle = folder / "ca-roots.pem"
    bundle.write_bytes(b"".join(Path(r).read_bytes() for r in roots))
    site = venue_config(ports, listen, cert, key, bundle, tls)
    nginx = start_nginx(folder / "nginx", site, worker_connections=worker_connections)
    url = f"https://127.0.0.1:{listen}"
    try:
        await wait_up(url, ssl_context, nginx)
    except NotUp:
        nginx.kill()
        nginx.wait(10)
        raise
    return nginx, url
