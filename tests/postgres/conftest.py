"""A PostgreSQL server for the whole test session (started here, stopped at the end), and a
fresh database per test. Skipped, saying why, only where PostgreSQL's binaries are absent."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests.pg_server import TempPostgres, missing_reason

_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[TempPostgres]:
    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    server = TempPostgres().start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def pg_dsn(pg_server: TempPostgres) -> str:
    return pg_server.create_database(f"t{os.getpid()}_{next(_names)}")


# the demo PKI and its CA services, as the venue tests have them (one more instance for here)
from tests.venue.conftest import venue_pki  # noqa: E402, F401
