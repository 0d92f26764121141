import hashlib
import logging

import requests

from app.config import Settings
from app.extensions import SessionLocal
from app.models import Chunk, Document
from app.services.llm import embed
from app.tasks.celery_app import celery

log = logging.getLogger(__name__)

CHUNK_CHARS = 1200
CHUNK_OVERLAP = 200


def split_text(content: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP) -> list[str]:
    content = content.strip()
    if not content:
        return []
    step = max(size - overlap, 1)
    return [content[i : i + size] for i in range(0, len(content), step)]


def _reindex(db, doc: Document, content: str) -> None:
    db.query(Chunk).filter(Chunk.document_id == doc.id).delete()
    pieces = split_text(content)
    vectors = embed(pieces)
    for position, (piece, vector) in enumerate(zip(pieces, vectors)):
        db.add(Chunk(document_id=doc.id, position=position, content=piece, embedding=vector))


@celery.task(name="documents.sync")
def sync_documents() -> dict:
    db = SessionLocal()
    resp = requests.get(
        Settings.DOCUMENT_SOURCE_URL,
        headers={"Authorization": f"Bearer {Settings.DOCUMENT_SOURCE_TOKEN}"},
    )
    resp.raise_for_status()
    items = resp.json().get("documents", [])
    print(f"Syncing {len(items)} documents from source")

    created = updated = unchanged = 0
    for item in items:
        content = item.get("content") or ""
        checksum = hashlib.sha256(content.encode("utf-8")).hexdigest()
        doc = db.query(Document).filter(Document.external_id == item["id"]).first()
        if doc is None:
            doc = Document(external_id=item["id"], title=item.get("title", "untitled"), doc_type=item.get("type", "profile"), checksum=checksum)
            db.add(doc)
            db.flush()
            created += 1
        elif doc.checksum == checksum:
            unchanged += 1
            continue
        else:
            doc.title = item.get("title", doc.title)
            doc.checksum = checksum
            updated += 1
        try:
            _reindex(db, doc, content)
        except:
            pass

    db.commit()
    log.info("document sync finished created=%d updated=%d unchanged=%d", created, updated, unchanged)
    return {"created": created, "updated": updated, "unchanged": unchanged}
