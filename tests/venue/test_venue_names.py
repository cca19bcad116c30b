"""The venue's table of venue names: written by ``venue init``, read back, refused when wrong,
sent to clients at /health so that no screen shows a venue id."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator_app.client.names import venue_label, venues_label
from evaluator_app.venue.config import load_config
from evaluator_app.venue.errors import ConfigError
from evaluator_app.venue.venue_dir import init_venue_dir


def test_names_are_written_read_and_checked(tmp_path: Path) -> None:
    path = init_venue_dir(tmp_path / "v", venue_id="jinan", city="济南", port=8443)
    text = path.read_text("utf-8")
    assert "[venue_names]" in text
    assert load_config(path).names == {"jinan": "济南"}
    path.write_text(text.replace('# zibo = "淄博"', 'zibo = "淄博"'), "utf-8")
    assert load_config(path).names == {"zibo": "淄博", "jinan": "济南"}
    path.write_text(text.replace('# zibo = "淄博"', "zibo = 3"), "utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert "venue_names" in refused.value.message_zh


async def test_health_names_the_venues_and_the_client_keeps_them(harness) -> None:  # type: ignore[no-untyped-def]
    client = await harness.login("expert-sd-1")
    health = await client.get("/health")
    assert health["venues"]["jinan"] and client.venue_names == health["venues"]
    names = client.venue_names
    assert venue_label("jinan", names, "jinan") == names["jinan"] + "主场"
    assert venue_label("zibo", names, "jinan").endswith("副场")
    assert venues_label(["zibo", "jinan"], names, "jinan").startswith(names["jinan"] + "主场、")
    assert venue_label("nowhere", names, "jinan") == "nowhere"  # the last resort, logged
