"""Render installer/icon.svg to icon.png (256 px) and icon.ico (16 to 256 px) with Qt's SVG
renderer.

Run after changing icon.svg:  QT_QPA_PLATFORM=offscreen python installer/make_icons.py
Both outputs are committed, so a build needs neither this script nor a display. The .ico holds PNG
images (allowed since Windows Vista), which Windows Explorer, PyInstaller and Inno Setup all read.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"cannot encode the {size} px PNG")
    return bytes(data)


def ico(images: dict[int, bytes]) -> bytes:
    # ICONDIR, then one ICONDIRENTRY per image (width/height 0 means 256), then the PNG data.
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
        blobs += png
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # QImage text and SVG rendering need a Gui application
    renderer = QSvgRenderer(str(HERE / "icon.svg"))
    if not renderer.isValid():
        print("icon.svg: Qt cannot read it", file=sys.stderr)
        return 1
    (HERE / "icon.png").write_bytes(render(renderer, 256))
    (HERE / "icon.ico").write_bytes(ico({size: render(renderer, size) for size in ICO_SIZES}))
    app.processEvents()
    print("wrote installer/icon.png and installer/icon.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
