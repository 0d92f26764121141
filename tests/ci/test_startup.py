"""An audit imports nothing it does not use: no SQLAlchemy for the default SQLite history, no
engine for `--version`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROBE = """
import sys
from prodready.cli import main
main({argv!r})
names = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "psycopg", "jinja2")
               or m in ("prodready.engine.runner", "prodready.rules.registry"))
print("MODULES:" + ",".join(names))
"""


def loaded(argv: list[str]) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("MODULES:")][-1]
    return set(filter(None, line.removeprefix("MODULES:").split(",")))


def test_version_loads_no_engine() -> None:
    assert loaded(["--version"]) == set()


def test_audit_with_default_history_loads_no_database_toolkit(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    modules = loaded(["audit", str(tmp_path), "--no-cache", "--format", "json", "--output", str(tmp_path / "r.json")])
    assert "prodready.engine.runner" in modules  # it did audit
    assert not {m for m in modules if m.startswith(("sqlalchemy", "psycopg", "jinja2"))}, modules
    assert (tmp_path / ".prodready" / "history.db").is_file()
