from __future__ import annotations

from pathlib import Path

import pytest

from tests.rules.harness import Case, all_cases, markers, run_case

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule_fixture(case: Case, tmp_path: Path) -> None:
    expected = markers(case.path, case.rule_id)
    got, messages = run_case(case, tmp_path)
    tolerated = expected["todo-expect"] | expected["todo-ok"]
    missing = sorted(expected["expect"] - got, key=str)
    noisy = sorted(got - expected["expect"] - tolerated, key=str)
    assert not missing and not noisy, (
        f"{case.name}\nMissing: {missing}\nNoisy: {noisy}\nall findings:\n" + "\n".join(messages)
    )
