import hashlib
import logging

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import get_db
from app.core.security import require_admin
from app.tasks.document_sync import ingest_document, sync_all_sources

router = APIRouter(prefix="/documents", dependencies=[Depends(require_admin)])
logger = logging.getLogger(__name__)

ALLOWED_TYPES = {"text/plain", "text/markdown"}


@router.post("/upload", status_code=202)
async def upload_document(file: UploadFile = File(...), db: AsyncSession = Depends(get_db)):
    if file.content_type not in ALLOWED_TYPES:
        raise HTTPException(415, f"unsupported content type {file.content_type}")
    content = await file.read()
    digest = hashlib.sha256(content).hexdigest()

    existing = await db.execute(text("SELECT id FROM documents WHERE sha256 = :h"), {"h": digest})
    if existing.first():
        return {"status": "duplicate", "sha256": digest}

    row = await db.execute(
        text("INSERT INTO documents (source, filename, sha256, status) VALUES ('upload', :f, :h, 'pending') RETURNING id"),
        {"f": file.filename, "h": digest},
    )
    document_id = row.scalar_one()
    ingest_document.delay(document_id, content.decode("utf-8", errors="replace"))
    logger.info("queued document %s (%d bytes)", document_id, len(content))
    return {"status": "queued", "document_id": document_id}


@router.post("/sync", status_code=202)
async def trigger_sync():
    task = sync_all_sources.delay()
    return {"status": "queued", "task_id": task.id}
