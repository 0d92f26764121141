"""The history store on any SQLAlchemy URL (PostgreSQL for a team): ``pip install prodready[postgres]``.

Only imported for URLs other than ``sqlite:///``; the same two tables as the stdlib store.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from prodready.model import AuditReport
from prodready.tracking.history import HistoryError

metadata = MetaData()
runs = Table(
    "prodready_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(1024), nullable=False, index=True),
    Column("started_at", String(40), nullable=False),
    Column("recorded_at", DateTime(timezone=True)),
    Column("tool_version", String(40)),
    Column("verdict", String(40)),
    Column("duration_s", Float),
    Column("files_scanned", Integer),
    Column("summary", JSON),
)
findings = Table(
    "prodready_findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("prodready_runs.id", ondelete="CASCADE"), index=True),
    Column("fingerprint", String(64), index=True),
    Column("rule", String(20)),
    Column("category", String(40)),
    Column("severity", String(10)),
    Column("path", String(1024)),
    Column("line", Integer),
    Column("message", String(2000)),
)


def _engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        # prodready: ignore[PR-TO-003] one short write per CLI run, to a URL the user chose
        engine = create_engine(url, pool_pre_ping=True)
        # prodready: ignore[PR-DB-303] a two-table local history store that only ever adds tables; no service schema
        metadata.create_all(engine)
    except (SQLAlchemyError, OSError, ImportError, ValueError) as exc:
        raise HistoryError(f"cannot open history store {url.split('@')[-1]}: {exc}") from exc
    return engine


def record(report: AuditReport, url: str) -> int:
    """Store the run and its (already redacted) findings; returns the run id."""
    from datetime import UTC, datetime

    engine = _engine(url)
    try:
        with engine.begin() as conn:
            inserted = conn.execute(
                insert(runs).values(
                    target=report.target, started_at=report.started_at, recorded_at=datetime.now(UTC),
                    tool_version=report.tool_version, verdict=report.verdict.value, duration_s=report.duration_s,
                    files_scanned=report.files_scanned, summary=report.counts(),
                )
            ).inserted_primary_key
            run_id = int(inserted[0]) if inserted else 0
            if report.findings:
                conn.execute(insert(findings), [
                    {"run_id": run_id, "fingerprint": loc.fingerprint or f.fingerprint, "rule": f.rule,
                     "category": f.category.value, "severity": f.severity.value, "path": loc.path, "line": loc.line,
                     "message": (loc.message or f.message)[:2000]}
                    for f in report.findings for loc in f.all_locations
                ])
    except SQLAlchemyError as exc:
        raise HistoryError(f"cannot write history: {exc}") from exc
    finally:
        engine.dispose()
    return int(run_id)


def trend(url: str, target: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The last runs, oldest first, each with counts per category and severity."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            query = select(runs).order_by(runs.c.id.desc()).limit(limit)
            if target:
                query = query.where(runs.c.target == target)
            rows = list(conn.execute(query))[::-1]
            result = []
            for row in rows:
                per_category: dict[str, int] = defaultdict(int)
                for f in conn.execute(select(findings.c.category).where(findings.c.run_id == row.id)):
                    per_category[f.category] += 1
                result.append({
                    "run": row.id, "target": row.target, "started_at": row.started_at, "verdict": row.verdict,
                    "summary": row.summary, "categories": dict(per_category),
                    "fingerprints": [r.fingerprint for r in conn.execute(select(findings.c.fingerprint).where(findings.c.run_id == row.id))],
                })
            return result
    except SQLAlchemyError as exc:
        raise HistoryError(f"cannot read history: {exc}") from exc
    finally:
        engine.dispose()
