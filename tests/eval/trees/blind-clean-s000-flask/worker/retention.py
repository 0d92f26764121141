"""Disk retention for job logs and per-job working directories."""
from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Collection

from app.metrics import WORKER_FILES_REMOVED

log = logging.getLogger(__name__)

_LOG_NAME = re.compile(r"^job_([0-9a-f-]{36})\.log$")
_JOB_DIR_NAME = re.compile(r"^[0-9a-f-]{36}$")


def _expired(mtime: float, now: float, retention: float) -> bool:
    return now - mtime > retention


def cleanup_expired(
    logs_dir: Path,
    jobs_dir: Path,
    *,
    retention_seconds: float,
    protected_job_ids: Collection[str],
    now: float | None = None,
) -> dict[str, int]:
    """Remove job logs and job directories older than the retention period.

    Only names this service creates are considered, symlinks are never
    followed, and jobs that are still running (or awaiting a result write) are
    skipped whatever their age.
    """
    now = time.time() if now is None else now
    removed = {"logs": 0, "job_dirs": 0, "errors": 0}

    if logs_dir.is_dir():
        with os.scandir(logs_dir) as it:
            for entry in it:
                match = _LOG_NAME.match(entry.name)
                if not match or match.group(1) in protected_job_ids:
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                    if entry.is_file(follow_symlinks=False) and _expired(st.st_mtime, now, retention_seconds):
                        os.unlink(entry.path)
                        removed["logs"] += 1
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    removed["errors"] += 1
                    log.warning("could not remove log", extra={"path": entry.path, "error": str(exc)})

    if jobs_dir.is_dir():
        with os.scandir(jobs_dir) as it:
            for entry in it:
                if not _JOB_DIR_NAME.match(entry.name) or entry.name in protected_job_ids:
                    continue
                try:
                    if not entry.is_dir(follow_symlinks=False):
                        continue
                    st = entry.stat(follow_symlinks=False)
                    if _expired(st.st_mtime, now, retention_seconds):
                        shutil.rmtree(entry.path)
                        removed["job_dirs"] += 1
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    removed["errors"] += 1
                    log.warning("could not remove job directory", extra={"path": entry.path, "error": str(exc)})

    WORKER_FILES_REMOVED.labels(kind="log").inc(removed["logs"])
    WORKER_FILES_REMOVED.labels(kind="job_dir").inc(removed["job_dirs"])
    return removed
