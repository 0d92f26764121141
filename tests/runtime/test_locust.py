"""Locust distributed mode on loopback: one master, two workers, run as subprocesses."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prodready.runtime import locust_mode
from prodready.runtime.load import LoadSettings
from prodready.runtime.verify import VerifyOptions, run_verify

pytestmark = pytest.mark.skipif(not locust_mode.available(), reason="locust not installed (pip install '.[bench]')")


def test_master_and_two_workers_drive_the_scenario(serve: Callable[[str], str]) -> None:
    url = serve("good")
    report = run_verify(VerifyOptions(url, probe=False, progress=False, locust_workers=2, routes=["GET /api/products"],
                                      stress=LoadSettings(users=4, duration_s=2.0, warmup_s=0.0)))
    load = report.runtime["load"]
    assert load["mode"] == "locust" and "2 workers" in load["engine"]
    assert load["requests"] > 20 and load["success_rate"] == 1.0
    assert load["latency_ms"]["p50"] is not None
    assert all(c["passed"] for c in report.runtime["criteria"])
