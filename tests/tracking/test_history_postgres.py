"""The team history store on a real PostgreSQL server (started by .ci/run on 127.0.0.1)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.helpers import run_cli, write_tree

PG_URL = os.environ.get("PRODREADY_TEST_PG_URL")


@pytest.mark.skipif(not PG_URL, reason="set PRODREADY_TEST_PG_URL to a PostgreSQL database (.ci/run does)")
def test_history_in_postgresql(tmp_path: Path) -> None:
    assert PG_URL is not None
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS prodready_findings, prodready_runs"))
    engine.dispose()
    root = write_tree(tmp_path / "svc", {"app/a.py": "import requests\n\n\ndef f(u):\n    return requests.get(u)\n"})
    for _ in range(2):
        result = run_cli("audit", str(root), "--no-cache", "--history-url", PG_URL, "--fail-on", "never")
        assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    trend = run_cli("history", str(root), "--history-url", PG_URL, "--format", "json")
    runs = json.loads(trend.stdout)
    assert len(runs) == 2
    assert runs[-1]["categories"]["timeouts"] == 1
    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from prodready_runs")).scalar() == 2
    engine.dispose()
