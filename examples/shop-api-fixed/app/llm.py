import asyncio
from collections import OrderedDict

from openai import AsyncOpenAI

from app.config import settings

client = AsyncOpenAI(api_key=settings.OPENAI_API_KEY, timeout=30.0, max_retries=2)
MAX_SUMMARIES = 1000
_summaries: OrderedDict[str, str] = OrderedDict()
_background: set[asyncio.Task[str]] = set()


async def summarise(order_id: str, text: str) -> str:
    reply = await client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": text}]
    )
    _summaries[order_id] = reply.choices[0].message.content or ""
    while len(_summaries) > MAX_SUMMARIES:
        _summaries.popitem(last=False)
    return _summaries[order_id]


def summarise_later(order_id: str, text: str) -> None:
    task = asyncio.create_task(summarise(order_id, text))
    _background.add(task)
    task.add_done_callback(_background.discard)
