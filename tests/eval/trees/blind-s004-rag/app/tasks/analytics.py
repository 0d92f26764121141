import logging
import threading
import time
from collections import Counter

from sqlalchemy import create_engine, text

from app.core.config import settings
from app.tasks.celery_app import celery_app

logger = logging.getLogger(__name__)

engine = create_engine(settings.DATABASE_URL.replace("+asyncpg", "+psycopg"), pool_pre_ping=True)

# Per-worker aggregation, flushed to Postgres every few minutes by beat.
_counts: Counter = Counter()
_context_sizes: list[int] = []
_lock = threading.Lock()


@celery_app.task(name="app.tasks.analytics.record_query", ignore_result=True)
def record_query(session_id: str, route: str, context_chunks: int) -> None:
    _counts[route] += 1
    _context_sizes.append(context_chunks)


@celery_app.task(name="app.tasks.analytics.flush_metrics", ignore_result=True)
def flush_metrics() -> None:
    with _lock:
        counts = dict(_counts)
        sizes = list(_context_sizes)
        _counts.clear()
        _context_sizes.clear()
    if not counts:
        return
    avg_ctx = sum(sizes) / len(sizes) if sizes else 0.0
    bucket = int(time.time() // 300 * 300)
    try:
        with engine.begin() as conn:
            for route, n in counts.items():
                conn.execute(
                    text(
                        "INSERT INTO query_stats (bucket, route, queries, avg_context_chunks) "
                        "VALUES (to_timestamp(:b), :r, :n, :a) "
                        "ON CONFLICT (bucket, route) DO UPDATE SET queries = query_stats.queries + EXCLUDED.queries"
                    ),
                    {"b": bucket, "r": route, "n": n, "a": avg_ctx},
                )
    except Exception:
        logger.exception("failed to flush query stats; %d routes dropped", len(counts))
        raise
    print(f"flushed analytics for {sum(counts.values())} queries")
