"""One exception root per package, each with the same bilingual fields (message_en, message_zh)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import evaluator_app
from evaluator_app.auditlog.errors import AuditLogError
from evaluator_app.client.errors import ClientError
from evaluator_app.core.errors import CoreError
from evaluator_app.drawcheck.errors import DrawCheckError
from evaluator_app.pki.errors import PkiError
from evaluator_app.protocol.errors import ProtocolError
from evaluator_app.venue.errors import VenueError

ROOTS: dict[str, type[Exception]] = {
    "core": CoreError,
    "protocol": ProtocolError,
    "pki": PkiError,
    "auditlog": AuditLogError,
    "drawcheck": DrawCheckError,
    "client": ClientError,
    "venue": VenueError,
}
# packages without an error tree of their own: they report through their callers' (archive's
# checks, reports' PDFs) or are the developer's tools (the demo's self-test names its step)
WITHOUT = {"archive", "reports", "cli", "demo", "resources", "examples"}


def _exceptions_by_package() -> dict[str, list[type[BaseException]]]:
    found: dict[str, list[type[BaseException]]] = {}
    for info in pkgutil.walk_packages(evaluator_app.__path__, "evaluator_app."):
        if info.name.startswith(("evaluator_app.ui", "evaluator_app.__main__")):
            continue  # Qt; the ui raises none of its own
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == module.__name__:
                found.setdefault(info.name.split(".")[1], []).append(obj)
    return found


def test_every_exception_of_a_package_derives_from_its_root():
    outside = {
        f"{e.__module__}.{e.__name__}"
        for package, errors in _exceptions_by_package().items()
        for e in errors
        if package not in WITHOUT
        and not e.__name__.startswith("_")  # a module's own control flow, never raised out of it
        and not issubclass(e, ROOTS[package])
    }
    assert outside == set()


def test_every_root_carries_both_languages():
    for root in ROOTS.values():
        error = root("in English", "中文")
        assert (error.message_en, error.message_zh) == ("in English", "中文"), root
        assert str(error).endswith("in English") or "in English" in str(error)
        alone = root("only English")
        assert alone.message_zh == "only English", root  # never an empty message to show
