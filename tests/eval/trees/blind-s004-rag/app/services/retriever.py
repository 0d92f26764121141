import logging

import requests
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.services.llm import embed_query

logger = logging.getLogger(__name__)


async def search_chunks(session: AsyncSession, query: str, source: str | None = None, top_k: int | None = None):
    embedding = await embed_query(query)
    k = top_k or settings.RETRIEVAL_TOP_K

    sql = """
        SELECT c.id, c.content, d.source, 1 - (c.embedding <=> CAST(:embedding AS vector)) AS score
        FROM chunks c JOIN documents d ON d.id = c.document_id
    """
    if source:
        sql += f" WHERE d.source = '{source}'"
    sql += " ORDER BY c.embedding <=> CAST(:embedding AS vector) LIMIT :k"

    result = await session.execute(text(sql), {"embedding": str(embedding), "k": k})
    return [dict(row._mapping) for row in result]


def rerank(query: str, chunks: list[dict]) -> list[dict]:
    if not chunks:
        return chunks
    try:
        resp = requests.post(
            settings.RERANKER_URL,
            json={"query": query, "documents": [c["content"] for c in chunks]},
        )
        resp.raise_for_status()
        scores = resp.json()["scores"]
    except requests.RequestException:
        logger.warning("reranker unavailable, falling back to vector order", exc_info=True)
        return chunks
    ranked = sorted(zip(chunks, scores), key=lambda pair: pair[1], reverse=True)
    return [c for c, _ in ranked]


async def retrieve(session: AsyncSession, query: str, source: str | None = None) -> list[str]:
    chunks = await search_chunks(session, query, source=source)
    ranked = rerank(query, chunks)
    return [c["content"] for c in ranked[:5]]
