"""`evaluator demo`: the self-test, the headless services, the launcher."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

from evaluator_app.client.venue_client import VenueClient, client_ssl_context


def test_headless_selftest_plays_a_whole_session(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "evaluator_app",
            "demo",
            "--headless",
            "--selftest",
            "--dir",
            str(tmp_path / "demo"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith(
        "自测通过 SELFTEST OK: ranking 1.B2 90.63 2.B1 88.17 3.B3 80.19; archive "
    )
    assert (tmp_path / "demo" / "JN-2026-0418-1.zip").is_file()
    assert sum(1 for line in lines if line[0].isdigit() and "/10 " in line) == 10
    assert any("围标串标预警" in line and "between B4 and B5" in line for line in lines)


def test_selftest_needs_headless():
    result = subprocess.run(
        [sys.executable, "-m", "evaluator_app", "demo", "--selftest"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "--headless" in result.stderr


def test_headless_serves_until_interrupted(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "evaluator_app",
            "demo",
            "--headless",
            "--dir",
            str(tmp_path / "demo"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    seen = []
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stdout.readline()
        seen.append(line)
        if "Ctrl+C" in line:
            break
    url = next(
        line.split(": ", 1)[1].strip().removesuffix("/api/v1") for line in seen if "venue (" in line
    )
    from evaluator_app.pki.demo_pki import load_demo_pki

    demo = load_demo_pki(tmp_path / "demo" / "pki")

    async def health() -> dict:
        client = VenueClient(
            url,
            client_ssl_context([str(c.root_cert) for c in demo.cas if c.status == "granted"]),
            "probe",
        )
        try:
            return await client.get("/health")
        finally:
            await client.close()

    assert asyncio.run(health())["venue_id"] == "jinan"
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "demo services stopped" in rest


def test_launcher_opens_the_app_as_a_person_and_closes_it(qtbot, tmp_path):
    from evaluator_app.demo.runner import ServicesThread
    from evaluator_app.demo.world import prepare
    from evaluator_app.ui.launcher import Launcher

    world = prepare(tmp_path / "demo")
    services = ServicesThread(world).start()
    assert services.error is None
    try:
        launcher = Launcher(world)
        qtbot.addWidget(launcher)
        assert launcher.table.rowCount() == len(world.people)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        launcher.buttons["expert-nca-1"].click()
        child = launcher.apps["expert-nca-1"]
        time.sleep(4)
        assert child.poll() is None, "the application started as 刘洋 and keeps running"
        launcher.close()
        assert child.poll() is not None, "closing the launcher closes the applications it opened"
    finally:
        services.stop()
