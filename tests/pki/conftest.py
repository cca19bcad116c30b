from __future__ import annotations

from collections.abc import Iterator

import pytest

from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.revocation import DEFAULT_CACHE
from evaluator_app.pki.trust_list import TrustList, load_trust_list
from tests.pki_fixtures import ServicesThread, build_demo_pki, free_port


@pytest.fixture(scope="session")
def services_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def demo_pki(tmp_path_factory: pytest.TempPathFactory, services_port: int) -> DemoPki:
    """The demo PKI whose certificates point at the running services (see pki_services)."""
    return build_demo_pki(tmp_path_factory, f"http://127.0.0.1:{services_port}")


@pytest.fixture(scope="session")
def pki_services(demo_pki: DemoPki, services_port: int) -> Iterator[ServicesThread]:
    services = ServicesThread(demo_pki, services_port).start()
    yield services
    services.stop()


@pytest.fixture(scope="session")
def down_pki(tmp_path_factory: pytest.TempPathFactory) -> DemoPki:
    """A demo PKI whose CRL/OCSP URLs point at a port where nothing listens."""
    return build_demo_pki(tmp_path_factory, f"http://127.0.0.1:{free_port()}", name="down-pki")


@pytest.fixture(scope="session")
def trust_list(demo_pki: DemoPki) -> TrustList:
    return load_trust_list(demo_pki.trust_list, demo_pki.trust_list_signer.cert)


@pytest.fixture(autouse=True)
def _fresh_revocation_cache() -> Iterator[None]:
    DEFAULT_CACHE.clear()
    yield
    DEFAULT_CACHE.clear()
