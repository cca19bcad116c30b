"""Schemathesis fuzzes every operation of the OpenAPI file against a real venue on loopback.

Positive (schema-valid) and negative (schema-violating) requests, as the centre and as an
expert: never a 5xx, and every 4xx carries the JSON error body. Skipped when schemathesis is
not installed (it belongs in the ``test`` extra).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from evaluator_app.pki.demo_pki import DemoPki
from tests.venue.harness import VenueHarness
from tests.venue.test_openapi import load_spec

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")
requests = pytest.importorskip("requests")
T = TypeVar("T")
EXAMPLES = 8


class VenueThread:
    """A venue harness on its own event loop in a thread, for a synchronous fuzzer."""

    def __init__(self, demo: DemoPki, directory: Path):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="venue", daemon=True)
        self.thread.start()
        self.harness: VenueHarness = self.run(self._start(demo, directory))

    async def _start(self, demo: DemoPki, directory: Path) -> VenueHarness:
        return await VenueHarness(demo, directory).start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(60)

    def stop(self) -> None:
        self.run(self.harness.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def venue(venue_pki: DemoPki, tmp_path: Path) -> Iterator[VenueThread]:
    thread = VenueThread(venue_pki, tmp_path / "venue")
    yield thread
    thread.stop()


def test_fuzzed_requests_never_get_a_5xx(
    venue: VenueThread, venue_pki: DemoPki, tmp_path: Path
) -> None:
    h = venue.harness
    centre = venue.run(h.login("centre-1"))
    venue.run(h.create_session(centre))
    expert = venue.run(h.login("expert-sd-1"))
    bundle = tmp_path / "roots.pem"
    bundle.write_text(
        "".join(
            Path(ca.root_cert).read_text("ascii") for ca in venue_pki.cas if ca.status == "granted"
        ),
        "ascii",
    )
    schema = schemathesis.openapi.from_dict(load_spec())
    session = requests.Session()
    session.verify = str(bundle)
    problems: list[str] = []
    calls = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/ws":
            continue  # a WebSocket upgrade, not a request/response operation
        for token in (centre.token, expert.token):
            for mode in (
                schemathesis.GenerationMode.POSITIVE,
                schemathesis.GenerationMode.NEGATIVE,
            ):

                @hypothesis.settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(hypothesis.HealthCheck),
                    phases=[hypothesis.Phase.generate],
                )
                @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
                def probe(case: Any) -> None:
                    nonlocal calls
                    calls += 1
                    response = case.call(
                        base_url=h.base_url,
                        session=session,
                        # probe() runs within this iteration, so the loop's token is the one meant
                        headers={"Authorization": f"Bearer {token}"},  # noqa: B023
                        timeout=20,
                        verify=str(bundle),
                    )
                    where = f"{case.method} {case.formatted_path} {str(case.body)[:80]!r}"
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.status_code} {response.text[:200]}")
                    elif response.status_code >= 400:
                        try:
                            error = json.loads(response.content)["error"]
                            assert set(error) == {"code", "message", "message_zh", "details"}
                        except (ValueError, KeyError, TypeError, AssertionError):
                            problems.append(
                                f"{where}: {response.status_code} without the JSON error body: "
                                f"{response.text[:200]}"
                            )

                # no negative case exists for an operation without inputs
                with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                    probe()
    session.close()
    assert calls > 200
    assert not problems, "\n".join(problems[:20])
