"""History store: every audit recorded. SQLite under ``.prodready/`` through the standard library
by default; any other SQLAlchemy URL (``postgresql+psycopg://...``) through the optional extra
``prodready[postgres]`` — so an audit imports no database toolkit it does not use."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prodready.model import AuditReport

# The same tables SQLAlchemy creates in history_sql (a database written by either reads in both).
SCHEMA = """
CREATE TABLE IF NOT EXISTS prodready_runs (
    id INTEGER NOT NULL PRIMARY KEY,
    target VARCHAR(1024) NOT NULL,
    started_at VARCHAR(40) NOT NULL,
    recorded_at DATETIME,
    tool_version VARCHAR(40),
    verdict VARCHAR(40),
    duration_s FLOAT,
    files_scanned INTEGER,
    summary JSON
);
CREATE INDEX IF NOT EXISTS ix_prodready_runs_target ON prodready_runs (target);
CREATE TABLE IF NOT EXISTS prodready_findings (
    id INTEGER NOT NULL PRIMARY KEY,
    run_id INTEGER REFERENCES prodready_runs (id) ON DELETE CASCADE,
    fingerprint VARCHAR(64),
    rule VARCHAR(20),
    category VARCHAR(40),
    severity VARCHAR(10),
    path VARCHAR(1024),
    line INTEGER,
    message VARCHAR(2000)
);
CREATE INDEX IF NOT EXISTS ix_prodready_findings_run_id ON prodready_findings (run_id);
CREATE INDEX IF NOT EXISTS ix_prodready_findings_fingerprint ON prodready_findings (fingerprint);
"""


class HistoryError(RuntimeError):
    """The history store cannot be opened or written."""


def default_url(target: Path) -> str:
    """SQLite in the target's store directory (never through a link: see engine.store)."""
    from prodready.engine.store import _make_private_dir, is_regular_or_absent, resolve_store, user_store_for

    store = resolve_store(target.resolve())
    if store.directory is None:
        raise HistoryError(store.warning or "no place to keep the history")
    path = store.directory / "history.db"
    if not all(is_regular_or_absent(Path(f"{path}{suffix}")) for suffix in ("", "-journal", "-wal", "-shm")):
        fallback = user_store_for(target.resolve())
        if not _make_private_dir(fallback):
            raise HistoryError(f"{path} is a link or not a regular file, and no user cache directory is usable")
        path = fallback / "history.db"
    return f"sqlite:///{path.as_posix()}"


def _one_line(exc: BaseException) -> str:
    """SQLAlchemy messages span lines (SQL, background links): the first line, bounded."""
    text = str(getattr(exc, "orig", None) or exc) or type(exc).__name__
    return text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__


def _sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///path`` URL (``sqlite://`` alone is in memory); None for others."""
    if url == "sqlite://" or url == "sqlite:///:memory:":
        return ":memory:"
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///").split("?", 1)[0]
    return None


def _open(path: str) -> sqlite3.Connection:
    try:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30)
        conn.executescript(SCHEMA)
    except (sqlite3.Error, OSError) as exc:
        raise HistoryError(f"cannot open history store sqlite:///{path}: {exc}") from exc
    return conn


def _sql() -> Any:
    try:
        from prodready.tracking import history_sql
    except ImportError as exc:
        raise HistoryError(
            f"this history URL needs SQLAlchemy and a driver: pip install 'prodready[postgres]' ({exc})"
        ) from exc
    return history_sql


def record(report: AuditReport, url: str) -> int:
    """Store the run and its (already redacted) findings; returns the run id."""
    path = _sqlite_path(url)
    if path is None:
        return int(_sql().record(report, url))
    conn = _open(path)
    try:
        with conn:
            cursor = conn.execute(
                "INSERT INTO prodready_runs (target, started_at, recorded_at, tool_version, verdict, duration_s,"
                " files_scanned, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (report.target, report.started_at, datetime.now(UTC).isoformat(sep=" "), report.tool_version,
                 report.verdict.value, report.duration_s, report.files_scanned, json.dumps(report.counts())),
            )
            run_id = int(cursor.lastrowid or 0)
            conn.executemany(
                "INSERT INTO prodready_findings (run_id, fingerprint, rule, category, severity, path, line, message)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                # One row per place: fixes are tracked place by place, as in diffs and baselines.
                [(run_id, loc.fingerprint or f.fingerprint, f.rule, f.category.value, f.severity.value, loc.path,
                  loc.line, (loc.message or f.message)[:2000])
                 for f in report.findings for loc in f.all_locations],
            )
    except sqlite3.Error as exc:
        raise HistoryError(f"cannot write history: {exc}") from exc
    finally:
        conn.close()
    return run_id


def trend(url: str, target: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The last runs, oldest first, each with counts per category and severity."""
    path = _sqlite_path(url)
    if path is None:
        result: list[dict[str, Any]] = _sql().trend(url, target, limit)
        return result
    conn = _open(path)
    try:
        query = "SELECT id, target, started_at, verdict, summary FROM prodready_runs"
        params: tuple[Any, ...] = ()
        if target:
            query += " WHERE target = ?"
            params = (target,)
        rows = conn.execute(query + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()[::-1]
        result = []
        for run_id, run_target, started_at, verdict, summary in rows:
            per_category: dict[str, int] = defaultdict(int)
            found = conn.execute(
                "SELECT category, fingerprint FROM prodready_findings WHERE run_id = ? ORDER BY id", (run_id,)
            ).fetchall()
            for category, _ in found:
                per_category[category] += 1
            result.append({
                "run": run_id, "target": run_target, "started_at": started_at, "verdict": verdict,
                "summary": json.loads(summary) if isinstance(summary, str) else summary,
                "categories": dict(per_category),
                "fingerprints": [fp for _, fp in found],
            })
        return result
    except (sqlite3.Error, ValueError) as exc:
        raise HistoryError(f"cannot read history: {exc}") from exc
    finally:
        conn.close()
