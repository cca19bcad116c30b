"""Where a benchmark's CPU went: every process on the machine, read from /proc, put in a role by
its command line (and its parent's, for the workers' crypto pools). Linux only.

    before = snapshot(); ...; cpu = spent(before, snapshot())   # {role: CPU seconds}

Anything that is not the benchmark's own lands in "other": work of someone else on the machine.
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _read(pid: str) -> tuple[int, float, str, str] | None:
    """(parent, CPU seconds, comm, command line) of one process, or None when it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, comm, cmdline


def _role(comm: str, cmdline: str, me: int, pid: int) -> str | None:
    if pid == me:
        return "generator"
    if comm in ("postgres", "postmaster"):
        return "postgres"
    if comm == "nginx":
        return "nginx"
    if "venue serve" in cmdline:
        return "workers"
    if "venue_pg_fleet" in cmdline:
        return "sockets"
    if "pki serve" in cmdline:
        return "pki services"
    return None


Snapshot = dict[int, tuple[str, float]]  # pid → (role, CPU seconds so far)


def snapshot() -> Snapshot:
    """Every process's role and CPU seconds so far; a worker's children are its crypto pool."""
    me = os.getpid()
    seen: dict[int, tuple[int, float, str, str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (one := _read(entry)) is not None:
            seen[int(entry)] = one
    roles: Snapshot = {}
    for pid, (parent, cpu, comm, cmdline) in seen.items():
        role = _role(comm, cmdline, me, pid)
        if role is None and parent in seen:
            role = _role(seen[parent][2], seen[parent][3], me, parent)
            role = "crypto pools" if role == "workers" else None
        roles[pid] = (role or "other", cpu)
    return roles


def spent(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]
) -> dict[str, float]:
    """CPU seconds per role between two snapshots (processes born in between count whole)."""
    total: dict[str, float] = {}
    for pid, (role, cpu) in after.items():
        earlier = before.get(pid)
        used = cpu - earlier[1] if earlier is not None and earlier[0] == role else cpu
        total[role] = total.get(role, 0.0) + max(0.0, used)
    return total
