"""The suite fails on what an event loop reports and on unawaited coroutines (tests/conftest.py).

Each case runs a small test file in a fresh pytest with this repository's conftest and settings,
and must fail; a clean one must pass, so the check cannot fail everything.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "task_exception_never_retrieved": """
        import asyncio, gc

        async def test_it():
            async def boom():
                raise ValueError("lost")
            task = asyncio.ensure_future(boom())
            await asyncio.sleep(0.01)
            del task
            gc.collect()
    """,
    "exception_in_a_callback": """
        import asyncio

        async def test_it():
            asyncio.get_running_loop().call_soon(lambda: 1 / 0)
            await asyncio.sleep(0.01)
    """,
    "coroutine_never_awaited": """
        import gc

        async def work():
            return 1

        def test_it():
            work()
            gc.collect()
    """,
    "error_in_another_threads_loop": """
        import asyncio, threading

        def test_it():
            loop = asyncio.new_event_loop()
            def run():
                loop.call_soon(lambda: 1 / 0)
                loop.call_soon(loop.stop)
                loop.run_forever()
            thread = threading.Thread(target=run)
            thread.start()
            thread.join()
            loop.close()
    """,
}


def _run(tmp_path: Path, body: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom tests.conftest import *  # noqa\n"
        "from tests.conftest import _fail_on_loop_errors, pytest_sessionfinish  # noqa\n"
    )
    (tmp_path / "test_case.py").write_text(textwrap.dedent(body))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_case.py"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_suite_fails_on(case: str, tmp_path: Path) -> None:
    result = _run(tmp_path, CASES[case])
    assert result.returncode != 0, result.stdout + result.stderr


def test_a_clean_async_test_passes(tmp_path: Path) -> None:
    result = _run(
        tmp_path,
        """
        import asyncio

        async def test_it():
            await asyncio.sleep(0.01)
        """,
    )
    assert result.returncode == 0, result.stdout + result.stderr
