"""What a person reads in a window, and what must never be among it in a Chinese session:
an English sentence the translation lacks, or an id where a name belongs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

TS = Path(__file__).resolve().parents[2] / "resources" / "translations" / "evaluator_zh_CN.ts"

# English that reached people in Chinese sessions before (issue 11), whatever produces it
KNOWN_ENGLISH = (
    "warning(s)",
    "The software finds evidence",
    "leader elected",
    "every sheet is in",
    "every expert has declared",
    "every member signed",
    "returned:",
    "Look in:",
    "Files of type",
    "File name:",
    "Cancel",
    "Open",
    "Save",
    "manifest",
    "trust list",
    "audit chain",
    "evaluation report",
    "warning_decision",
    "score_sheet",
    "gate_votes",
    "leader_vote",
    "declaration",
    "witness_note",
    "Signature",
)
# times are shown as 2026-11-26 22:30:05（北京时间）, never as the wire's ISO 8601
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
# ids a person must not meet where a name belongs: venues, items, artefact kinds, documents
# (a warning's evidence showed "bid-B2 p.2 ↔ bid-B4 p.3")
RAW_IDS = re.compile(
    r"(?<![\w/-])(jinan|zibo|qingdao|lot-1|[qtcp]-[a-z]+(?:-[a-z]+)*|expert-[a-z0-9-]+"
    r"|(?:bid|index)-[A-Z]\d+)(?![\w-])"
)


@cache
def _sources() -> frozenset[str]:
    """Every tr() source string: shown verbatim means shown untranslated."""
    found = {m.findtext("source") or "" for m in ET.parse(TS).getroot().iter("message")}
    # a bare word such as "OK" may well be the translation; judge sentences and phrases only
    return frozenset(s for s in found if len(s) > 3 and re.search(r"[A-Za-z]{3}", s))


def texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything a person can read in ``root`` and its children."""
    widgets: Iterable[QWidget] = [root, *root.findChildren(QWidget)]
    for w in widgets:
        where = f"{type(w).__name__}:{w.objectName() or ''}"
        if w.isWindow() and w.windowTitle():
            yield where + " title", w.windowTitle()
        if w.toolTip():
            yield where + " tooltip", w.toolTip()
        if isinstance(w, QLabel | QAbstractButton):
            yield where, w.text()
        elif isinstance(w, QLineEdit):
            yield where, w.text()
            yield where + " placeholder", w.placeholderText()
        elif isinstance(w, QTextEdit | QPlainTextEdit):
            yield where, w.toPlainText()
            yield where + " placeholder", w.placeholderText()
        elif isinstance(w, QGroupBox):
            yield where, w.title()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield where, w.itemText(i)
        elif isinstance(w, QListWidget):
            for i in range(w.count()):
                yield where, w.item(i).text()
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield where, w.tabText(i)
        elif isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                header = w.horizontalHeaderItem(c)
                if header is not None:
                    yield where + " header", header.text()
            for r in range(w.rowCount()):
                header = w.verticalHeaderItem(r)
                if header is not None:
                    yield where + " header", header.text()
                for c in range(w.columnCount()):
                    item = w.item(r, c)
                    if item is not None:
                        yield where, item.text()
                        if item.toolTip():
                            yield where + " tooltip", item.toolTip()
        elif isinstance(w, QTreeWidget):
            for item in _tree_items(w):
                for c in range(w.columnCount()):
                    yield where, item.text(c)
        if isinstance(w, QMainWindow):
            for action in w.menuBar().actions():
                yield where + " menu", action.text()
                menu = action.menu()
                if isinstance(menu, QMenu):
                    for sub in menu.actions():
                        yield where + " menu", sub.text()


def _tree_items(tree: QTreeWidget):  # type: ignore[no-untyped-def]
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(item.child(i) for i in range(item.childCount()))


def problems(root: QWidget, allowed: Iterable[str] = ()) -> list[str]:
    """Each English phrase or raw id ``root`` shows in a Chinese session, with where it is."""
    allowed = tuple(allowed)
    sources = _sources()
    found = []
    for where, text in texts(root):
        if not text or any(a in text for a in allowed):
            continue
        plain = text.replace("&", "")
        if plain in sources or text in sources:
            found.append(f"{where}: untranslated {text!r}")
            continue
        for phrase in KNOWN_ENGLISH:
            if re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])", plain):
                found.append(f"{where}: English {phrase!r} in {text!r}")
        for match in RAW_IDS.finditer(text):
            found.append(f"{where}: raw id {match.group(0)!r} in {text!r}")
        if ISO_TIME.search(text) and "placeholder" not in where:
            found.append(f"{where}: a machine time (not Beijing time, readable) in {text!r}")
    return sorted(set(found))
