"""Celery application bound to the Flask app context.

Worker:  celery -A app.tasks.celery_app:celery worker --loglevel=INFO
Beat:    celery -A app.tasks.celery_app:celery beat --loglevel=INFO
"""
from __future__ import annotations

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask

from app import create_app
from app.config import get_settings


def make_celery(app: Flask) -> Celery:
    settings = get_settings()

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=settings.CELERY_BROKER_URL,
        result_backend=settings.CELERY_RESULT_BACKEND,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=3600,
        timezone="UTC",
        enable_utc=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=240,
        task_time_limit=300,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 900},
        include=["app.tasks.refresh"],
        beat_schedule={
            "refresh-tracked-series": {
                "task": "app.tasks.refresh.refresh_all_series",
                "schedule": crontab(minute=f"*/{settings.REFRESH_INTERVAL_MINUTES}"),
            },
            "prune-refresh-logs": {
                "task": "app.tasks.refresh.prune_refresh_logs",
                "schedule": crontab(hour=3, minute=15),
            },
        },
    )
    app.extensions["celery"] = celery_app
    return celery_app


flask_app = create_app()
celery = make_celery(flask_app)
