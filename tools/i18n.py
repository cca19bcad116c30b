#!/usr/bin/env python3
"""Regenerate the Chinese translation of the interface.

    python tools/i18n.py          # write resources/translations/evaluator_zh_CN.{ts,qm}
    python tools/i18n.py --check  # exit 1 if a string lacks a translation or the .qm is stale

Every ``tr()`` string in evaluator_app/ui is found by pyside6-lupdate; its Chinese comes from
resources/translations/zh_CN.json (English source → Chinese), the file people edit. Qt's own
dialog words that Qt's qtbase_zh_CN.qm leaves in English come from qt_zh_CN.json (by context).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
GLOSSARY = TRANSLATIONS / "zh_CN.json"
# Qt's own words that qtbase_zh_CN.qm lacks (file and print dialogs), by Qt's context
QT_GLOSSARY = TRANSLATIONS / "qt_zh_CN.json"
TS = TRANSLATIONS / "evaluator_zh_CN.ts"
QM = TRANSLATIONS / "evaluator_zh_CN.qm"


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}")
    if found is None:
        sys.exit(f"pyside6-{name} not found (it comes with PySide6-Essentials)")
    return found


def sources(ts_path: Path) -> list[str]:
    sources_found = sorted(ROOT.joinpath("evaluator_app", "ui").rglob("*.py"))
    subprocess.run(
        [
            tool("lupdate"),
            "-silent",
            "-no-obsolete",
            *map(str, sources_found),
            "-ts",
            str(ts_path),
            "-target-language",
            "zh_CN",
        ],
        check=True,
    )
    return [m.findtext("source") or "" for m in ET.parse(ts_path).getroot().iter("message")]


def build(target_ts: Path, target_qm: Path) -> list[str]:
    """Write the .ts and .qm; return the source strings that have no translation."""
    glossary: dict[str, str] = json.loads(GLOSSARY.read_text("utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.ts"
        sources(fresh)
        tree = ET.parse(fresh)
    missing = []
    for message in tree.getroot().iter("message"):
        # no file:line locations: they name the checkout and change with every edit, which
        # makes the .ts differ between worktrees and conflict on every merge
        for location in message.findall("location"):
            message.remove(location)
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        if source in glossary:
            translation.text = glossary[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    root = tree.getroot()
    qt_own: dict[str, dict[str, str]] = json.loads(QT_GLOSSARY.read_text("utf-8"))
    for name, messages in sorted(qt_own.items()):
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
        for source, chinese in sorted(messages.items()):
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = source
            ET.SubElement(message, "translation").text = chinese
    tree.write(target_ts, encoding="utf-8", xml_declaration=True)
    subprocess.run([tool("lrelease"), "-silent", str(target_ts), "-qm", str(target_qm)], check=True)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="verify only; change nothing")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            missing = build(Path(tmp) / "x.ts", Path(tmp) / "x.qm")
            stale = not QM.is_file() or (Path(tmp) / "x.qm").read_bytes() != QM.read_bytes()
    else:
        missing = build(TS, QM)
        stale = False
    for source in missing:
        print(f"missing translation: {source!r}")
    if stale:
        print(f"{QM.relative_to(ROOT)} is stale: run python tools/i18n.py")
    return 1 if missing or stale else 0


if __name__ == "__main__":
    sys.exit(main())
