"""Shared test settings: Qt always offscreen, so tests never need a screen."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
