import logging

import requests

from app.config import Settings

log = logging.getLogger(__name__)

_http = requests.Session()

SYSTEM_PROMPT = (
    "You answer questions about people's professional profiles. "
    "Use only the provided context. If the context does not contain the answer, say so."
)


def _headers() -> dict:
    return {
        "Authorization": f"Bearer {Settings.OPENAI_API_KEY}",
        "Content-Type": "application/json",
    }


def embed(texts: list[str]) -> list[list[float]]:
    if not texts:
        return []
    resp = _http.post(
        f"{Settings.OPENAI_BASE_URL}/embeddings",
        json={"model": Settings.EMBEDDING_MODEL, "input": texts},
        headers=_headers(),
        timeout=(3.05, 30),
    )
    resp.raise_for_status()
    data = sorted(resp.json()["data"], key=lambda item: item["index"])
    return [item["embedding"] for item in data]


def _format_context(chunks: list[dict]) -> str:
    return "\n\n".join(f"[{c['title']}]\n{c['content']}" for c in chunks)


def answer(question: str, history: list[dict], context: list[dict]) -> str:
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    if context:
        messages.append({"role": "system", "content": "Context:\n" + _format_context(context)})
    messages.extend({"role": m["role"], "content": m["content"]} for m in history)
    messages.append({"role": "user", "content": question})

    resp = _http.post(
        f"{Settings.OPENAI_BASE_URL}/chat/completions",
        json={"model": Settings.CHAT_MODEL, "messages": messages, "temperature": 0.2},
        headers=_headers(),
    )
    resp.raise_for_status()
    body = resp.json()
    usage = body.get("usage", {})
    log.info("llm answer tokens prompt=%s completion=%s", usage.get("prompt_tokens"), usage.get("completion_tokens"))
    return body["choices"][0]["message"]["content"]
