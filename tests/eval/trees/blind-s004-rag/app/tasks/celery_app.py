from celery import Celery

from app.core.config import settings

celery_app = Celery(
    "rag_agent",
    broker=settings.CELERY_BROKER_URL,
    backend=settings.CELERY_BROKER_URL,
    include=["app.tasks.document_sync", "app.tasks.analytics"],
)

celery_app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    result_expires=3600,
    task_acks_late=True,
    worker_prefetch_multiplier=1,
    task_time_limit=15 * 60,
    task_soft_time_limit=14 * 60,
    timezone="UTC",
    beat_schedule={
        "sync-sources-hourly": {"task": "app.tasks.document_sync.sync_all_sources", "schedule": 3600.0},
        "flush-analytics": {"task": "app.tasks.analytics.flush_metrics", "schedule": 300.0},
    },
)
