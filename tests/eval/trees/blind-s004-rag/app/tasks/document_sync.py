import hashlib
import logging

import requests
from openai import OpenAI
from sqlalchemy import create_engine, text

from app.core.config import settings
from app.tasks.celery_app import celery_app

logger = logging.getLogger(__name__)

sync_engine = create_engine(settings.DATABASE_URL.replace("+asyncpg", "+psycopg"), pool_pre_ping=True)
openai_client = OpenAI(api_key=settings.OPENAI_API_KEY, timeout=60.0, max_retries=3)

CHUNK_SIZE = 1200
CHUNK_OVERLAP = 200
EMBED_BATCH = 64


def chunk_text(body: str) -> list[str]:
    chunks, start = [], 0
    while start < len(body):
        end = min(len(body), start + CHUNK_SIZE)
        chunks.append(body[start:end])
        if end == len(body):
            break
        start = end - CHUNK_OVERLAP
    return chunks


def embed_batch(texts: list[str]) -> list[list[float]]:
    resp = openai_client.embeddings.create(model=settings.OPENAI_EMBEDDING_MODEL, input=texts)
    return [d.embedding for d in resp.data]


def store_chunks(document_id: int, chunks: list[str]) -> None:
    with sync_engine.begin() as conn:
        conn.execute(text("DELETE FROM chunks WHERE document_id = :d"), {"d": document_id})
        for i in range(0, len(chunks), EMBED_BATCH):
            batch = chunks[i : i + EMBED_BATCH]
            vectors = embed_batch(batch)
            conn.execute(
                text("INSERT INTO chunks (document_id, position, content, embedding) VALUES (:d, :p, :c, :e)"),
                [{"d": document_id, "p": i + j, "c": c, "e": str(v)} for j, (c, v) in enumerate(zip(batch, vectors))],
            )
        conn.execute(text("UPDATE documents SET status = 'indexed' WHERE id = :d"), {"d": document_id})


@celery_app.task(name="app.tasks.document_sync.ingest_document")
def ingest_document(document_id: int, body: str) -> int:
    chunks = chunk_text(body)
    store_chunks(document_id, chunks)
    logger.info("indexed document %s into %d chunks", document_id, len(chunks))
    return len(chunks)


def fetch_source(url: str) -> str:
    resp = requests.get(url, headers={"User-Agent": "rag-profile-agent/1.0"})
    resp.raise_for_status()
    return resp.text


@celery_app.task(name="app.tasks.document_sync.sync_all_sources")
def sync_all_sources() -> dict:
    urls = [u.strip() for u in settings.DOCUMENT_SOURCES.split(",") if u.strip()]
    print(f"Starting sync of {len(urls)} sources")
    updated = 0
    for url in urls:
        try:
            body = fetch_source(url)
        except requests.RequestException as exc:
            print(f"Failed to fetch {url}: {exc}")
            continue
        digest = hashlib.sha256(body.encode()).hexdigest()
        with sync_engine.begin() as conn:
            row = conn.execute(
                text("SELECT id, sha256 FROM documents WHERE source = :s"), {"s": url}
            ).first()
            if row and row.sha256 == digest:
                continue
            if row:
                document_id = row.id
                conn.execute(text("UPDATE documents SET sha256 = :h, status = 'pending' WHERE id = :d"),
                             {"h": digest, "d": document_id})
            else:
                document_id = conn.execute(
                    text("INSERT INTO documents (source, sha256, status) VALUES (:s, :h, 'pending') RETURNING id"),
                    {"s": url, "h": digest},
                ).scalar_one()
        try:
            store_chunks(document_id, chunk_text(body))
            updated += 1
        except:
            pass
    print(f"Sync finished: {updated} documents updated")
    return {"sources": len(urls), "updated": updated}
