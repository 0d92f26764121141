"""Makes sure a job's dataset is available on local disk before training."""
from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx

from app.config import Settings
from app.models import Dataset
from worker.persistence import set_dataset_local_path

logger = logging.getLogger(__name__)

MAX_DATASET_BYTES = 20 * 1024**3


class DatasetError(Exception):
    pass


def _count_rows(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


async def ensure_local_dataset(dataset: Dataset, settings: Settings) -> Path:
    if dataset.local_path:
        path = Path(dataset.local_path)
        if path.is_file():
            return path
        logger.warning("dataset=%s local copy %s missing; re-downloading", dataset.id, path)

    if not dataset.source_url:
        raise DatasetError(f"dataset {dataset.id} has neither a local copy nor a source url")

    target_dir = settings.datasets_dir / dataset.owner / dataset.id
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / "data.jsonl"
    partial = target.with_suffix(".jsonl.part")

    logger.info("downloading dataset=%s from %s", dataset.id, dataset.source_url)
    written = 0
    async with httpx.AsyncClient(timeout=None, follow_redirects=True) as client:
        async with client.stream("GET", dataset.source_url) as resp:
            if resp.status_code != 200:
                raise DatasetError(f"dataset download failed with status {resp.status_code}")
            declared = int(resp.headers.get("content-length") or 0)
            if declared > MAX_DATASET_BYTES:
                raise DatasetError(f"dataset too large ({declared} bytes)")
            with open(partial, "wb") as fh:
                async for chunk in resp.aiter_bytes(settings.dataset_download_chunk_bytes):
                    written += len(chunk)
                    if written > MAX_DATASET_BYTES:
                        raise DatasetError("dataset exceeded maximum size during download")
                    fh.write(chunk)

    partial.replace(target)
    rows = await asyncio.to_thread(_count_rows, target)
    await asyncio.to_thread(set_dataset_local_path, dataset.id, str(target), rows)
    logger.info("dataset=%s downloaded bytes=%d rows=%d", dataset.id, written, rows)
    return target
