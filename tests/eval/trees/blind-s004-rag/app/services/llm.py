import hashlib
import logging
from collections import OrderedDict
from threading import Lock

import openai
from openai import AsyncOpenAI

from app.core.config import settings

logger = logging.getLogger(__name__)

client = AsyncOpenAI(
    api_key=settings.OPENAI_API_KEY,
    timeout=settings.OPENAI_TIMEOUT_SECONDS,
    max_retries=settings.OPENAI_MAX_RETRIES,
)


class EmbeddingCache:
    """Small thread-safe LRU for query embeddings (documents are embedded in the worker)."""

    def __init__(self, max_entries: int = 2048) -> None:
        self._data: OrderedDict[str, list[float]] = OrderedDict()
        self._max = max_entries
        self._lock = Lock()

    def get(self, key: str) -> list[float] | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: str, value: list[float]) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._max:
                self._data.popitem(last=False)


_embedding_cache = EmbeddingCache()


async def embed_query(text: str) -> list[float]:
    key = hashlib.sha256(f"{settings.OPENAI_EMBEDDING_MODEL}:{text}".encode()).hexdigest()
    cached = _embedding_cache.get(key)
    if cached is not None:
        return cached
    resp = await client.embeddings.create(model=settings.OPENAI_EMBEDDING_MODEL, input=text)
    vector = resp.data[0].embedding
    _embedding_cache.put(key, vector)
    return vector


SYSTEM_PROMPT = (
    "You are a profile assistant. Answer strictly from the provided context. "
    "If the context does not contain the answer, say you don't know."
)


async def classify_query(query: str) -> str:
    """Route a query to 'profile', 'smalltalk' or 'other'."""
    resp = await client.chat.completions.create(
        model=settings.OPENAI_CHAT_MODEL,
        messages=[
            {"role": "system", "content": "Classify the user message as one word: profile, smalltalk or other."},
            {"role": "user", "content": query},
        ],
        max_tokens=3,
        temperature=0,
    )
    label = (resp.choices[0].message.content or "other").strip().lower()
    return label if label in {"profile", "smalltalk", "other"} else "other"


async def generate_answer(query: str, context: list[str], history: list[dict]):
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    messages += history
    messages.append({"role": "user", "content": "Context:\n" + "\n---\n".join(context) + f"\n\nQuestion: {query}"})
    try:
        stream = await client.chat.completions.create(
            model=settings.OPENAI_CHAT_MODEL,
            messages=messages,
            stream=True,
            temperature=0.2,
        )
        async for chunk in stream:
            delta = chunk.choices[0].delta.content if chunk.choices else None
            if delta:
                yield delta
    except openai.APIError:
        logger.exception("chat completion failed (model=%s)", settings.OPENAI_CHAT_MODEL)
        raise
