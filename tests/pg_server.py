"""A throwaway PostgreSQL server for tests, benchmarks and CI: Debian's binaries, a temp folder.

    python -m tests.pg_server start DIR    # prints the DSN of a running server, then returns
    python -m tests.pg_server stop DIR

PostgreSQL refuses to run as root; when we are root (CI, the test machine), initdb and pg_ctl
run as the ``postgres`` system user (the Debian package creates it) through ``runuser``.
Authentication is ``trust`` on 127.0.0.1 only: a server nobody else can reach, for one run.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVER_USER = "postgres"


def bindir() -> Path | None:
    """Where initdb and pg_ctl are (Debian keeps them off PATH), or None."""
    found = shutil.which("pg_config")
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False)
        candidates.insert(0, out.stdout.strip())
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    return None


def missing_reason() -> str | None:
    """Why a PostgreSQL server cannot be started here, or None if it can."""
    if bindir() is None:
        return (
            "PostgreSQL server binaries (initdb, pg_ctl) not installed: apt-get install postgresql"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no '{SERVER_USER}' user to run PostgreSQL as"
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        return "psycopg / psycopg_pool not installed: pip install -e '.[postgresql]'"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TempPostgres:
    def __init__(self, root: Path | None = None, port: int | None = None):
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="evaluator-pg-"))
        self.port = port or free_port()
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.bin = bindir()
        if self.bin is None:
            raise RuntimeError(missing_reason())

    def _as_server(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> TempPostgres:
        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        if not (self.data / "PG_VERSION").is_file():
            self._as_server(
                "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--no-locale", "--no-sync",
            )  # fmt: skip
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                    f"unix_socket_directories = '{self.root}'\nmax_connections = 200\n"
                    "fsync = on\nsynchronous_commit = on\nshared_buffers = 64MB\n"
                )
        self._as_server("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._as_server("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart_after(self, seconds: float) -> None:
        self.stop()
        time.sleep(seconds)
        self.start()

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[1])
    port_file = root / "port"
    if argv[0] == "stop":
        TempPostgres(root, int(port_file.read_text())).stop()
        return 0
    server = TempPostgres(root, int(port_file.read_text()) if port_file.is_file() else None)
    server.start()
    port_file.write_text(str(server.port))
    print(server.dsn())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
