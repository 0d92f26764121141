from celery import Celery
from celery.schedules import crontab

from app.config import Settings
from app.extensions import init_db, init_redis

celery = Celery(
    "profile_agent",
    broker=Settings.CELERY_BROKER_URL,
    backend=Settings.CELERY_RESULT_BACKEND,
    include=["app.tasks.document_sync", "app.tasks.analytics"],
)

celery.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    timezone="UTC",
    enable_utc=True,
    worker_prefetch_multiplier=1,
    result_expires=3600,
    beat_schedule={
        "sync-documents-hourly": {"task": "documents.sync", "schedule": crontab(minute=5)},
        "analytics-daily-rollup": {"task": "analytics.daily_rollup", "schedule": crontab(hour=0, minute=15)},
    },
)

init_db(Settings.DATABASE_URL)
init_redis(Settings.REDIS_URL)
