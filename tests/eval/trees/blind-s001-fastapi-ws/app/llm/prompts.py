"""Prompt assembly for chat turns."""
from __future__ import annotations

from typing import Any, Iterable

TITLE_PROMPT = (
    "Write a title of at most six words for a conversation that starts with the "
    "following message. Reply with the title only."
)


def build_chat_messages(
    system_prompt: str,
    history: Iterable[dict[str, Any]],
    user_message: str,
    max_chars: int,
) -> list[dict[str, str]]:
    """Return the message list for the provider, newest history kept first.

    History is trimmed from the oldest end until the character budget fits, so
    a long conversation never produces an oversized request.
    """
    budget = max_chars - len(system_prompt) - len(user_message)
    kept: list[dict[str, str]] = []
    for item in reversed(list(history)):
        content = item.get("content") or ""
        if len(content) > budget:
            break
        budget -= len(content)
        kept.append({"role": item["role"], "content": content})
    kept.reverse()
    return [{"role": "system", "content": system_prompt}, *kept, {"role": "user", "content": user_message}]


def build_title_messages(first_message: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": TITLE_PROMPT},
        {"role": "user", "content": first_message[:2000]},
    ]
