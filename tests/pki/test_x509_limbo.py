"""x509-limbo (C2SP), the path-validation suite pyca and rustls use, against our validation.

The goal (issue 12): no case accepted that must fail where pyca's verifier refuses it, and
overall agreement with the expected results at least pyca's. Both counts are printed. pyca
is run in child processes it can be stopped in: one pathological case costs it minutes.
"""

from __future__ import annotations

import collections

import pytest

from tests.pki.limbo import PYCA_SECONDS_PER_CASE, cases, project_verdict, pyca_verdicts


def _line(name: str, agree: int, total: int, wrongly_accepted: int, wrongly_refused: int) -> str:
    return (
        f"x509-limbo {name}: agrees on {agree}/{total}, "
        f"accepts {wrongly_accepted} that must fail, refuses {wrongly_refused} that must succeed"
    )


def test_x509_limbo_at_least_as_strict_and_right_as_pyca(
    capsys: pytest.CaptureFixture[str],
) -> None:
    all_cases = cases()
    expected = [c["expected_result"] == "SUCCESS" for c in all_cases]
    ours = [project_verdict(c) for c in all_cases]  # never raises: a crash fails the test here
    theirs, gave_up = pyca_verdicts(len(all_cases))

    count: collections.Counter[str] = collections.Counter()
    too_lenient = []
    for case, want, mine, pyca in zip(all_cases, expected, ours, theirs, strict=True):
        count["ours agree"] += mine.accepted == want
        count["pyca agree"] += pyca == want
        count["ours lenient"] += mine.accepted and not want
        count["ours strict"] += not mine.accepted and want
        count["pyca lenient"] += pyca and not want
        count["pyca strict"] += not pyca and want
        if mine.accepted and not want and not pyca:
            too_lenient.append(case["id"])
    total = len(all_cases)
    with capsys.disabled():
        print()
        print(
            _line(
                "project", count["ours agree"], total, count["ours lenient"], count["ours strict"]
            )
        )
        print(
            _line(
                "pyca   ", count["pyca agree"], total, count["pyca lenient"], count["pyca strict"]
            )
        )
        if gave_up:
            ids = ", ".join(all_cases[i]["id"] for i in gave_up)
            print(
                f"pyca gave no answer within {PYCA_SECONDS_PER_CASE:.0f} s"
                f" (counted as refused): {ids}"
            )
    assert not too_lenient, f"accepted where pyca refuses and the suite says fail: {too_lenient}"
    assert count["ours agree"] >= count["pyca agree"]
