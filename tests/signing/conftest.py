"""Fixtures for the signing tests: a throwaway PKI, a local TSA and a real SoftHSM2 token."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluator_app.pki import softhsm
from evaluator_app.pki.signature_verify import RootsChecker
from tests.signing.pki_helpers import Person, TinyPki, TsaServer

PIN, SO_PIN = "246810", "13579111"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TinyPki:
    return TinyPki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def alice(pki: TinyPki) -> Person:
    return pki.person("alice")


@pytest.fixture(scope="session")
def bob(pki: TinyPki) -> Person:
    return pki.person("bob")


@pytest.fixture(scope="session")
def carol(pki: TinyPki) -> Person:
    return pki.person("carol")


@pytest.fixture()
def checker(pki: TinyPki) -> RootsChecker:
    return RootsChecker([pki.root], revocation="off")


@pytest.fixture(scope="session")
def tsa(pki: TinyPki) -> Iterator[TsaServer]:
    server = TsaServer(pki)
    yield server
    server.close()


@pytest.fixture(scope="session")
def hsm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not softhsm.softhsm_available():
        pytest.skip("SoftHSM2 (libsofthsm2.so and softhsm2-util) is not installed")
    d = tmp_path_factory.mktemp("softhsm")
    softhsm.write_conf(d)  # before the module is first loaded in this process
    return d


_counter = iter(range(1, 10_000))


@pytest.fixture()
def token(hsm_dir: Path, alice: Person) -> Iterator[softhsm.SoftHsmToken]:
    """A fresh token per test holding alice's key (tests may lock, break or remove it)."""
    tok = softhsm.create_token(hsm_dir, f"expert-{next(_counter)}", PIN, SO_PIN)
    softhsm.import_identity(tok, alice.key, alice.cert)
    yield tok
    softhsm.remove_token_files(tok)


@pytest.fixture(scope="session")
def openssl() -> str:
    path = shutil.which("openssl")
    if path is None:
        pytest.skip("openssl is not on PATH")
    return path


@pytest.fixture(scope="session")
def pdfsig() -> str:
    path = shutil.which("pdfsig")
    if path is None:
        pytest.skip("pdfsig (poppler-utils) is not on PATH")
    return path
