"""installer/: the files a build needs are well-formed; (opt-in) the Linux bundle builds and works.

The quick tests run everywhere. The bundle test runs installer/build.sh (PyInstaller, then the
smoke checks from the bundle: --version, plan, pki demo, a venue over HTTPS, the app offscreen and
on Xvfb, the headless self-test) and takes about 2 to 3 minutes on 2 cores; it runs only with
EVALUATOR_BUILD_INSTALLER=1.
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"


def _launcher():
    spec = importlib.util.spec_from_file_location("evaluator_launcher", INSTALLER / "launcher.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_spec_is_python_and_names_the_entry_script():
    source = (INSTALLER / "evaluator.spec").read_text("utf-8")
    compile(source, "evaluator.spec", "exec")
    assert "launcher.py" in source and 'collect_submodules("evaluator_app")' in source


def test_frozen_entry_accepts_the_source_install_spawn_form():
    launcher = _launcher()
    assert launcher._arguments(["-m", "evaluator_app", "app", "--data-dir", "x"]) == [
        "app",
        "--data-dir",
        "x",
    ]
    assert launcher._arguments(["plan", "check", "p.json"]) == ["plan", "check", "p.json"]


def test_entry_script_runs_the_cli(capsys):
    launcher = _launcher()
    argv = sys.argv
    sys.argv = ["evaluator", "--version"]
    try:
        with pytest.raises(SystemExit) as stop:
            launcher.run()
    finally:
        sys.argv = argv
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("evaluator ")


def test_desktop_entry_is_bilingual_and_starts_the_app():
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in desktop entries
    parser.read(INSTALLER / "evaluator.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name[zh_CN]"] == "远程异地评标"
    assert entry["Name"] == "Remote Bid Evaluation"
    assert entry["Exec"] == "evaluator app"
    assert entry["Icon"] == "evaluator"
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


def test_icons_are_rendered_from_the_svg():
    png = (INSTALLER / "icon.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (256, 256)
    ico = (INSTALLER / "icon.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 5
    assert (INSTALLER / "icon.svg").read_text("utf-8").lstrip().startswith("<?xml")


def test_inno_setup_script_is_unicode_with_both_languages():
    raw = (INSTALLER / "evaluator.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Inno Setup reads a script as Unicode only with a BOM"
    text = raw.decode("utf-8-sig")
    assert (
        'Name: "zh_CN"; MessagesFile:' in text
        and 'Name: "en"; MessagesFile: "compiler:Default.isl"' in text
    )
    assert "zh_CN.AppName=远程异地评标" in text and "en.AppName=Remote Bid Evaluation" in text
    assert "AppId={{" in text
    assert r'Source: "{#BundleDir}\*"' in text and "recursesubdirs" in text


def test_build_scripts_fail_loudly():
    sh = INSTALLER / "build.sh"
    assert os.access(sh, os.X_OK)
    assert "set -euo pipefail" in sh.read_text("utf-8")
    assert '$ErrorActionPreference = "Stop"' in (INSTALLER / "build.ps1").read_text("utf-8")


@pytest.mark.skipif(
    os.environ.get("EVALUATOR_BUILD_INSTALLER") != "1",
    reason="builds the PyInstaller bundle (2-3 min): set EVALUATOR_BUILD_INSTALLER=1",
)
@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="installer/build.sh is the Linux build"
)
@pytest.mark.timeout(1800)
def test_linux_bundle_builds_and_passes_its_smoke_checks():
    result = subprocess.run(
        ["bash", str(INSTALLER / "build.sh")],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=1750,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "smoke checks passed" in output
