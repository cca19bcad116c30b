from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.client_docs.support import DocSession, doc_session, standard_documents
from tests.venue.conftest import harness, venue_pki  # noqa: F401
from tests.venue.harness import VenueHarness


@pytest.fixture
async def docs(harness: VenueHarness) -> AsyncIterator[DocSession]:  # noqa: F811
    """S1 with a 3-page tender PDF, a 2-page bid PDF and a ~5 MB bid, and the centre's manifest."""
    yield await doc_session(harness, standard_documents())
