import asyncio
import os
import stat
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query

import settings

router = APIRouter(prefix="/api/filesystem", tags=["filesystem"])


def safe_resolve(relative: str) -> Path:
    candidate = (settings.DATA_ROOT / relative.lstrip("/")).resolve()
    if not candidate.is_relative_to(settings.DATA_ROOT):
        raise HTTPException(status_code=400, detail="path outside data root")
    if not candidate.exists():
        raise HTTPException(status_code=404, detail="not found")
    return candidate


@router.get("/list")
async def list_directory(path: str = ""):
    target = os.path.join(settings.DATA_ROOT, path)
    if not os.path.isdir(target):
        raise HTTPException(status_code=404, detail="not a directory")
    entries = []
    for name in sorted(os.listdir(target))[:1000]:
        full = os.path.join(target, name)
        st = os.stat(full)
        entries.append({"name": name, "is_dir": stat.S_ISDIR(st.st_mode), "size": st.st_size})
    return {"path": path, "entries": entries}


def _read_bytes(target: Path, offset: int, max_bytes: int) -> bytes:
    with open(target, "rb") as fh:
        fh.seek(offset)
        return fh.read(max_bytes)


@router.get("/read")
async def read_file(path: str, offset: int = Query(0, ge=0), max_bytes: int = Query(65536, ge=1)):
    target = safe_resolve(path)
    if not target.is_file():
        raise HTTPException(status_code=400, detail="not a file")
    data = await asyncio.to_thread(_read_bytes, target, offset, max_bytes)
    return {"path": path, "offset": offset, "content": data.decode("utf-8", errors="replace")}


@router.get("/info")
async def file_info(path: str):
    target = safe_resolve(path)
    st = target.stat()
    return {
        "path": path,
        "is_dir": target.is_dir(),
        "size": st.st_size,
        "modified": st.st_mtime,
    }
