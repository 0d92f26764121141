"""Tool implementations exposed to MCP clients."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Callable

from .providers import available_providers
from .singletons import get_provider

MAX_PROMPT_CHARS = 200_000
SYSTEM_PROMPT = "You are EXAI, a precise senior engineering assistant. Answer concisely."


class ToolError(ValueError):
    """Raised for invalid tool arguments; the message is safe to show to clients."""


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    default_provider: str
    handler: Callable[[dict[str, Any]], dict[str, Any]]

    def provider_for(self, arguments: dict[str, Any]) -> str:
        return str(arguments.get("provider") or self.default_provider)

    async def run(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return await asyncio.to_thread(self.handler, arguments)


def _require_text(arguments: dict[str, Any], key: str) -> str:
    value = arguments.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ToolError(f"'{key}' must be a non-empty string")
    if len(value) > MAX_PROMPT_CHARS:
        raise ToolError(f"'{key}' exceeds {MAX_PROMPT_CHARS} characters")
    return value


def _chat(arguments: dict[str, Any]) -> dict[str, Any]:
    prompt = _require_text(arguments, "prompt")
    provider = get_provider(arguments.get("provider") or "kimi")
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": prompt},
    ]
    return provider.chat(messages, model=arguments.get("model"))


def _analyze_file(arguments: dict[str, Any]) -> dict[str, Any]:
    path = arguments.get("path")
    if not path:
        raise ToolError("'path' is required")
    with open(path, encoding="utf-8", errors="replace") as fh:
        source = fh.read()
    question = arguments.get("question") or "Review this file for bugs and risky patterns."
    provider = get_provider(arguments.get("provider") or "glm")
    messages = [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"{question}\n\n--- {path} ---\n{source}"},
    ]
    return provider.chat(messages, model=arguments.get("model"))


def _list_providers(arguments: dict[str, Any]) -> dict[str, Any]:
    return {"providers": available_providers()}


TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool("chat", "General chat with the selected model", "kimi", _chat),
        Tool("analyze_file", "Ask a model to review a file", "glm", _analyze_file),
        Tool("list_providers", "List configured providers", "kimi", _list_providers),
    )
}
