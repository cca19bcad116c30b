"""The venue's own tests of a whole session, uploads, presence and events, on PostgreSQL: the
same functions as tests/venue, with a venue whose store is a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from evaluator_app.pki.revocation import DEFAULT_CACHE
from tests.venue.harness import VenueHarness
from tests.venue.test_documents import *  # noqa: F403
from tests.venue.test_events import *  # noqa: F403
from tests.venue.test_presence import *  # noqa: F403
from tests.venue.test_presence import ALERT_AFTER, STUCK_AFTER, TIMEOUT
from tests.venue.test_session_flow import *  # noqa: F403


@pytest.fixture
async def harness(venue_pki, tmp_path, pg_dsn) -> AsyncIterator[VenueHarness]:  # type: ignore[no-untyped-def]
    h = await VenueHarness(venue_pki, tmp_path / "venue", store=pg_dsn).start()
    yield h
    await h.stop()
    DEFAULT_CACHE.clear()


@pytest.fixture
async def quick(venue_pki, tmp_path, pg_dsn) -> AsyncIterator[VenueHarness]:  # type: ignore[no-untyped-def]
    h = VenueHarness(
        venue_pki,
        tmp_path / "venue",
        store=pg_dsn,
        heartbeat_timeout_seconds=TIMEOUT,
        offline_alert_seconds=ALERT_AFTER,
        phase_stuck_seconds=STUCK_AFTER,
    )
    await h.start(presence_interval=0.1)
    yield h
    await h.stop()
    DEFAULT_CACHE.clear()
