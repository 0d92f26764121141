"""Browse the datasets directory (used by the UI's dataset picker)."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, status

from app.config import get_settings
from app.schemas import DirectoryListing, FileContent, FileEntry

logger = logging.getLogger(__name__)
settings = get_settings()

router = APIRouter(prefix="/api/filesystem", tags=["filesystem"])

MAX_LIST_ENTRIES = 1000
MAX_READ_BYTES = 1 << 20
_ALLOWED_PREVIEW_SUFFIXES = {".jsonl", ".json", ".csv", ".txt", ".parquet.meta"}


def _safe_path(relative: str) -> Path:
    root = settings.datasets_dir.resolve()
    candidate = (root / relative.lstrip("/")).resolve()
    if not candidate.is_relative_to(root):
        raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail="Path outside datasets directory")
    return candidate


@router.get("/list", response_model=DirectoryListing)
def list_directory(path: str = Query(default="", max_length=512)) -> DirectoryListing:
    target = _safe_path(path)
    if not target.is_dir():
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Directory not found")

    entries: list[FileEntry] = []
    with os.scandir(target) as it:
        for entry in it:
            if len(entries) >= MAX_LIST_ENTRIES:
                break
            if entry.name.startswith("."):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                logger.warning("stat failed for %s: %s", entry.path, exc)
                continue
            entries.append(
                FileEntry(
                    name=entry.name,
                    is_dir=entry.is_dir(follow_symlinks=False),
                    size=None if entry.is_dir(follow_symlinks=False) else st.st_size,
                    modified=st.st_mtime,
                )
            )
    entries.sort(key=lambda e: (not e.is_dir, e.name))
    return DirectoryListing(path=path, entries=entries)


@router.get("/read", response_model=FileContent)
def read_file(
    path: str = Query(..., min_length=1, max_length=512),
    max_bytes: int = Query(default=64 * 1024, ge=1, le=MAX_READ_BYTES),
) -> FileContent:
    full_path = os.path.join(settings.datasets_dir, path)
    if not os.path.isfile(full_path):
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="File not found")
    if not any(full_path.endswith(s) for s in _ALLOWED_PREVIEW_SUFFIXES):
        logger.debug("previewing file with unusual suffix: %s", full_path)

    with open(full_path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    truncated = len(data) > max_bytes
    return FileContent(
        path=path,
        content=data[:max_bytes].decode("utf-8", errors="replace"),
        truncated=truncated,
    )


@router.get("/info")
def file_info(path: str = Query(..., min_length=1, max_length=512)) -> dict:
    target = _safe_path(path)
    if not target.exists():
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Not found")
    st = target.stat()
    return {
        "path": path,
        "is_dir": target.is_dir(),
        "size": st.st_size,
        "modified": st.st_mtime,
    }
