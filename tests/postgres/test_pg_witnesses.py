"""Witnesses on a venue whose store is PostgreSQL (issue 12, item 2): the cosignatures the
venue records are audit entries like any other, read back by ``audit verify postgresql://…``
and carried by the archive. The same tests as tests/venue, with a PostgreSQL venue."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from evaluator_app.pki.revocation import DEFAULT_CACHE
from tests.venue.harness import VenueHarness
from tests.venue.test_witness_service import (  # noqa: F401
    test_a_witness_refuses_a_head_that_contradicts_what_it_countersigned,
    test_witnesses_countersign_at_phase_changes_and_every_n_entries,
)
from tests.venue.test_witnessed_archive import (  # noqa: F401
    test_an_archive_verifies_with_the_witnesses_its_plan_names,
)
from tests.venue.witnessing import witnesses  # noqa: F401


@pytest.fixture
async def witnessed(venue_pki, tmp_path, pg_dsn, witnesses) -> AsyncIterator[VenueHarness]:  # type: ignore[no-untyped-def]  # noqa: F811
    urls = {w.id: w.url for w in witnesses.values()}
    h = VenueHarness(
        venue_pki, tmp_path / "venue", witnesses=urls, store=pg_dsn, checkpoint_every=4
    )
    await h.start()
    yield h
    await h.stop()
    DEFAULT_CACHE.clear()
