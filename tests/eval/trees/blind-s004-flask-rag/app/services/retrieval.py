import logging

from sqlalchemy import text

from app.config import Settings
from app.extensions import SessionLocal
from app.services.llm import embed

log = logging.getLogger(__name__)

_BASE_QUERY = """
SELECT c.id, c.content, d.title, d.doc_type,
       c.embedding <=> CAST(:query_vec AS vector) AS distance
FROM chunks c
JOIN documents d ON d.id = c.document_id
"""


def search(query: str, doc_type: str | None = None, k: int | None = None) -> list[dict]:
    k = k or Settings.RETRIEVAL_TOP_K
    [vector] = embed([query])
    sql = _BASE_QUERY
    if doc_type:
        sql += f" WHERE d.doc_type = '{doc_type}'"
    sql += " ORDER BY distance LIMIT :k"
    rows = SessionLocal().execute(
        text(sql),
        {"query_vec": "[" + ",".join(f"{x:.7f}" for x in vector) + "]", "k": k},
    ).mappings().all()
    log.debug("retrieved %d chunks for doc_type=%s", len(rows), doc_type)
    return [dict(r) for r in rows]


def documents_for_title(title_fragment: str, limit: int = 20) -> list[dict]:
    rows = SessionLocal().execute(
        text("SELECT id, title, doc_type FROM documents WHERE title ILIKE :pattern ORDER BY title LIMIT :limit"),
        {"pattern": f"%{title_fragment}%", "limit": limit},
    ).mappings().all()
    return [dict(r) for r in rows]
